// The UTM builder: the link it made is selected when focused, ready to copy.
document.querySelectorAll("input.utm-result").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
});
