// Log a customer interaction in seconds, from any page: "i" (or a [data-open-log] link) opens the form
// (kept in a <template> until then), the team's kinds are asked of the API the first time, and the form
// is sent as JSON to POST /api/v1/interactions; the channel and kind last used are offered again.
// Without this script the Log link leads to the same form on a page of its own.
(function () {
  "use strict";
  const dialog = document.getElementById("log-interaction");
  const template = document.getElementById("log-interaction-form");
  if (!dialog || !template || typeof dialog.showModal !== "function") return;
  const done = document.getElementById("log-interaction-done");
  const REMEMBERED = "refrain.log-interaction";
  let kindsLoaded = null, form = null, kindSelect = null;

  const remembered = function () {
    try { return JSON.parse(window.localStorage.getItem(REMEMBERED) || "{}"); } catch (e) { return {}; }
  };
  const remember = function (data) {
    try { window.localStorage.setItem(REMEMBERED, JSON.stringify({channel: data.channel, kind: data.kind})); } catch (e) { /* private mode */ }
  };
  const loadKinds = function () {
    if (!kindsLoaded) {
      kindsLoaded = fetch(dialog.dataset.kinds, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then((answer) => answer.ok ? answer.json() : [])
        .then(function (kinds) {
          kindSelect.innerHTML = "";
          kinds.forEach(function (kind) {
            const option = document.createElement("option");
            option.value = kind.name;
            option.textContent = kind.name;
            kindSelect.appendChild(option);
          });
        })
        .catch(() => { kindsLoaded = null; });
    }
    return kindsLoaded;
  };
  const clearErrors = () => form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
  const open = function () {
    if (!form) build();
    clearErrors();
    if (!dialog.open) dialog.showModal();
    const last = remembered();
    if (last.channel) form.elements.channel.value = last.channel;
    loadKinds().then(function () {
      if (last.kind && Array.from(kindSelect.options).some((o) => o.value === last.kind)) kindSelect.value = last.kind;
    });
    form.elements.channel.focus();
  };

  document.addEventListener("keydown", function (event) {
    const active = document.activeElement;
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) || active.isContentEditable;
    if (event.key === "i" && !typing && !dialog.open && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });
  document.querySelectorAll("[data-open-log]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); open(); });
  });

  const build = function () {
    dialog.appendChild(template.content.cloneNode(true));
    form = dialog.querySelector("form");
    kindSelect = form.elements.kind;
    dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
    form.addEventListener("submit", send);
  };

  const send = function (event) {
    event.preventDefault();
    clearErrors();
    const data = {
      channel: form.elements.channel.value,
      kind: kindSelect.value,
      resolution: form.elements.resolution.value,
      comment: form.elements.comment.value,
      link: form.elements.link.value,
      customer: form.elements.customer.value,
    };
    fetch(dialog.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(data),
    })
      .then((answer) => answer.json().then((json) => ({ok: answer.ok, json: json})))
      .then(function (result) {
        if (!result.ok) {
          const error = (result.json && result.json.error) || {message: dialog.dataset.notLogged || "not logged"};
          const fields = error.fields || {};
          Object.keys(fields).forEach(function (name) {
            const place = form.querySelector('[data-error-for="' + name + '"]') || form.querySelector('[data-error-for="form"]');
            const field = place.closest("label.field");
            const named = field ? field.querySelector("span").firstChild.textContent.trim() : name.replace("_", " ");
            place.textContent = named + ": " + fields[name];
          });
          if (!Object.keys(fields).length) form.querySelector('[data-error-for="form"]').textContent = error.message;
          return;
        }
        remember(data);
        form.elements.comment.value = form.elements.link.value = form.elements.customer.value = "";
        dialog.close();
        if (done) {
          const label = form.elements.channel.options[form.elements.channel.selectedIndex].textContent;
          const said = dialog.dataset.logged || "Logged: %(kind)s on %(channel)s (%(resolution)s).";
          const resolution = dialog.dataset[result.json.resolution] || result.json.resolution;
          done.textContent = said.replace("%(kind)s", result.json.kind).replace("%(channel)s", label).replace("%(resolution)s", resolution);
          done.hidden = false;
          setTimeout(() => { done.hidden = true; }, 4000);
        }
      })
      .catch(function () {
        form.querySelector('[data-error-for="form"]').textContent = dialog.dataset.noAnswer || "Refrain did not answer; nothing was logged. Try again.";
      });
  };
})();
