"""The style guide's pages: the guide by kind and channel, an entry with its history, the entry form,
and a manager's override of a post's style errors."""

from flask import flash, redirect, render_template, request, url_for

from scheduler.domain.language import _
from scheduler.services import guidance, posts, style
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms import PageForm
from scheduler.web.forms.style import KIND_LABELS, SEVERITY_LABELS, OverrideForm, StyleEntryForm, StyleFilterForm
from scheduler.web.pages import blueprint, form_page


@blueprint.app_context_processor
def _style_words():
    return {"severity_labels": SEVERITY_LABELS}


def author(_form=None) -> str:
    """Who edits is the signed-in person: the services read it, never a name typed in a form."""
    return ""


@blueprint.get("/style")
def style_page():
    form = StyleFilterForm(request.args)
    kind, channel = form.service_input()
    entries = style.list_entries(kind, channel)
    grouped = {k: [e for e in entries if e.kind == k] for k in KIND_LABELS}
    moves = {e.id: guidance.pattern_moves(e) for e in grouped["script"]}
    return render_template(
        "style/index.html", form=form, grouped=grouped, kind_labels=KIND_LABELS, kind=kind, moves=moves
    )


@blueprint.get("/style/<int:entry_id>")
def style_entry_page(entry_id):
    entry = style.get_entry(entry_id)
    return render_template(
        "style/entry.html",
        entry=entry,
        versions=style.versions(entry),
        kind_labels=KIND_LABELS,
        moves=guidance.pattern_moves(entry),
    )


@blueprint.route("/style/new", methods=["GET", "POST"])
def new_style_entry():
    form = StyleEntryForm.shown(
        {
            "kind": request.args.get("kind", "guideline"),
            # "Write the script" from a flagged pattern: its channel, kind and a title come along
            "pattern_channel": request.args.get("pattern_channel", ""),
            "pattern_kind": request.args.get("pattern_kind", ""),
            "title": request.args.get("title", ""),
        }
    )
    if entry := form.submit(lambda: style.create_entry(form.service_input(), author(form))):
        flash(_("Entry added to the guide."))
        return redirect(url_for("ui.style_entry_page", entry_id=entry.id))
    return form_page("style/form.html", form, entry=None)


@blueprint.route("/style/<int:entry_id>/edit", methods=["GET", "POST"])
def edit_style_entry(entry_id):
    entry = style.get_entry(entry_id)
    values = StyleEntryForm.values_of(style.entry_dict(entry))
    form = StyleEntryForm.shown(values)
    if form.submit(lambda: style.update_entry(entry, form.service_input(), author(form))):
        flash(_("Saved as a new version."))
        return redirect(url_for("ui.style_entry_page", entry_id=entry.id))
    return form_page("style/form.html", form, entry=entry)


@blueprint.post("/style/<int:entry_id>/delete")
def delete_style_entry(entry_id):
    entry = style.get_entry(entry_id)
    form = PageForm()
    if form.validate_on_submit():
        style.delete_entry(entry, author(form))
        flash(_("Entry removed from the guide; its history is kept."))
    return redirect(url_for("ui.style_page"))


@blueprint.post("/posts/<int:post_id>/override")
def override_post_style(post_id):
    post = posts.get_post(post_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            posts.override_style(post, form.service_input(by=author(form)))
            flash(_("Style errors overridden; the reason is kept on the post. You can schedule it now."))
        except (Invalid, Conflict) as error:
            flash(_("Not overridden: %(why)s", why=form.in_words(error)))
    return redirect(url_for("ui.edit_post", post_id=post.id))
