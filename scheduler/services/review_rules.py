"""When a post needs a manager's approval, what an approval was given on, and the review history.

Kept apart from ``services.approvals`` (the actions: approve, ask for changes, the reviewer's link)
because ``services.posts`` asks these questions while scheduling and editing, and the actions in turn
schedule through ``services.posts``.

The rules, as users meet them:

* A plan may require approval; a commitment's own ``approval_required`` (true or false) wins for its
  channel, so "only the newsletter is reviewed" or "everything but the ads" can be said.
* Only creators wait. A manager's (or owner's) schedule is their approval: it goes straight onto the
  calendar and is written in the review history as theirs. Refrain's own work (the CLI, workers)
  waits for nobody.
* An approval is of what the reviewer read: the post's text, link, channel fields and time
  (``digest``). A creator who schedules again a post approved as it is (sent again after a failure)
  does not wait again; a creator who changes an approved post, or one in review, starts a new review:
  a scheduled post goes back to ``in_review`` and any reviewer link handed out before dies.
"""

from __future__ import annotations

import hashlib
import json

from scheduler.domain import access
from scheduler.models import Post, PostReview
from scheduler.models.database import db
from scheduler.services import actor, audit, clock

APPROVED, CHANGES_REQUESTED = "approved", "changes_requested"
VERDICT_WORDS = {APPROVED: "approved", CHANGES_REQUESTED: "asked for changes"}
COMMENT_LIMIT = 4000


def required(post: Post) -> bool:
    """Whether the post's plan, or its channel's commitment, requires approval."""
    plan = post.plan
    commitment = next((c for c in plan.commitments if c.channel == post.channel), None) if plan else None
    if commitment is not None and commitment.approval_required is not None:
        return bool(commitment.approval_required)
    return bool(plan and plan.approval_required)


def waits_for_approval(who: actor.Actor) -> bool:
    """Creators (and any person below manager) wait; managers, owners and Refrain itself do not."""
    return who.is_person and not access.may(who.role, "manager")


def digest(post: Post) -> str:
    """What a verdict is given on: the words, the link, the channel's fields and the time."""
    seen = {
        "channel": post.channel,
        "title": post.title or "",
        "body": post.body or "",
        "link": post.link or "",
        "extra": post.extra or {},
        "at": post.scheduled_at.isoformat() if post.scheduled_at else None,
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()


def approved_as_is(post: Post) -> bool:
    """The latest verdict approved exactly what the post says now."""
    latest = post.reviews[-1] if post.reviews else None
    return latest is not None and latest.verdict == APPROVED and latest.digest == digest(post)


def needs_review(post: Post) -> bool:
    """Whether the person acting must leave this post for a manager to approve."""
    return required(post) and waits_for_approval(actor.current()) and not approved_as_is(post)


def record(
    post: Post, verdict: str, comment: str = "", *, before: str, after: str, reviewer: str = "", by_link: bool = False
) -> PostReview:
    """One verdict in the post's review history and in the audit trail ("approved", "asked for changes"),
    by the person acting, or by ``reviewer`` (a name typed on a reviewer's link)."""
    who = actor.current()
    review = PostReview(
        verdict=verdict,
        comment=(comment or "").strip()[:COMMENT_LIMIT],
        reviewer_id=who.id,
        reviewer_name=(reviewer or who.name)[:254],
        by_link=by_link,
        digest=digest(post),
        at=clock.now(),
    )
    post.reviews.append(review)
    db.session.flush()
    audit.note(
        VERDICT_WORDS[verdict],
        post,
        {"status": [before, after], **({"comment": review.comment} if review.comment else {})},
        review.comment,
    )
    return review


def reviewer_label(review: PostReview) -> str:
    return f"reviewer: {review.reviewer_name} (by link)" if review.by_link else review.reviewer_name


def review_dict(review: PostReview) -> dict:
    return {
        "at": review.at.isoformat(),
        "verdict": review.verdict,
        "by": reviewer_label(review),
        "by_id": review.reviewer_id,
        "by_link": review.by_link,
        "comment": review.comment or None,
    }
