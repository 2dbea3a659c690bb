// On every page (base.html): the menu that folds away on a narrow screen, a table that scrolls in its box
// reached by keyboard, and the keyboard shortcuts listed under "?": n a new post in the page's plan,
// [ and ] the previous and next period (or page), a approves the post under review. "/" (lookup.js) and
// "i" (interactions.js) have their own scripts. Keys typed in a field, or with Ctrl, Alt or Cmd, are never
// taken.
(function () {
  "use strict";
  const header = document.querySelector("header.top");
  const toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    header.classList.add("folding");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  // a table wider than a phone scrolls in its own box (refrain.css): the keyboard must reach it to scroll it
  const scrollable = function () {
    document.querySelectorAll("main table:not(.numbers), main .calendar-scroll").forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      else if (!scrolls && box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  };
  scrollable();
  window.addEventListener("resize", scrollable);

  const dialog = document.getElementById("shortcuts");
  const typing = function (element) {
    return /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) || element.isContentEditable;
  };
  const follow = function (selector) {
    const link = document.querySelector(selector);
    if (link) link.click();
    return Boolean(link);
  };
  const anotherDialogOpen = function () {
    return Array.from(document.querySelectorAll("dialog[open]")).some((d) => d !== dialog);
  };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(document.activeElement) || anotherDialogOpen()) return;
    if (dialog && dialog.open && event.key !== "?") return; // Escape closes it (the browser's own)
    let done = false;
    if (event.key === "?" && dialog && typeof dialog.showModal === "function") {
      if (dialog.open) dialog.close(); else dialog.showModal();
      done = true;
    } else if (event.key === "n" && dialog && dialog.dataset.newPost) {
      window.location.assign(dialog.dataset.newPost);
      done = true;
    } else if (event.key === "[") {
      done = follow("a[rel~='prev']");
    } else if (event.key === "]") {
      done = follow("a[rel~='next']");
    } else if (event.key === "a") {
      done = follow("[data-shortcut='approve']");
    }
    if (done) event.preventDefault();
  });
})();
