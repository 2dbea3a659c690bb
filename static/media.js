// The media library in the browser, two jobs over one upload (POST /api/v1/media, multipart, with the
// page's CSRF token):
// 1. the media page: its upload form sends the file with a progress bar, then shows the library again;
// 2. the editor's picker: choose a medium from the library (or upload one), say what it shows (a warning
//    while the alt text is empty), and its address joins the post's media field as "address | alt text",
//    the line the field has always taken (scheduler/web/forms/posts.py, media_from_lines).
// What it says is written in the templates (data-* attributes of the form or the picker), never here.
(function () {
  "use strict";

  // a sentence from the element's data-<key>, its {placeholders} filled in
  const words = function (element, key, values) {
    return (element.dataset[key] || "").replace(/\{(\w+)\}/g, (_, name) => String((values || {})[name] ?? ""));
  };

  const csrf = function () {
    const field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  };

  // the API's refusal in words: a field's problem after the field's name, as the pages say it
  const refusal = function (element, answer, status) {
    const error = answer && answer.error;
    if (!error) return words(element, "refused", {status: status});
    const fields = Object.values(error.fields || {});
    return fields.length ? words(element, "fileProblem", {problem: fields.join("; ")}) : error.message;
  };

  // one upload; ``element`` holds the words to say (the page's form, or the picker)
  const send = function (element, url, file, alt, progress) {
    return new Promise(function (resolve, reject) {
      const data = new FormData();
      data.append("file", file);
      if (alt) data.append("alt", alt);
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("X-CSRFToken", csrf());
      request.setRequestHeader("Accept", "application/json");
      request.responseType = "json";
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) progress(Math.round((100 * event.loaded) / event.total));
      });
      request.addEventListener("load", function () {
        if (request.status === 200 || request.status === 201) resolve(request.response);
        else reject(refusal(element, request.response, request.status));
      });
      request.addEventListener("error", () => reject(words(element, "cutOff")));
      request.send(data);
    });
  };

  // 1. the media page
  const pageForm = document.getElementById("media-upload");
  if (pageForm) {
    const bar = document.getElementById("media-progress");
    const status = document.getElementById("media-upload-status");
    pageForm.addEventListener("submit", function (event) {
      const file = pageForm.querySelector("input[type=file]").files[0];
      if (!file) return; // sent as it is: the page says a file is needed
      event.preventDefault();
      bar.hidden = false;
      bar.value = 0;
      status.className = "muted";
      status.textContent = words(pageForm, "uploading", {name: file.name});
      const alt = pageForm.querySelector("textarea[name=alt]").value;
      send(pageForm, pageForm.dataset.api, file, alt, (done) => { bar.value = done; })
        .then(function () {
          status.textContent = words(pageForm, "uploaded");
          window.location.reload();
        })
        .catch(function (message) {
          bar.hidden = true;
          status.className = "error";
          status.textContent = message;
        });
    });
  }

  // 2. the editor's picker
  const picker = document.querySelector(".media-picker");
  if (!picker) return;
  const field = document.querySelector("textarea[name='" + picker.dataset.field + "']");
  const dialog = picker.querySelector("dialog");
  if (!field || !dialog || typeof dialog.showModal !== "function") return; // the field is typed as before
  picker.hidden = false;
  const grid = document.getElementById("picker-grid");
  const status = document.getElementById("picker-status");
  const bar = document.getElementById("picker-progress");
  const fileInput = document.getElementById("picker-file");
  const chosenBox = document.getElementById("picker-chosen");
  const chosenName = document.getElementById("picker-name");
  const alt = document.getElementById("picker-alt");
  const noAlt = document.getElementById("picker-no-alt");
  let chosen = null;

  const say = function (text, kind) {
    status.textContent = text;
    status.className = kind || "muted";
  };

  const warn = function () {
    noAlt.hidden = !(chosen && chosen.type === "image" && !alt.value.trim());
  };

  const choose = function (medium) {
    chosen = medium;
    chosenBox.hidden = false;
    chosenName.textContent = medium.file_name || medium.url;
    alt.value = medium.alt || "";
    grid.querySelectorAll("button[data-id]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.id === String(medium.id)));
    });
    warn();
    alt.focus();
  };

  const tile = function (medium) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "picker-item";
    button.dataset.id = medium.id;
    button.setAttribute("aria-pressed", "false");
    if (medium.thumbnail_url) {
      const image = document.createElement("img");
      image.src = medium.thumbnail_url;
      image.alt = ""; // the button is named by the file's name below
      button.appendChild(image);
    } else {
      const kind = document.createElement("span");
      kind.className = "picker-video";
      kind.textContent = medium.type;
      button.appendChild(kind);
    }
    const name = document.createElement("span");
    name.textContent = medium.file_name || medium.url;
    button.appendChild(name);
    button.addEventListener("click", () => choose(medium));
    item.appendChild(button);
    return item;
  };

  const load = function () {
    say(words(picker, "reading"));
    fetch(picker.dataset.list, {headers: {Accept: "application/json"}})
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then(function (media) {
        grid.replaceChildren(...media.map(tile));
        say(media.length ? "" : words(picker, "empty"));
      })
      .catch(() => say(words(picker, "unreadable"), "error"));
  };

  picker.querySelector("[data-open-picker]").addEventListener("click", function () {
    chosen = null;
    chosenBox.hidden = true;
    dialog.showModal();
    load();
  });
  document.getElementById("picker-close").addEventListener("click", () => dialog.close());
  alt.addEventListener("input", warn);

  fileInput.addEventListener("change", function () {
    const file = fileInput.files[0];
    if (!file) return;
    bar.hidden = false;
    bar.value = 0;
    say(words(picker, "uploading", {name: file.name}));
    send(picker, picker.dataset.upload, file, "", (done) => { bar.value = done; })
      .then(function (medium) {
        bar.hidden = true;
        fileInput.value = "";
        grid.querySelectorAll("button[data-id='" + medium.id + "']").forEach((b) => b.parentNode.remove());
        grid.prepend(tile(medium));
        say(words(picker, "uploaded", {name: medium.file_name || ""}));
        choose(medium);
      })
      .catch(function (message) {
        bar.hidden = true;
        say(message, "error");
      });
  });

  document.getElementById("picker-add").addEventListener("click", function () {
    if (!chosen) return;
    const text = alt.value.trim().replace(/\s+/g, " ");
    if (text && !chosen.alt) {
      // the library remembers what the medium shows, for the next post that picks it
      fetch(picker.dataset.describe.replace(/\/0$/, "/" + chosen.id), {
        method: "PATCH",
        headers: {"Content-Type": "application/json", Accept: "application/json"},
        body: JSON.stringify({alt: text}),
      }).catch(() => {});
      chosen.alt = text;
    }
    const line = chosen.url + " | " + text;
    const kept = field.value.replace(/\s+$/, "");
    field.value = kept ? kept + "\n" + line : line;
    field.dispatchEvent(new Event("input", {bubbles: true}));
    dialog.close();
    field.focus();
  });
})();
