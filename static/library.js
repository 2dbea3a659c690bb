// Feed pages: while an import runs, its progress is read from the API every second and shown in place.
(function () {
  "use strict";
  function show(row, feed) {
    const status = row.querySelector("[data-status]");
    const bar = row.querySelector("progress");
    const words = row.querySelector("[data-progress]");
    const labels = JSON.parse(status.dataset.labels || "{}");
    status.textContent = labels[feed.status] || feed.status;
    status.className = "feed-status status status-" + feed.status;
    const importing = feed.status === "importing";
    bar.hidden = !importing;
    bar.max = feed.progress.total || 1;
    bar.value = feed.progress.done;
    const said = words.dataset.words || "{done} of {total} entries"; // in the page's language
    words.textContent = importing ? said.replace("{done}", feed.progress.done).replace("{total}", feed.progress.total || "?") : "";
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
    if (status && (status.classList.contains("status-importing") || status.classList.contains("status-new"))) watch(row);
  });
})();
