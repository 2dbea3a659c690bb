// The UTM builder: the link it made is selected when focused, and "Copy" puts it on the clipboard
// (said on the button: "Copied", or "Select and copy" where the browser gives no clipboard).
document.querySelectorAll("input.utm-result").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
});
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.focus();
    field.select();
    // the words come from the page, in the reader's language
    const copied = function () { button.textContent = button.dataset.copied || "Copied"; };
    const failed = function () { button.textContent = button.dataset.copyFailed || "Select and copy"; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(copied, failed);
    else { try { document.execCommand("copy") ? copied() : failed(); } catch (error) { failed(); } }
  });
});
