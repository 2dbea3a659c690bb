// The style guide's entry form: only the fields of the chosen kind are shown.
// A file, not an inline script: the Content-Security-Policy runs scripts from static/ only.
(function () {
  const kind = document.getElementById("kind");
  if (!kind) return;
  const show = () => document.querySelectorAll(".for-term_rule, .for-topic, .for-script").forEach(function (el) {
    el.hidden = !el.classList.contains("for-" + kind.value);
  });
  kind.addEventListener("change", show);
  show();
})();
