"""A manager's verdicts from the editor: approve, ask for changes (with a comment), and a link for a
reviewer outside the team. Each redirects back to the editor, which shows the review history."""

from flask import flash, redirect, session, url_for

from scheduler.domain.language import N_, _
from scheduler.services import approvals, posts
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms.review import VerdictForm
from scheduler.web.pages import blueprint

LINK_KEY = "refrain.review_link"  # the link just made, shown once by the editor (web/pages/posts.py)


def _verdict(post_id: int, run, done: str, refused: str):
    post = posts.get_post(post_id)
    form = VerdictForm()
    if form.validate_on_submit():
        try:
            run(post, form.comment.data or "")
            flash(_(done))
        except (Invalid, Conflict) as error:
            flash(_("%(outcome)s: %(problem)s", outcome=_(refused), problem=form.in_words(error)))
    return redirect(url_for("ui.edit_post", post_id=post.id))


@blueprint.post("/posts/<int:post_id>/approve")
def approve_post(post_id):
    return _verdict(post_id, approvals.approve, N_("Approved: it will be delivered at its time."), N_("Not approved"))


@blueprint.post("/posts/<int:post_id>/request-changes")
def request_changes(post_id):
    return _verdict(
        post_id, approvals.request_changes, N_("Sent back to its writer with your comment."), N_("Not sent back")
    )


@blueprint.post("/posts/<int:post_id>/review-link")
def review_link(post_id):
    post = posts.get_post(post_id)
    if VerdictForm().validate_on_submit():
        try:
            session[LINK_KEY] = {"post_id": post.id, "url": approvals.review_link(post)}
            flash(
                _(
                    "A reviewer link, valid %(days)s days while the post waits as it is: copy it below.",
                    days=approvals.LINK_DAYS,
                )
            )
        except Conflict as error:
            flash(error.message)
    return redirect(url_for("ui.edit_post", post_id=post.id))
