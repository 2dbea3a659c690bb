"""The style guide's pages: the guide by kind and channel, an entry with its history, the entry form."""

from flask import flash, redirect, render_template, request, session, url_for

import channels.registry as channel_registry
from scheduler.infra.sanitise import render_markdown
from scheduler.services import posts, style
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.ui import blueprint

KIND_LABELS = {
    "guideline": "Guidelines",
    "script": "Scripts",
    "example": "Examples that work",
    "term_rule": "Term rules",
    "topic": "Acceptable blog topics",
}


@blueprint.app_template_filter("markdown")
def markdown_filter(text):
    return render_markdown(text)


@blueprint.app_template_test("style_error")
def is_style_error(problem) -> bool:
    """A finding of the style guide that blocks scheduling (and that a manager may override)."""
    return problem.get("severity") == "error" and str(problem.get("code", "")).startswith("style.")


@blueprint.get("/style")
def style_page():
    kind = request.args.get("kind") or None
    channel = request.args.get("channel") or None
    entries = style.list_entries(
        kind if kind in style.KINDS else None, channel if channel in channel_registry.names() else None
    )
    grouped = {k: [e for e in entries if e.kind == k] for k in KIND_LABELS}
    return render_template(
        "style/index.html",
        grouped=grouped,
        kind_labels=KIND_LABELS,
        kind=kind,
        channel=channel,
        channels=channel_registry.all_channels(),
    )


@blueprint.get("/style/<int:entry_id>")
def style_entry_page(entry_id):
    entry = style.get_entry(entry_id)
    return render_template("style/entry.html", entry=entry, versions=style.versions(entry), kind_labels=KIND_LABELS)


def _form_data(form) -> dict:
    def lines(name):
        return [v.strip() for line in form.get(name, "").splitlines() for v in line.split(",") if v.strip()]

    data = {
        "kind": form.get("kind", ""),
        "channel": form.get("channel") or None,
        "title": form.get("title", ""),
        "body": form.get("body", ""),
    }
    if data["kind"] == "term_rule":
        data.update(
            avoid=form.get("avoid", ""),
            prefer=form.get("prefer", ""),
            is_pattern=form.get("is_pattern") == "on",
            severity=form.get("severity", "warning"),
            rule=form.get("rule", "term"),
            requires=form.get("requires", ""),
            triggers=lines("triggers"),
        )
    if data["kind"] == "topic":
        data["keywords"] = lines("keywords")
    return data


def _author(form) -> str:
    """There are no logins yet: the name typed in the form, remembered for the next edit."""
    name = form.get("author", "").strip()[:100]
    if name:
        session["author"] = name
    return name or session.get("author", "")


@blueprint.route("/style/new", methods=["GET", "POST"])
def new_style_entry():
    if request.method == "POST":
        try:
            entry = style.create_entry(_form_data(request.form), _author(request.form))
        except Invalid as error:
            return _form(None, request.form, error.fields, 422)
        flash("Entry added to the guide.")
        return redirect(url_for("ui.style_entry_page", entry_id=entry.id))
    return _form(None, {"kind": request.args.get("kind", "guideline")}, {})


@blueprint.route("/style/<int:entry_id>/edit", methods=["GET", "POST"])
def edit_style_entry(entry_id):
    entry = style.get_entry(entry_id)
    if request.method == "POST":
        try:
            style.update_entry(entry, _form_data(request.form), _author(request.form))
        except Invalid as error:
            return _form(entry, request.form, error.fields, 422)
        flash("Saved as a new version.")
        return redirect(url_for("ui.style_entry_page", entry_id=entry.id))
    values = {
        **style.entry_dict(entry),
        "triggers": ", ".join(entry.triggers or []),
        "keywords": ", ".join(entry.keywords or []),
        "is_pattern": "on" if entry.is_pattern else "",
    }
    return _form(entry, {k: v for k, v in values.items() if v is not None}, {})


def _form(entry, form, errors, status=200):
    return render_template(
        "style/form.html",
        entry=entry,
        form=form,
        errors=errors,
        kinds=KIND_LABELS,
        channels=channel_registry.all_channels(),
        author=session.get("author", ""),
    ), status


@blueprint.post("/style/<int:entry_id>/delete")
def delete_style_entry(entry_id):
    style.delete_entry(style.get_entry(entry_id), _author(request.form))
    flash("Entry removed from the guide; its history is kept.")
    return redirect(url_for("ui.style_page"))


@blueprint.post("/posts/<int:post_id>/override")
def override_post_style(post_id):
    post = posts.get_post(post_id)
    try:
        posts.override_style(post, {"reason": request.form.get("reason", ""), "by": _author(request.form)})
        flash("Style errors overridden; the reason is kept on the post. You can schedule it now.")
    except (Invalid, Conflict) as error:
        flash(f"Not overridden: {error.message}")
    return redirect(url_for("ui.edit_post", post_id=post.id))
