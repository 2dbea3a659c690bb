// Refrain's only script, two small jobs:
// 1. the editor's live checks: as you type, ask the linter (POST /api/v1/style/lint) for the length and
//    the problems (the channel's and the style guide's, each found in the body underlined where it is),
//    the channel for its preview as the network shows it (POST /api/v1/channels/<name>/preview, HTML made
//    on the server; a link card still being read is asked for again a few times), and the plan which
//    keywords the text mentions. Nothing is saved.
// 2. statuses that change by themselves: posts that are due are polled (GET /api/v1/posts/<id>) so one
//    can watch queued → publishing → published without reloading.
(function () {
  "use strict";

  // 1. the editor
  const form = document.getElementById("editor");
  let dirty = false;
  // the words this script writes, in the page's language (the template puts them in data-words; English
  // without them); the live checks ask for the page's language too, whatever the browser's
  const wordsOf = function (el) {
    try { return JSON.parse((el && el.dataset.words) || "{}"); } catch (e) { return {}; }
  };
  const words = wordsOf(form || document.querySelector("[data-words]"));
  const say = (key, english) => words[key] || english;
  const spoken = {"Accept-Language": document.documentElement.lang || "en"};
  if (form) {
    const preview = document.getElementById("preview");
    const CARD_TRIES = 3, CARD_WAIT = 2500;
    let cardTries = 0;
    const counter = document.getElementById("counter");
    const problems = document.getElementById("problems");
    const themeLine = document.getElementById("theme-line");
    let timer = null, sequence = 0;

    // "address | alt text", as the form's media field is written (scheduler/web/forms/posts.py, media_from_lines);
    // a video by its address's ending, as the media library names its videos
    const mediaLine = function (line) {
      const cut = line.indexOf("|");
      const url = (cut < 0 ? line : line.slice(0, cut)).trim();
      const path = url.split(/[?#]/)[0].toLowerCase();
      const video = /\.(mp4|webm|mov|m4v)$/.test(path);
      return {url: url, type: video ? "video" : "image", alt: cut < 0 ? "" : line.slice(cut + 1).trim()};
    };

    const payload = function () {
      const data = {channel: form.dataset.channel, body: form.body.value, title: form.title.value,
                    link: form.link.value, extra: {}};
      form.querySelectorAll("[data-extra]").forEach(function (input) {
        const kind = input.dataset.extra;
        const items = (sep) => input.value.split(sep).map((s) => s.trim()).filter(Boolean);
        if (kind === "bool") data.extra[input.name] = input.checked;
        else if (kind === "lines") data.extra[input.name] = items("\n");
        else if (kind === "comma") data.extra[input.name] = items(",");
        else if (kind === "media") data.extra[input.name] = items("\n").map(mediaLine);
        else if (input.value.trim()) data.extra[input.name] = input.value.trim();
      });
      // a manager's box says whether the post is trusted HTML; anyone else sees the post as saved
      const trust = form.querySelector("input[name=trusted_html]");
      data.trusted_html = trust ? trust.checked : form.dataset.trusted === "true";
      return data;
    };

    const item = function (className, label, text) {
      const li = document.createElement("li");
      li.className = className;
      if (label) {
        const strong = document.createElement("strong");
        strong.textContent = label + " ";
        li.appendChild(strong);
      }
      li.appendChild(document.createTextNode(text));
      return li;
    };

    // a term rule's finding offers the guide's preferred term: one click writes it where the finding is,
    // if the text is still the one that was checked (else it is checked again first)
    const withFix = function (li, p, texts) {
      const field = p.replacement && p.end > p.start &&
        form.querySelector(p.field === "title" ? "input[name=title]" : "textarea[name=body]");
      if (!field || field.matches(":disabled") || !texts) return li;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small secondary fix";
      button.textContent = say("use", "Use \u201c{term}\u201d").replace("{term}", p.replacement);
      button.addEventListener("click", function () {
        if (field.value !== texts[field.name]) return check();
        const chars = Array.from(field.value); // offsets are code points, as Python counts them
        field.value = chars.slice(0, p.start).join("") + p.replacement + chars.slice(p.end).join("");
        field.dispatchEvent(new Event("input", {bubbles: true}));
        field.focus();
      });
      li.appendChild(button);
      return li;
    };

    let linted = null; // the texts the findings shown were found in

    const showPreview = function (mine) {
      if (!preview || !preview.dataset.previewUrl) return;
      fetch(preview.dataset.previewUrl, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "text/html", ...spoken},
                                         body: JSON.stringify(payload())})
        .then((r) => r.ok ? r.text() : Promise.reject(r.status))
        .then(function (html) {
          if (mine !== sequence) return;
          preview.innerHTML = html; // made by the server from its templates, every text escaped there
          if (preview.querySelector("[data-card-pending]") && cardTries < CARD_TRIES) {
            cardTries += 1;
            setTimeout(() => { if (mine === sequence) showPreview(mine); }, CARD_WAIT);
          }
        })
        .catch(() => {});
    };

    const show = function (result) {
      if (result.length) {
        const over = result.length.value > result.length.max && !/minimum/.test(result.length.unit);
        counter.textContent = result.length.value + " / " + result.length.max + " " + result.length.unit;
        counter.className = "counter" + (over ? " over" : "");
      } else {
        counter.textContent = "";
      }
      problems.replaceChildren();
      if (!result.problems.length) problems.appendChild(item("ok", "", say("none", "none")));
      const severity = (p) => (words.severities || {})[p.severity] || p.severity;
      result.problems.forEach((p) => problems.appendChild(withFix(item(p.severity, severity(p), p.message), p, linted)));
      underline(result.problems.filter((p) => (p.field || "body") === "body" && p.end > p.start));
    };

    // findings come in code points (Python's offsets); Array.from walks the text the same way
    const marks = document.getElementById("marks");
    const body = form.querySelector("textarea[name=body]");
    const underline = function (found) {
      if (!marks) return;
      const chars = Array.from(body.value);
      marks.replaceChildren();
      let at = 0;
      found.sort((a, b) => a.start - b.start).forEach(function (p) {
        if (p.start < at) return; // overlapping findings: the first one is underlined
        marks.appendChild(document.createTextNode(chars.slice(at, p.start).join("")));
        const u = document.createElement("u");
        u.className = p.severity;
        u.title = p.message;
        u.textContent = chars.slice(p.start, p.end).join("");
        marks.appendChild(u);
        at = p.end;
      });
      marks.appendChild(document.createTextNode(chars.slice(at).join("") + "\n"));
      marks.scrollTop = body.scrollTop;
    };
    if (marks) body.addEventListener("scroll", () => { marks.scrollTop = body.scrollTop; });

    const showTheme = function (match) {
      let text = (match.on_theme ? say("on_theme", "On theme") : say("off_theme", "Off theme")) + " (" +
        (match.source === "manual" ? say("by_hand", "set by hand") : say("keywords", "keywords")) + ")" + say("colon", ":") + " ";
      text += match.matched.length ? say("matched", "matched {keywords}").replace("{keywords}", match.matched.join(", "))
        : say("no_match", "no keyword matched");
      themeLine.textContent = text;
      themeLine.className = "theme-line " + (match.on_theme ? "on" : "off");
    };

    const check = function () {
      const mine = ++sequence;
      const sent = payload();
      fetch(form.dataset.validate, {method: "POST", headers: {"Content-Type": "application/json", ...spoken},
                                    body: JSON.stringify(sent)})
        .then((r) => r.json())
        .then((result) => {
          if (mine !== sequence || !result.problems) return;
          linted = {body: sent.body, title: sent.title};
          show(result);
        })
        .catch(() => { counter.textContent = say("unreachable", "could not check right now"); });
      cardTries = 0;
      showPreview(mine);
      if (form.dataset.themeCheck && themeLine) {
        fetch(form.dataset.themeCheck, {method: "POST", body: new FormData(form)})
          .then((r) => r.ok ? r.json() : null)
          .then((match) => { if (match && mine === sequence) showTheme(match); })
          .catch(() => {});
      }
    };

    const later = function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", () => { dirty = false; });
    check();
  }

  // 2. statuses that change by themselves
  const LIVE = ["scheduled", "queued", "publishing"];
  const SHOW_REASON = ["failed", "unconfirmed", "queued"];
  const due = (el) => LIVE.includes(el.dataset.status) && el.dataset.due && Number(el.dataset.due) <= Date.now() + 30000;

  const update = function (el, post) {
    if (post.status === el.dataset.status) return;
    el.dataset.status = post.status;
    const badge = el.classList.contains("status") ? el : el.querySelector(".status");
    if (badge) {
      badge.textContent = (words.statuses || {})[post.status] || post.status;
      badge.className = "status status-" + post.status;
    }
    const reason = el.querySelector(".reason");
    if (reason) {
      reason.textContent = SHOW_REASON.includes(post.status) ? (post.failure_reason || "") : "";
      reason.hidden = !reason.textContent;
    }
    if (el.dataset.reload !== undefined && !dirty && !LIVE.includes(post.status)) window.location.reload();
  };

  const poll = function () {
    const watched = Array.from(document.querySelectorAll("[data-poll]")).filter(due).slice(0, 20);
    watched.forEach(function (el) {
      fetch(el.dataset.poll, {headers: {"Accept": "application/json"}})
        .then((r) => r.ok ? r.json() : null)
        .then((post) => { if (post) update(el, post); })
        .catch(() => {});
    });
  };
  if (document.querySelector("[data-poll]")) setInterval(poll, 4000);
})();

// "Copy" beside a link meant for someone else (a reviewer's link): the text of the field it names
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.querySelector(button.dataset.copy);
      if (!field) return;
      field.select();
      const said = () => { button.textContent = button.dataset.copied || "Copied"; };
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(said, said);
      else said();
    });
  });
})();

// A button that asks first ("Cancel post"): the browser's question; yes sends the answer with the form,
// no sends nothing. Without this script the server asks on a page of its own (web/pages/cancelling.py).
(function () {
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      if (button.form && !button.form.querySelector("input[name=confirmed]")) {
        const answer = document.createElement("input");
        answer.type = "hidden";
        answer.name = "confirmed";
        answer.value = "yes";
        button.form.appendChild(answer);
      }
    });
  });
})();
