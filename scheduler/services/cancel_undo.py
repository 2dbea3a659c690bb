"""Undoing a cancel: for a few minutes after a post is cancelled, it can go back to where it was.

A cancel is a guarded status move like any other (``posts.cancel_post``), and so is its undo: the post
goes back from ``cancelled`` to the status its history says it left, through ``lifecycle.move``, if and
only if it is still cancelled. Whatever happened to it since (someone moved it back to draft and
scheduled it again, a worker claimed it) makes the undo refuse: it never hands the queue a post that
is already on its way, so an undo can never deliver a post twice.

A post cancelled while queued goes back on the calendar the way a schedule puts it there (queued, its
job enqueued after the commit); if its time passed meanwhile, it goes back to draft instead, since a
post is never delivered late by surprise.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from scheduler.domain.language import N_, _, ngettext
from scheduler.domain.statuses import label
from scheduler.models import Post, PostEvent
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import clock, lifecycle, posts
from scheduler.services.errors import Conflict
from scheduler.services.lifecycle import CANCELLED, DRAFT, FAILED, IN_REVIEW, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.unit_of_work import unit_of_work

# short on purpose: an undo is for the click one regrets at once, not a way to revive old posts
UNDO_FOR = timedelta(minutes=10)
RESTORABLE = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})


@dataclass(frozen=True)
class UndoOffer:
    post_id: int
    restores: str  # the status the post was in when it was cancelled
    until: datetime  # aware UTC: the offer ends then


def undo_offer(post: Post, at: datetime | None = None) -> UndoOffer | None:
    """What "Undo" would do for a cancelled post, while it may; None otherwise. The moment of the cancel
    is its line of history, written on the real clock (as every line of history is), so it is read
    against the real clock too."""
    if post is None or post.status != CANCELLED:
        return None
    cancel = db.session.scalar(
        select(PostEvent)
        .where(PostEvent.post_id == post.id, PostEvent.to_status == CANCELLED)
        .order_by(PostEvent.id.desc())
        .limit(1)
    )
    if cancel is None or cancel.from_status not in RESTORABLE:
        return None
    until = cancel.at + UNDO_FOR
    if (at or utcnow()) > until:
        return None
    return UndoOffer(post.id, cancel.from_status, until)


@unit_of_work
def undo_cancel(post: Post) -> str:
    """The post back where it was before its cancel; returns the status it is in now. ``Conflict`` when
    the offer is over, or the post is no longer cancelled (the guarded move decides, not a read)."""
    offer = undo_offer(post)
    if offer is None:
        status = _status_now(post)
        raise Conflict(
            _("the cancel can no longer be undone (the post is %(status)s now)", status=label(status))
            if status != CANCELLED
            else _("the cancel can no longer be undone (undo lasts %(span)s)", span=_minutes(UNDO_FOR)),
            {"status": status},
        )
    target = offer.restores
    if target in (SCHEDULED, QUEUED) and (post.scheduled_at is None or post.scheduled_at <= clock.now()):
        target, note = DRAFT, N_("cancel undone; its time had passed meanwhile, so it is a draft again")
    else:
        note = N_("cancel undone")
    if not lifecycle.move(post.id, SCHEDULED if target == QUEUED else target, {CANCELLED}, note=note):
        status = _status_now(post)
        raise Conflict(
            _("the cancel can no longer be undone (the post is %(status)s now)", status=label(status)),
            {"status": status},
        )
    if target in (SCHEDULED, QUEUED):
        posts.put_on_calendar(post, note=note)  # queued, its job enqueued once this is committed
    return post.status


def _status_now(post: Post) -> str:
    return db.session.scalar(select(Post.status).where(Post.id == post.id)) or post.status


def _minutes(span: timedelta) -> str:
    return ngettext("%(num)s minute", "%(num)s minutes", int(span.total_seconds() // 60))
