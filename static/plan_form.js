// The new-plan form: a keyword suggested by the last quarter's retrospective is added to the theme
// keywords field in place (one per line, never twice), instead of reloading the page through its link.
(function () {
  "use strict";
  const box = document.getElementById("keywords");
  const status = document.getElementById("suggest-status");
  if (!box) return;
  const folded = (word) => word.trim().toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  document.querySelectorAll("a.suggest[data-keyword]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      const word = link.dataset.keyword;
      const present = box.value.split(/[\n,]/).map(folded).filter(Boolean);
      if (!present.includes(folded(word))) {
        box.value = box.value.trim() ? box.value.replace(/\s*$/, "\n") + word : word;
      }
      link.classList.add("added");
      link.setAttribute("aria-pressed", "true");
      if (status) status.textContent = (status.dataset.added || "Added “%(word)s” to the theme keywords.").replace("%(word)s", word);
    });
  });
})();
