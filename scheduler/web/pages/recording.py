"""Recording a post published elsewhere: its own page, reached from the post's editor, so that it is
a separate, explicit action and never a side door to scheduling in the past (``services.recording``)."""

from flask import flash, redirect, url_for

from scheduler.domain import statuses
from scheduler.domain.language import _
from scheduler.services import clock, posts, recording
from scheduler.services.errors import Conflict
from scheduler.web.forms.recording import RecordForm
from scheduler.web.pages import blueprint, form_page, say_when


@blueprint.route("/posts/<int:post_id>/record-published", methods=["GET", "POST"])
def record_published(post_id):
    post = posts.get_post(post_id)
    if post.status not in recording.RECORDABLE:
        flash(
            _(
                "A %(status)s post cannot be recorded as published elsewhere.",
                status=statuses.label(post.status),
            )
        )
        return redirect(url_for("ui.edit_post", post_id=post.id))
    form = RecordForm.for_post(post, clock.now())
    try:
        recorded = form.submit(lambda: recording.record_published(post, form.service_input(post.plan)))
    except Conflict as error:
        flash(_("%(problem)s; nothing was recorded.", problem=error.message[:1].upper() + error.message[1:]))
        return redirect(url_for("ui.edit_post", post_id=post.id))
    if recorded:
        say_when(form.time_notice)
        flash(_("Recorded as published elsewhere, with its link; the report counts it as recorded by hand."))
        return redirect(url_for("ui.edit_post", post_id=post.id))
    return form_page("posts/record.html", form, post=post, plan=post.plan)


def record_link(post) -> str | None:
    """The editor's way to this page, for a post that may still be recorded."""
    if post is None or post.status not in recording.RECORDABLE:
        return None
    return url_for("ui.record_published", post_id=post.id)
