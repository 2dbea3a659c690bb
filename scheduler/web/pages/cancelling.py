"""Cancelling a post from its editor: asked for once more before it happens, and undone for a few
minutes after (``services.cancel_undo``). The editor's "Cancel post" asks in the browser (static/refrain.js);
without a script the same question comes as a page of its own, so a cancel is never one stray click."""

from flask import flash, redirect, render_template, request, url_for

from scheduler.domain import statuses
from scheduler.domain.language import _
from scheduler.services import cancel_undo, posts
from scheduler.services.errors import Conflict
from scheduler.web.pages import blueprint

CONFIRMED = "yes"  # the value of ``confirmed`` a question answered sends with the cancel


def confirmed() -> bool:
    """Whether the cancel being posted was confirmed (the browser's question, or the page's)."""
    return request.form.get("confirmed") == CONFIRMED


def confirm_page(post):
    """The question, as a page: the post, what cancelling it means, and both answers."""
    return render_template("posts/confirm_cancel.html", post=post, plan=post.plan, undo_for=cancel_undo.UNDO_FOR)


@blueprint.post("/posts/<int:post_id>/undo-cancel")
def undo_cancel(post_id):
    post = posts.get_post(post_id)
    try:
        status = cancel_undo.undo_cancel(post)
    except Conflict as error:
        flash(f"{error.message[:1].upper()}{error.message[1:]}.", "error")
    else:
        flash(
            _("Cancel undone: it is back on the calendar and will be delivered at its time.")
            if status == "queued"
            else _("Cancel undone: the post is %(status)s again.", status=statuses.label(status))
        )
    return redirect(url_for("ui.edit_post", post_id=post.id))
