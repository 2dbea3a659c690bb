// Moving posts on the calendar (templates/calendar.html): drag a post to another day (in the week view,
// onto an hour of it), or focus it, press M, choose with the arrows and press Enter. Either way the move is
// the editor's own save of a new time (PATCH /api/v1/posts/<id>: the same checks and guards); a refusal
// is shown as an error and the post goes back where it was. What happens is said in an aria-live line;
// the words come from the page (data-said-*), so they are translated with it.
(function () {
  "use strict";
  const grid = document.getElementById("calendar-grid");
  if (!grid || grid.dataset.canMove !== "true") return;
  const zone = grid.dataset.tz;
  const status = document.getElementById("move-status");
  const alertLine = document.getElementById("move-error");
  const DAY = 86400000, HOUR = 3600000;

  const said = function (name, values) {
    const words = grid.dataset["said" + name[0].toUpperCase() + name.slice(1)] || "";
    return words.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  };
  const announce = function (text) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 30); // a change a screen reader notices
  };
  const showError = function (text) {
    alertLine.textContent = text;
    alertLine.hidden = false;
  };
  const clearError = function () {
    alertLine.hidden = true;
    alertLine.textContent = "";
  };

  // Wall-clock times on the plan's clock are kept as "YYYY-MM-DDTHH:MM" and computed on as if they were
  // UTC (no zone to trip on); only sending one needs the plan's offset at that time, asked of Intl.
  const wallMs = function (wall) {
    const [day, time] = wall.split("T");
    const [y, m, d] = day.split("-").map(Number);
    const [h, min] = time.split(":").map(Number);
    return Date.UTC(y, m - 1, d, h, min);
  };
  const wallOf = (ms) => new Date(ms).toISOString().slice(0, 16);
  const offsetAt = function (ms) { // minutes east of UTC in the plan's zone at the instant ms
    const parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(ms)).forEach((p) => { parts[p.type] = Number(p.value); });
    const shown = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return Math.round((shown - (ms - (ms % 1000))) / 60000);
  };
  const instantOf = function (wall) { // the wall time with the plan's offset, as the API reads it
    const ms = wallMs(wall);
    const offset = offsetAt(ms - offsetAt(ms) * 60000);
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    const two = (n) => String(n).padStart(2, "0");
    return wall + ":00" + sign + two(Math.floor(abs / 60)) + ":" + two(abs % 60);
  };
  const shown = function (wall) {
    return new Intl.DateTimeFormat(document.documentElement.lang || "en", {
      timeZone: "UTC", weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(wallMs(wall)));
  };

  // where a post may land: a day cell (week: of its own channel's row)
  const cellsFor = function (chip) {
    const own = chip.closest("td");
    if (own && own.dataset.channel) {
      return Array.from(grid.querySelectorAll("td[data-day][data-channel]"))
        .filter((td) => td.dataset.channel === own.dataset.channel);
    }
    return Array.from(grid.querySelectorAll("td[data-day]"));
  };
  const cellOn = (chip, day) => cellsFor(chip).find((td) => td.dataset.day === day) || null;

  // the move itself, then the grid drawn again by the server (its counts and states)
  const move = function (chip, wall, origin) {
    const label = chip.dataset.label || "";
    clearError();
    return fetch(grid.dataset.postsApi + chip.dataset.post, {
      method: "PATCH",
      // the refusal in the page's language (the API answers in the one the request asks for)
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "Accept-Language": document.documentElement.lang || "en"},
      body: JSON.stringify({scheduled_at: instantOf(wall)}),
    }).then(function (answer) {
      return answer.json().catch(() => ({})).then(function (body) {
        if (!answer.ok) {
          const error = body.error || {};
          const fields = Object.values(error.fields || {});
          throw new Error(fields.length ? error.message.replace(/^invalid input: /, "") : (error.message || answer.statusText));
        }
        return redraw(chip.dataset.post).then(() => announce(said("moved", {label: label, when: shown(wall)})));
      });
    }).catch(function (error) {
      if (origin) origin.parent.insertBefore(chip, origin.next); // it snaps back
      const text = error instanceof TypeError ? said("unreachable", {}) : said("refused", {why: error.message});
      showError(text);
      chip.focus();
    });
  };

  const redraw = function (postId) {
    return fetch(window.location.href, {headers: {"Accept": "text/html"}})
      .then((answer) => answer.text())
      .then(function (html) {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("calendar-grid");
        if (!fresh) return;
        grid.innerHTML = fresh.innerHTML;
        bind();
        const again = grid.querySelector("[data-post='" + postId + "']");
        if (again) again.focus();
      });
  };

  // where a moved post shows until the grid is drawn again: among the day's posts, before its "+"
  const land = function (chip, td) {
    const place = td.querySelector(".dots") || td;
    place.insertBefore(chip, place.querySelector(":scope > a.add"));
  };

  // dragging
  let dragged = null, origin = null;
  const slotsIn = function (td, chip) {
    if (grid.dataset.view !== "week" || td.querySelector(".slots")) return;
    const minutes = chip.dataset.at.slice(14, 16), own = chip.dataset.at.slice(11, 13);
    const slots = document.createElement("div");
    slots.className = "slots";
    for (let hour = 0; hour < 24; hour++) {
      const slot = document.createElement("span");
      slot.dataset.hour = String(hour).padStart(2, "0");
      slot.className = "slot" + (slot.dataset.hour === own ? " own" : "");
      slot.textContent = slot.dataset.hour + ":" + minutes;
      slots.appendChild(slot);
    }
    td.appendChild(slots);
  };
  const clearDrag = function () {
    grid.querySelectorAll(".slots").forEach((s) => s.remove());
    grid.querySelectorAll(".drop-target").forEach((td) => td.classList.remove("drop-target"));
    grid.querySelectorAll(".slot.over").forEach((s) => s.classList.remove("over"));
    if (dragged) dragged.classList.remove("dragging");
  };

  grid.addEventListener("dragstart", function (event) {
    const chip = event.target.closest && event.target.closest("[data-post]");
    if (!chip) return;
    dragged = chip;
    origin = {parent: chip.parentNode, next: chip.nextSibling};
    chip.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.dataset.post);
  });
  grid.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const td = event.target.closest && event.target.closest("td[data-day]");
    if (!td || !cellsFor(dragged).includes(td)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!td.classList.contains("drop-target")) {
      clearDrag();
      dragged.classList.add("dragging");
      td.classList.add("drop-target");
      slotsIn(td, dragged);
    }
    grid.querySelectorAll(".slot.over").forEach((s) => s.classList.remove("over"));
    const slot = event.target.closest(".slot");
    if (slot) slot.classList.add("over");
  });
  grid.addEventListener("drop", function (event) {
    if (!dragged) return;
    const td = event.target.closest && event.target.closest("td[data-day]");
    if (!td || !cellsFor(dragged).includes(td)) return;
    event.preventDefault();
    const chip = dragged, from = origin;
    const slot = event.target.closest(".slot");
    const time = slot ? slot.dataset.hour + chip.dataset.at.slice(13) : chip.dataset.at.slice(11);
    const wall = td.dataset.day + "T" + time;
    clearDrag();
    dragged = null;
    if (wall === chip.dataset.at) return;
    land(chip, td);
    move(chip, wall, from);
  });
  grid.addEventListener("dragend", function () {
    clearDrag();
    dragged = null;
  });

  // the keyboard: M, the arrows, Enter, Escape
  let moving = null; // {chip, wall}
  const propose = function () {
    grid.querySelectorAll(".move-target").forEach((td) => td.classList.remove("move-target"));
    grid.querySelectorAll(".move-proposal").forEach((p) => p.remove());
    if (!moving) return;
    const td = cellOn(moving.chip, moving.wall.slice(0, 10));
    if (td) {
      td.classList.add("move-target");
      const badge = document.createElement("span");
      badge.className = "move-proposal";
      badge.textContent = "→ " + moving.wall.slice(11);
      td.appendChild(badge);
    }
  };
  const stop = function () {
    if (moving) moving.chip.classList.remove("moving");
    moving = null;
    propose();
  };

  grid.addEventListener("keydown", function (event) {
    const chip = event.target.closest && event.target.closest("[data-post]");
    if (!chip) return;
    if (!moving && (event.key === "m" || event.key === "M") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      clearError();
      moving = {chip: chip, wall: chip.dataset.at};
      chip.classList.add("moving");
      propose();
      announce(said("moving", {label: chip.dataset.label || "", when: shown(moving.wall)}));
      return;
    }
    if (!moving || moving.chip !== chip) return;
    const steps = {
      ArrowLeft: -DAY, ArrowRight: DAY,
      ArrowUp: grid.dataset.view === "week" ? -HOUR : -7 * DAY,
      ArrowDown: grid.dataset.view === "week" ? HOUR : 7 * DAY,
    };
    if (event.key in steps) {
      event.preventDefault();
      moving.wall = wallOf(wallMs(moving.wall) + steps[event.key]);
      propose();
      announce(said("proposed", {when: shown(moving.wall)}));
    } else if (event.key === "Enter") {
      event.preventDefault(); // the link is not followed: the post moves
      const wall = moving.wall;
      const from = {parent: chip.parentNode, next: chip.nextSibling};
      stop();
      if (wall === chip.dataset.at) {
        announce(said("left", {label: chip.dataset.label || ""}));
        return;
      }
      const td = cellOn(chip, wall.slice(0, 10));
      if (td) land(chip, td);
      chip.focus();
      move(chip, wall, from);
    } else if (event.key === "Escape") {
      event.preventDefault();
      stop();
      announce(said("left", {label: chip.dataset.label || ""}));
    }
  });
  grid.addEventListener("focusout", function (event) {
    if (moving && event.target === moving.chip && !grid.contains(event.relatedTarget)) stop();
  });

  const bind = function () {
    grid.querySelectorAll("[data-post]").forEach(function (chip) {
      chip.setAttribute("aria-describedby", "move-help");
    });
  };
  bind();
})();
