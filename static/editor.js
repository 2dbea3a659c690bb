// The editor's live checks: as you type, ask the channel adapter (POST /api/v1/channels/<name>/validate)
// for the draft's preview, its length and its problems. Nothing is saved by these calls.
(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  const preview = document.getElementById("preview");
  const counter = document.getElementById("counter");
  const problems = document.getElementById("problems");
  let timer = null;
  let sequence = 0;

  function payload() {
    const data = {body: form.body.value, title: form.title.value, link: form.link.value, extra: {}};
    form.querySelectorAll("[data-extra]").forEach(function (input) {
      const kind = input.dataset.extra;
      if (kind === "bool") data.extra[input.name] = input.checked;
      else if (kind === "lines") data.extra[input.name] = input.value.split("\n").map(s => s.trim()).filter(Boolean);
      else if (kind === "comma") data.extra[input.name] = input.value.split(",").map(s => s.trim()).filter(Boolean);
      else if (input.value.trim()) data.extra[input.name] = input.value.trim();
    });
    return data;
  }

  function show(result) {
    preview.textContent = result.preview || "";
    if (result.length) {
      const over = result.length.value > result.length.max && !/minimum/.test(result.length.unit);
      counter.textContent = result.length.value + " / " + result.length.max + " " + result.length.unit;
      counter.className = "counter" + (over ? " over" : "");
    } else {
      counter.textContent = "";
    }
    problems.replaceChildren();
    if (!result.problems.length) {
      const li = document.createElement("li");
      li.className = "ok";
      li.textContent = "none";
      problems.appendChild(li);
    }
    result.problems.forEach(function (p) {
      const li = document.createElement("li");
      li.className = p.severity;
      const strong = document.createElement("strong");
      strong.textContent = p.severity + " ";
      li.appendChild(strong);
      li.appendChild(document.createTextNode(p.message));
      problems.appendChild(li);
    });
  }

  function check() {
    const mine = ++sequence;
    fetch(form.dataset.validate, {method: "POST", headers: {"Content-Type": "application/json"},
                                  body: JSON.stringify(payload())})
      .then(r => r.json())
      .then(result => { if (mine === sequence && result.problems) show(result); })
      .catch(() => { counter.textContent = "could not check right now"; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  check();
})();
