"""The sweeper: keeps Redis in step with the database, which holds the truth.

Safe to run anywhere, any number of times (every worker runs it; a Redis lock makes it once per
interval across all of them). Each sweep:

- hands to the queue the posts the database says are ``scheduled`` but Redis never heard of (Redis
  was down when they were, or they waited for their account to be reconnected), with their hand-over
  to a service that holds posts until their time, when they asked for one (``services.handover``);
- enqueues again the ``queued`` posts due soon whose job is gone (Redis restarted or flushed, the
  job ran too early, or its worker died after taking it but before claiming the post);
- gives up on deliveries stuck in ``publishing`` (their worker died mid-delivery): they become
  ``unconfirmed``, never sent again by themselves;
- removes the metric uploads staged for a mapping screen and never imported, once expired.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from scheduler.infra.queue import delivery_job_id
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import accounts, handover, lifecycle, metrics, runtime
from scheduler.services.clock import now
from scheduler.services.lifecycle import PUBLISHING, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.posts import hand_to_queue
from scheduler.services.unit_of_work import after_commit, unit_of_work

log = logging.getLogger(__name__)
OVERDUE_SCHEDULED_JOB = timedelta(seconds=10)  # RQ's scheduler moves due jobs every second while it lives
GAVE_UP = (
    "the worker delivering this post stopped before it could confirm the delivery; "
    "check the channel, then mark it published or send it again"
)


def sweep(horizon: timedelta | None = None) -> dict:
    """One sweep, unless another process is sweeping right now."""
    settings, queues = runtime.settings(), runtime.queues()
    interval = settings.sweep_interval
    lock = queues.key("sweeper:lock")
    if not queues.connection.set(lock, "1", nx=True, px=max(interval * 1000 - 500, 500)):
        return {"skipped": "another sweep is running"}
    try:
        horizon = horizon or timedelta(seconds=2 * interval)
        return {
            "enqueued": enqueue_scheduled(),
            "requeued": requeue_lost(now() + horizon),
            "unconfirmed": give_up_on_stuck(now() - timedelta(seconds=settings.publish_timeout)),
            "expired_uploads": metrics.expire_staged(),
        }
    finally:
        queues.connection.delete(lock)


@unit_of_work
def enqueue_scheduled() -> int:
    """Scheduled posts to the queue, their jobs enqueued once the moves are committed."""
    waiting = accounts.waiting_channels() if runtime.settings().delivery == "live" else set()
    due = db.session.execute(
        select(Post.id, Post.scheduled_at, Post.hand_over_early).where(
            Post.status == SCHEDULED, Post.scheduled_at.is_not(None), Post.channel.not_in(waiting)
        )
    ).all()
    count = 0
    for post_id, when, hand_over_early in due:
        if lifecycle.move(post_id, QUEUED, {SCHEDULED}, note="handed to the queue by the sweeper"):
            after_commit(lambda post_id=post_id, when=when: hand_to_queue(post_id, when))
            handover.offer(post_id, when, hand_over_early)  # its hand-over, if it asked and Redis missed it
            count += 1
    return count


def requeue_lost(until: datetime) -> int:
    """Queued posts due before ``until`` whose job is gone, enqueued again. A job started that long ago
    without claiming its post lost its worker; running it again is safe, since only a claim (queued →
    publishing) delivers."""
    with unit_of_work():  # a read, ended at once: SQLite writers must not wait on us while Redis answers
        rows = db.session.execute(
            select(Post.id, Post.scheduled_at, Post.attempts).where(Post.status == QUEUED, Post.scheduled_at <= until)
        ).all()
    queues = runtime.queues()
    expected = {post_id: delivery_job_id(post_id, attempts or 0) for post_id, _, attempts in rows}
    alive = queues.jobs_alive(
        expected.values(),
        overdue_after=OVERDUE_SCHEDULED_JOB,
        started_within=timedelta(seconds=runtime.settings().publish_timeout),
    )
    lost = [(post_id, when, attempts or 0) for post_id, when, attempts in rows if expected[post_id] not in alive]
    queues.unschedule(expected[post_id] for post_id, _, _ in lost)  # RQ's scheduler must not enqueue them again
    for post_id, when, attempts in lost:
        log.info("post %s had no job in Redis; enqueueing it again", post_id)
        queues.enqueue_delivery(post_id, when, retry=attempts)
    return len(lost)


@unit_of_work
def give_up_on_stuck(claimed_before: datetime) -> int:
    stuck = db.session.scalars(select(Post.id).where(Post.status == PUBLISHING, Post.claimed_at < claimed_before)).all()
    return sum(
        lifecycle.move(post_id, UNCONFIRMED, {PUBLISHING}, note=GAVE_UP, failure_reason=GAVE_UP) for post_id in stuck
    )
