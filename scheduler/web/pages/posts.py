"""The posts: the editor, its live theme line and its buttons (the list is ``post_list``).

Which buttons a post offers is the services' answer (``posts.actions``): the editor shows those, and
a service refuses anything else, so the page holds no list of statuses of its own.
"""

from datetime import date

from flask import abort, flash, jsonify, redirect, request, session, url_for

import channels.registry as channel_registry
from channels.base import PostContent
from channels.sanitising import ALLOW_LISTS
from scheduler.domain import formats, statuses
from scheduler.domain.language import N_, _
from scheduler.services import (
    audit,
    cancel_undo,
    clock,
    handover,
    outbox_files,
    plans,
    post_checks,
    posts,
    previews,
    time_guards,
)
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms import said
from scheduler.web.forms.posts import post_form, post_form_class
from scheduler.web.forms.review import VerdictForm
from scheduler.web.forms.style import OverrideForm
from scheduler.web.pages import blueprint, cancelling, form_page, say_when
from scheduler.web.pages.approvals import LINK_KEY
from scheduler.web.pages.recording import record_link
from scheduler.web.previews import rendered

blueprint.add_app_template_filter(statuses.label, "status_label")
blueprint.add_app_template_filter(formats.number, "number")  # 12,345 · 12 345 · 12,345


@blueprint.app_template_filter("said_problems")
def said_problems(post) -> list[dict]:
    """A post's kept findings (in English) as the reader's language says them."""
    return post_checks.in_words(post) if post is not None else []


@blueprint.app_template_filter("stored_words")
def stored_words(text: str | None) -> str:
    """A sentence kept in the database in English (a history line a service wrote, marked ``N_``), in the
    reader's language; anything else (a note with a name or a comment in it) as it was written."""
    return _(text) if text else ""


@blueprint.app_template_global("script_words")
def script_words() -> dict:
    """The words the pages' scripts write (static/refrain.js), in the reader's language: the template
    puts them in a ``data-words`` attribute."""
    return {
        "none": _("none"),
        "use": _("Use “%(term)s”", term="{term}"),
        "on_theme": _("On theme"),
        "off_theme": _("Off theme"),
        "by_hand": _("set by hand"),
        "keywords": _("keywords"),
        "colon": _(":"),
        "matched": _("matched %(keywords)s", keywords="{keywords}"),
        "no_match": _("no keyword matched"),
        "unreachable": _("could not check right now"),
        "statuses": {status: statuses.label(status) for status in statuses.STATUSES},
        "severities": {severity: _(said) for severity, said in SEVERITIES.items()},
    }


DAY_AND_MONTH = ("dd MMMM", "MMMMd", "")  # "05 December", "5 décembre", "12月5日"
SEVERITIES = {"error": N_("error"), "warning": N_("warning")}  # a problem's severity, as people read it


def adapter_or_404(channel: str):
    if channel not in channel_registry.names():
        abort(404)
    return channel_registry.get(channel)


@blueprint.route("/posts/new", methods=["GET", "POST"])
def new_post():
    plan = plans.get_plan(request.values.get("plan_id", type=int))
    adapter = adapter_or_404(
        request.values.get("channel") or (plan.commitments[0].channel if plan.commitments else "twitter")
    )
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = None
    at = time_guards.proposed_for_day(plan, adapter.name, day) if day and request.method == "GET" else None
    if at is not None and day < clock.today(plan.timezone):
        flash(
            _("%(day)s is past: the time proposed is the next free slot to come.", day=formats.day(day, DAY_AND_MONTH))
        )
    form = post_form(adapter, plan, at=at, hand_over=handover.offered(adapter.name), trust=posts.may_mark_trusted())
    scheduling = form.action.data == "schedule"
    if post := form.submit(
        lambda: posts.create_post(
            {**form.service_input(plan), "plan_id": plan.id, "channel": adapter.name}, scheduling=scheduling
        )
    ):
        say_when(form.time_notice)
        say_notices(post)
        if form.action.data == "schedule":
            return act(post, "schedule", form)
        flash(_("Draft saved."))
        return redirect(url_for("ui.edit_post", post_id=post.id))
    return editor(plan, None, adapter, form)


