// Previews on a set's page: a link card the server is still reading (data-card-pending) is asked for
// again a few times, from the post's preview address (data-preview-source); nothing else changes.
(function () {
  "use strict";
  const TRIES = 3, WAIT = 2500;
  document.querySelectorAll("[data-preview-source]").forEach(function (box) {
    let tries = 0;
    const again = function () {
      if (!box.querySelector("[data-card-pending]") || tries >= TRIES) return;
      tries += 1;
      setTimeout(function () {
        fetch(box.dataset.previewSource, {headers: {"Accept": "text/html"}})
          .then((r) => r.ok ? r.text() : Promise.reject(r.status))
          .then((html) => { box.innerHTML = html; again(); })
          .catch(() => {});
      }, WAIT);
    };
    again();
  });
})();
