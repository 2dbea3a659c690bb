"""One idea, many channels: the composer, a set's page (its posts at a glance, their previews, a
change made once for all of them) and the confirmation before a set is cancelled.

Each post of a set is a normal post with its own editor; the set's page holds only what is said once
for all (the idea, the shared link, a shift of time) and the services decide what it reaches
(``services.post_sets``)."""

from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.domain.language import _, ngettext
from scheduler.services import plans, post_sets, posts, previews
from scheduler.services.errors import Invalid
from scheduler.web.forms.post_sets import ComposeForm, IdeaForm, ShiftForm
from scheduler.web.pages import blueprint, form_page, say_when
from scheduler.web.previews import rendered


@blueprint.route("/plans/<int:plan_id>/compose", methods=["GET", "POST"])
def compose_page(plan_id):
    plan = plans.get_plan(plan_id)
    form = ComposeForm.shown({"channels": [c.channel for c in plan.commitments] or None})
    form.offer([c.channel for c in plan.commitments])
    if post_set := form.submit(lambda: post_sets.compose(form.service_input(plan))):
        say_when(form.time_notice)
        made = len(post_sets.members(post_set))
        flash(
            ngettext(
                "%(num)s draft made from the idea, one per channel: check it below.",
                "%(num)s drafts made from the idea, one per channel: check each below.",
                made,
            )
        )
        return redirect(url_for("ui.post_set_page", set_id=post_set.id))
    return form_page("post_sets/compose.html", form, plan=plan, recent=post_sets.sets_of(plan, limit=10))


@blueprint.get("/post-sets/<int:set_id>")
def post_set_page(set_id, idea_form=None, shift_form=None, status=200):
    post_set = post_sets.get_set(set_id)
    found = post_sets.members(post_set)
    page = render_template(
        "post_sets/show.html",
        plan=post_set.plan,
        post_set=post_set,
        members=[(post, post_sets.untouched(post), rendered(previews.of_post(post))) for post in found],
        glance=post_sets.summary(post_set, found),
        idea_form=idea_form or IdeaForm.of(post_set),
        shift_form=shift_form or ShiftForm(formdata=None),
        labels={c.name: c.label for c in channel_registry.all_channels()},
    )
    return page, status


@blueprint.post("/post-sets/<int:set_id>")
def change_post_set(set_id):
    """The idea changed (the untouched posts follow it), or every post's time moved."""
    post_set = post_sets.get_set(set_id)
    form = ShiftForm() if request.form.get("what") == "shift" else IdeaForm()
    changes = form.submit(lambda: post_sets.change_set(post_set, form.service_input()))
    if changes is None:
        forms = {"shift_form": form} if isinstance(form, ShiftForm) else {"idea_form": form}
        return post_set_page(set_id, **forms, status=422 if form.errors else 200)
    flash(said_of(changes))
    return redirect(url_for("ui.post_set_page", set_id=set_id))


def said_of(changes) -> str:
    parts = []
    if changes.readapted:
        n = len(changes.readapted)
        parts.append(
            ngettext("%(num)s untouched post adapted again from the idea",
                     "%(num)s untouched posts adapted again from the idea", n)
        )  # fmt: skip
    if changes.relinked:
        n = len(changes.relinked)
        parts.append(
            ngettext(
                "the new link put on %(num)s post edited by hand", "the new link put on %(num)s posts edited by hand", n
            )
        )
    if changes.shifted:
        parts.append(ngettext("%(num)s post moved", "%(num)s posts moved", len(changes.shifted)))
    if changes.kept:
        whys = ", ".join(sorted({k["why"] for k in changes.kept}))
        parts.append(
            ngettext(
                "%(num)s kept as it was (%(why)s)", "%(num)s kept as they were (%(why)s)", len(changes.kept), why=whys
            )
        )
    return _("Saved: %(changes)s.", changes="; ".join(parts)) if parts else _("Nothing changed.")


@blueprint.route("/post-sets/<int:set_id>/cancel", methods=["GET", "POST"])
def cancel_post_set(set_id):
    """Cancelling a set asks first, listing what it cancels; the POST from that page does it."""
    post_set = post_sets.get_set(set_id)
    if request.method == "POST":  # the CSRF token is checked for every form (web.csrf)
        try:
            changes = post_sets.cancel_set(post_set)
        except Invalid as error:
            flash(error.message)
            return redirect(url_for("ui.post_set_page", set_id=set_id))
        cancelled = len(changes.cancelled)
        said = ngettext(
            "Set cancelled: %(num)s post will not be delivered.",
            "Set cancelled: %(num)s posts will not be delivered.",
            cancelled,
        )
        if changes.kept:
            said += " " + ngettext(
                "%(num)s kept (already out or on its way).",
                "%(num)s kept (already out or on their way).",
                len(changes.kept),
            )
        flash(said)
        return redirect(url_for("ui.post_set_page", set_id=set_id))
    return render_template(
        "post_sets/cancel.html", plan=post_set.plan, post_set=post_set, posts=post_sets.to_cancel(post_set)
    )


@blueprint.get("/posts/<int:post_id>/preview")
def post_preview(post_id):
    """A saved post's preview as its network shows it (an HTML fragment, for pages that refresh it)."""
    html = rendered(previews.of_post(posts.get_post(post_id)))
    return str(html), 200, {"Content-Type": "text/html; charset=utf-8"}
