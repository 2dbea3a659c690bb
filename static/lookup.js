// The style guide at a keystroke, on every page: "/" focuses the box, answers come as you type,
// arrows move, Enter opens, Escape closes. Titles and snippets arrive escaped by the server, with
// the matched words already marked.
(function () {
  "use strict";
  const box = document.getElementById("lookup");
  const list = document.getElementById("lookup-results");
  if (!box || !list) return;
  const searchUrl = box.parentElement.dataset.searchUrl;
  const entryUrl = box.parentElement.dataset.entryUrl;
  let timer = null, sequence = 0, active = -1;

  const close = function () {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const links = () => Array.from(list.querySelectorAll("a"));
  const mark = function (index) {
    const all = links();
    all.forEach((a, n) => a.classList.toggle("active", n === index));
    active = index;
    if (index >= 0) box.setAttribute("aria-activedescendant", all[index].id);
    else box.removeAttribute("aria-activedescendant");
  };
  // the words it writes, in the reader's language, from the page (base.html's data-words)
  const words = JSON.parse((document.querySelector(".lookup") || {dataset: {}}).dataset.words || "{}");
  const show = function (results) {
    list.innerHTML = "";
    if (!results.length) {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.textContent = words.none || "Nothing in the guide matches.";
      list.appendChild(empty);
    }
    results.forEach(function (entry, n) {
      const a = document.createElement("a");
      a.id = "lookup-option-" + n;
      a.href = entryUrl + "/" + entry.id;
      a.setAttribute("role", "option");
      const head = document.createElement("strong");
      head.innerHTML = entry.title_html; // escaped by the server, <mark> only
      const where = document.createElement("small");
      where.className = "muted";
      const kind = (words.kinds || {})[entry.kind] || entry.kind.replace("_", " ");
      const channel = entry.channel ? (words.channels || {})[entry.channel] || entry.channel : words.every || "every channel";
      where.textContent = " " + kind + " · " + channel;
      const snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.innerHTML = entry.snippet_html; // escaped by the server, <mark> only
      a.append(head, where, snippet);
      list.appendChild(a);
    });
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    mark(-1);
  };
  const ask = function () {
    const query = box.value.trim();
    if (!query) return close();
    const mine = ++sequence;
    fetch(searchUrl + "?limit=8&q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
      .then((answer) => answer.ok ? answer.json() : [])
      .then((results) => { if (mine === sequence) show(results); })
      .catch(() => {});
  };
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  box.addEventListener("keydown", function (event) {
    const all = links();
    if (event.key === "ArrowDown" && all.length) { event.preventDefault(); mark((active + 1) % all.length); }
    else if (event.key === "ArrowUp" && all.length) { event.preventDefault(); mark((active - 1 + all.length) % all.length); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); window.location = all[active].href; }
    else if (event.key === "Escape") { close(); box.blur(); }
  });
  document.addEventListener("keydown", function (event) {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) ||
      document.activeElement.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  document.addEventListener("click", function (event) {
    if (!box.parentElement.contains(event.target)) close();
  });
})();