@blueprint.route("/posts/<int:post_id>", methods=["GET", "POST"])
def edit_post(post_id):
    post = posts.get_post(post_id)
    adapter = adapter_or_404(post.channel)
    form = post_form(
        adapter,
        post.plan,
        post,
        hand_over=post.hand_over_early or handover.offered(adapter.name),
        trust=posts.may_mark_trusted(),
    )
    action = form.action.data or "save"
    if action not in ("save", "schedule") and form.validate_on_submit():
        if action == "cancel" and not cancelling.confirmed():
            return cancelling.confirm_page(post)  # asked once more: a cancel is never one stray click
        return act(post, action, form)
    try:
        saved = form.submit(
            lambda: posts.update_post(post, form.service_input(post.plan, post), scheduling=action == "schedule")
        )
    except Conflict as error:
        flash(_("%(problem)s; nothing was saved.", problem=error.message[:1].upper() + error.message[1:]), "error")
        return redirect(url_for("ui.edit_post", post_id=post.id))
    if saved:
        say_when(form.time_notice)
        say_notices(saved)
        if action == "schedule":
            return act(post, action, form)
        flash(_("Saved."))
        return redirect(url_for("ui.edit_post", post_id=post.id))
    return editor(post.plan, post, adapter, form)


def editor(plan, post, adapter, form):
    shown_link = session.pop(LINK_KEY, None) if post is not None else None
    return form_page(
        "posts/editor.html",
        form,
        plan=plan,
        post=post,
        channel=adapter.name,
        service=adapter.label,
        gets_html=adapter.name in ALLOW_LISTS,
        actions=posts.actions(post),
        trail=audit.events(object_type="post", object_id=post.id, limit=50) if post is not None else [],
        time_notice=form.time_notice if form.errors else None,
        channels=channel_registry.all_channels(),
        override=OverrideForm(formdata=None, data={"author": session.get("author", "")}),
        verdict=VerdictForm(formdata=None),
        review_link=shown_link["url"] if shown_link and shown_link.get("post_id") == post.id else None,
        undo=cancel_undo.undo_offer(post),
        in_outbox=post is not None and post.status == "published" and outbox_files.outbox_path(post) is not None,
        preview=rendered(previews.of_post(post)) if post is not None else None,
        record_url=record_link(post),
    )


def say_notices(post) -> None:
    """What the service accepted but wants known: a draft kept at a time already past."""
    notice = (getattr(post, "notices", None) or {}).get("scheduled_at")
    if notice and time_guards.is_past(post.scheduled_at):
        flash(said(_("When"), notice) + ".")


ACTIONS = {
    "schedule": (lambda post, form: posts.schedule_post(post), None),
    "unschedule": (lambda post, form: posts.unschedule_post(post), N_("Back to draft.")),
    "cancel": (lambda post, form: posts.cancel_post(post), N_("Cancelled: it will not be delivered (undo it below).")),
    "send_again": (lambda post, form: posts.schedule_post(post), N_("Scheduled again.")),
    "confirm": (lambda post, form: posts.confirm_published(post, form.url.data or ""), N_("Marked as published.")),
}


SAID_OF_STATUS = {"in_review": N_("Sent for approval: a manager approves it before it goes on the calendar.")}


def act(post, action: str, form):
    """One of the editor's buttons; the service refuses what the post's status does not allow."""
    if action not in ACTIONS:
        abort(400)
    run, done = ACTIONS[action]
    try:
        run(post, form)
        flash(_(done or SAID_OF_STATUS.get(post.status, N_("Scheduled: it will be delivered at its time."))))
    except Invalid as error:  # a schedule blocked by the post's problems: an error, not news
        flash(form.in_words(error), "error")
    except Conflict as error:
        flash(error.message, "error")
    return redirect(url_for("ui.edit_post", post_id=post.id))


@blueprint.post("/plans/<int:plan_id>/theme-check")
def theme_check(plan_id):
    """The editor's live theme line: which keywords the text being typed mentions. Saves nothing."""
    plan = plans.get_plan(plan_id)
    adapter = adapter_or_404(request.values.get("channel", ""))
    data = post_form_class(adapter)().service_input(plan)
    content = PostContent(
        channel=adapter.name, body=data["body"], title=data["title"], link=data["link"], extra=data["extra"]
    )
    match = post_checks.theme_of(plan, content, data["on_theme"])
    return jsonify({"on_theme": match.on_theme, "matched": list(match.matched), "source": match.source})
