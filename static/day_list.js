// The week's calendar on a narrow screen (calendar.html): a list of its days, each with its channels'
// counts and posts, made from the grid itself (same links, same words), so a phone reads the week from top
// to bottom instead of scrolling a 900 px grid sideways. The grid stays the page's calendar on a wide
// screen (and where this script does not run, in its own scroll box); moving posts is done there.
(function () {
  "use strict";
  const grid = document.getElementById("calendar-grid");
  const table = grid && grid.querySelector("table.calendar.week");
  if (!table || !table.tHead || !table.tBodies.length) return;
  const box = table.closest(".calendar-scroll");
  const narrow = window.matchMedia("(max-width: 720px)");
  const STATES = ["met", "short", "empty", "below_floor", "one_note", "some", "outside"];
  let list = null;

  const copy = function (element) {
    const clone = element.cloneNode(true);
    ["draggable", "data-post", "data-at", "data-label", "tabindex"].forEach((name) => clone.removeAttribute(name));
    return clone;
  };
  const build = function () {
    const made = document.createElement("ol");
    made.className = "day-list";
    const days = Array.from(table.tHead.rows[0].cells).slice(1);
    days.forEach(function (head, index) {
      const day = document.createElement("li");
      day.className = "list-day" + (head.classList.contains("today") ? " today" : "");
      const date = document.createElement("p");
      date.className = "list-date";
      const words = Array.from(head.childNodes).map((node) => (node.nodeName === "BR" ? " " : node.textContent));
      date.textContent = words.join("").replace(/\s+/g, " ").trim();
      const lines = document.createElement("ul");
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        const cell = row.cells[index + 1];
        if (!cell || !(cell.querySelector(".count") || cell.querySelector(".post-chip"))) return;
        const line = document.createElement("li");
        line.className = "line " + STATES.filter((state) => cell.classList.contains(state)).join(" ");
        const channel = document.createElement("span");
        channel.className = "channel";
        channel.textContent = row.cells[0].firstChild.textContent.trim();
        line.appendChild(channel);
        cell.querySelectorAll(":scope > .count, :scope > .star").forEach((part) => line.appendChild(copy(part)));
        cell.querySelectorAll(":scope > a.post-chip, :scope > a.more, :scope > a.add").forEach(function (link) {
          line.appendChild(copy(link));
        });
        lines.appendChild(line);
      });
      day.append(date, lines);
      made.appendChild(day);
    });
    return made;
  };
  const show = function () {
    if (narrow.matches) {
      const fresh = build(); // the grid may have changed (a post moved) since the last list was made
      if (list) list.replaceWith(fresh); else (box || table).after(fresh);
      list = fresh;
      (box || table).classList.add("has-day-list");
    } else if (list) {
      list.remove();
      list = null;
      (box || table).classList.remove("has-day-list");
    }
  };
  show();
  narrow.addEventListener("change", show);
})();
