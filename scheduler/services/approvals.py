"""Approvals: a manager approves a post in review or asks for changes with a comment, and a reviewer
outside the team does the same through a signed link, without an account.

Who waits for whom is ``review_rules``'; here are the verdicts. Each one is a unit of work: the
verdict in the post's review history and in the audit trail, and the status move, together or not
at all.

The reviewer's link is signed with the app's secret key (itsdangerous, as the set-password links of
``services.people``) and lives ``LINK_DAYS`` days. It names the post, the review round (the post's
latest move into ``in_review``) and what the post said then (``review_rules.digest``), so it dies
once used (the post leaves review), once the post is changed, and when a new round starts. Its
holder types their name; they are written as "reviewer: NAME (by link)".
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from scheduler.domain.language import N_, _
from scheduler.domain.statuses import label
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import actor, lifecycle, posts, review_rules, runtime, time_guards
from scheduler.services.errors import Conflict, Invalid
from scheduler.services.lifecycle import DRAFT, IN_REVIEW, SCHEDULED
from scheduler.services.review_rules import APPROVED, CHANGES_REQUESTED, COMMENT_LIMIT
from scheduler.services.unit_of_work import unit_of_work

LINK_DAYS = 7
_LINK_SALT = "refrain review link"
NAME_LIMIT = 100


# what a post not in review cannot be, said whole for each thing asked
NOT_IN_REVIEW = {
    "approved": N_("only a post in review can be approved (this one is %(status)s)"),
    "sent back": N_("only a post in review can be sent back (this one is %(status)s)"),
    "reviewed by link": N_("only a post in review can be reviewed by link (this one is %(status)s)"),
}


def _in_review(post: Post, doing: str) -> None:
    if post.status != IN_REVIEW:
        raise Conflict(_(NOT_IN_REVIEW[doing], status=label(post.status)), {"status": post.status})


def _comment(comment, required: bool) -> str:
    text = comment.strip() if isinstance(comment, str) else ""
    if comment is not None and not isinstance(comment, str):
        raise Invalid({"comment": _("must be text")})
    if required and not text:
        raise Invalid({"comment": _("is required: say what should change")})
    if len(text) > COMMENT_LIMIT:
        raise Invalid({"comment": _("is longer than %(most)s characters", most=COMMENT_LIMIT)})
    return text


@unit_of_work
def approve(post: Post, comment: str | None = "", *, reviewer: str = "", by_link: bool = False) -> Post:
    """in_review → scheduled → queued: the post goes out at its time. Its checks run again (the style
    guide may have changed since it was sent for approval), and its time must still be to come: a post
    whose time passed while it waited is refused, with the next free slot offered."""
    _in_review(post, "approved")
    text = _comment(comment, required=False)
    time_guards.refuse_past(post)
    posts.ready_to_schedule(post)
    review_rules.record(post, APPROVED, text, before=IN_REVIEW, after=SCHEDULED, reviewer=reviewer, by_link=by_link)
    by = review_rules.reviewer_label(post.reviews[-1])
    return posts.put_on_calendar(post, note=f"approved by {by}" + (f": {text}" if text else ""))


@unit_of_work
def request_changes(post: Post, comment: str | None, *, reviewer: str = "", by_link: bool = False) -> Post:
    """in_review → draft, with the comment kept in the review history for its creator to act on."""
    text = _comment(comment, required=True)
    _in_review(post, "sent back")
    review = review_rules.record(
        post, CHANGES_REQUESTED, text, before=IN_REVIEW, after=DRAFT, reviewer=reviewer, by_link=by_link
    )
    lifecycle.move(post.id, DRAFT, {IN_REVIEW}, note=f"changes asked by {review_rules.reviewer_label(review)}: {text}")
    return post


# --- the reviewer's link -----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.settings().secret_key, salt=_LINK_SALT)


def _round(post: Post) -> int:
    """The post's latest move into review: a link is for that round only."""
    return (
        db.session.scalar(
            select(func.max(PostEvent.id)).where(PostEvent.post_id == post.id, PostEvent.to_status == IN_REVIEW)
        )
        or 0
    )


def link_token(post: Post) -> str:
    _in_review(post, "reviewed by link")
    return _serializer().dumps({"p": post.id, "r": _round(post), "d": review_rules.digest(post)[:32]})


def review_link(post: Post) -> str:
    """Built from the public URL, never from a request's Host (it is meant to be sent outside)."""
    return f"{runtime.settings().public_url}/review/{link_token(post)}"


def post_for_link(token: str) -> Post:
    """The post a reviewer's link shows; Invalid when it expired, was used, the post changed, or it
    was never Refrain's."""
    try:
        data = _serializer().loads(token, max_age=LINK_DAYS * 86400)
    except SignatureExpired:
        raise Invalid({"link": _("has expired: ask the team for a new one")}) from None
    except BadSignature:
        raise Invalid({"link": _("is not a link Refrain made")}) from None
    post = db.session.get(Post, data.get("p")) if isinstance(data, dict) and isinstance(data.get("p"), int) else None
    if (
        post is None
        or post.status != IN_REVIEW
        or data.get("r") != _round(post)
        or data.get("d") != review_rules.digest(post)[:32]
    ):
        raise Invalid({"link": _("was already used, or the post changed since: ask the team for a new one")})
    return post


def _reviewer_name(name) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise Invalid({"name": _("is required: say who you are")})
    if len(text) > NAME_LIMIT:
        raise Invalid({"name": _("is longer than %(most)s characters", most=NAME_LIMIT)})
    return text


@unit_of_work
def approve_by_link(token: str, name: str, comment: str = "") -> Post:
    post = post_for_link(token)
    reviewer = _reviewer_name(name)
    with actor.acting_as(actor.Actor(None, f"reviewer: {reviewer} (by link)")):
        return approve(post, comment, reviewer=reviewer, by_link=True)


@unit_of_work
def comment_by_link(token: str, name: str, comment: str) -> Post:
    """A reviewer's comment sends the post back to its creator (draft): they have something to act on,
    and the link has done its job."""
    post = post_for_link(token)
    reviewer = _reviewer_name(name)
    with actor.acting_as(actor.Actor(None, f"reviewer: {reviewer} (by link)")):
        return request_changes(post, comment, reviewer=reviewer, by_link=True)
