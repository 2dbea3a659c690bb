"""The reviewer's page: a post in review, as its channel will show it, for someone outside the team
who holds a signed link (``services.approvals``). No account, no session needed: the ``review``
blueprint's one route is public (web/access.py); the link in its address is what lets them in, and
the form carries a CSRF token like every page form (the token lives in an anonymous session).

Two buttons only: Approve, and Send a comment (which sends the post back to its creator). The name
they type is how the trail and the review history call them: "reviewer: NAME (by link)".
"""

from flask import Blueprint, render_template, request

import channels.registry as channel_registry
from scheduler.services import approvals, post_checks
from scheduler.services.errors import Conflict, Invalid
from scheduler.web.forms.review import ReviewerForm

blueprint = Blueprint("review", __name__)


def _refused(message: str):
    return render_template("review/refused.html", message=message), 410


@blueprint.route("/review/<token>", methods=["GET", "POST"])
def review_page(token):
    try:
        post = approvals.post_for_link(token)
    except Invalid as refused:
        return _refused(refused.fields.get("link", refused.message))
    form = ReviewerForm.shown()
    if request.method == "POST":
        verdict = request.form.get("verdict", "")
        act = approvals.approve_by_link if verdict == "approve" else approvals.comment_by_link
        done = form.submit(
            lambda: act(token, form.name.data or "", form.comment.data or ""), refusals=(Invalid, Conflict)
        )
        if done is not None:
            return render_template("review/done.html", post=done, approved=verdict == "approve")
    adapter = channel_registry.get(post.channel)
    validation = adapter.validate(post_checks.content_of(post))
    preview = validation.draft.preview if validation.draft else post.body
    return render_template(
        "review/page.html", post=post, form=form, preview=preview, channel_label=adapter.label
    ), 422 if form.errors else 200
