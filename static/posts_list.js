// The posts list's bulk bar (templates/posts/index.html): a box that ticks every post of the page, the
// count of the posts ticked, and only the fields the chosen action needs. Without this script every
// field shows and the boxes are ticked one by one; the form works the same.
(function () {
  "use strict";
  const form = document.getElementById("bulk");
  if (!form) return;
  const boxes = Array.from(form.querySelectorAll("input[name=ids]"));
  const all = document.getElementById("select-page");
  const ticked = document.getElementById("ticked");
  const scope = (value) => form.querySelector("input[name=scope][value=" + value + "]");

  const count = function () {
    const n = boxes.filter((box) => box.checked).length;
    if (ticked) ticked.textContent = String(n);
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    return n;
  };

  if (all && boxes.length) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach((box) => { box.checked = all.checked; });
      count();
      if (all.checked && scope("selected")) scope("selected").checked = true;
    });
  }
  boxes.forEach((box) => box.addEventListener("change", function () {
    if (count() && scope("selected")) scope("selected").checked = true;
  }));

  const action = form.querySelector("select[name=action]");
  const showFields = function () {
    form.querySelectorAll("[data-for-action]").forEach(function (label) {
      label.hidden = label.dataset.forAction !== action.value;
    });
  };
  if (action) {
    action.addEventListener("change", showFields);
    showFields();
  }
  count();
})();
