// Feed pages: while an import runs, its progress is read from the API every second and shown in place.
(function () {
  "use strict";
  function show(row, feed) {
    const status = row.querySelector("[data-status]");
    const bar = row.querySelector("progress");
    const words = row.querySelector("[data-progress]");
    status.textContent = feed.status;
    status.className = "feed-status status status-" + feed.status;
    const importing = feed.status === "importing";
    bar.hidden = !importing;
    bar.max = feed.progress.total || 1;
    bar.value = feed.progress.done;
    words.textContent = importing ? feed.progress.done + " of " + (feed.progress.total || "?") + " entries" : "";
    return importing || feed.status === "new";
  }
  function watch(row) {
    fetch(row.dataset.feedUrl, {headers: {"Accept": "application/json"}})
      .then((answer) => answer.ok ? answer.json() : null)
      .then((feed) => {
        if (feed && show(row, feed)) setTimeout(() => watch(row), 1000);
        else if (feed && row.dataset.wasBusy) window.location.reload(); // the finished import's items and notes
      })
      .catch(() => setTimeout(() => watch(row), 5000));
    row.dataset.wasBusy = "1";
  }
  document.querySelectorAll("[data-feed]").forEach(function (row) {
    const status = row.querySelector("[data-status]");
    if (status && (status.textContent === "importing" || status.textContent === "new")) watch(row);
  });
})();
