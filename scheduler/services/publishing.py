"""Delivering posts, and the sweeper that keeps Redis in step with the database.

A delivery starts with a guarded claim (queued → publishing). Whoever loses the claim does nothing,
so a job that runs twice, or a job for a post cancelled meanwhile, never delivers anything. A post
left in ``publishing`` by a worker that died may or may not have reached the channel: it becomes
``unconfirmed`` and waits for a person, because sending it again could publish it twice.
"""

import logging
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

import channels.registry as channel_registry
from channels.base import DeliveryContext
from channels.http import HttpClient
from scheduler.infra import queue, ratelimits
from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import accounts, lifecycle
from scheduler.services.clock import now
from scheduler.services.lifecycle import FAILED, PUBLISHED, PUBLISHING, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.posts import blocking_errors, check_post, content_of

log = logging.getLogger(__name__)
EARLY_TOLERANCE = timedelta(seconds=2)
SWEEP_LOCK = "refrain:sweeper:lock"
OVERDUE_SCHEDULED_JOB = timedelta(seconds=10)  # RQ's scheduler moves due jobs every second while it lives


def deliver(post_id: int) -> str:
    """Deliver one post if it is due and still queued; returns what happened, for the job's result."""
    post = _post_with_plan(post_id)
    if post is None:
        log.warning("post %s is gone; nothing to deliver", post_id)
        return "missing"
    if post.status != QUEUED:
        return f"skipped: {post.status}"
    if post.scheduled_at and post.scheduled_at - EARLY_TOLERANCE > now():
        return "skipped: rescheduled for later"  # the job for the new time is already in Redis
    claimed_at = now()
    attempts = lifecycle.claim(post_id, note="claimed by a worker", claimed_at=claimed_at)
    if attempts is None:
        return "skipped: claimed elsewhere"
    _as_claimed(post, attempts, claimed_at)
    return _deliver_claimed(post)


# built once: a delivery reads its post and the post's plan (check_post needs both) in one query
_POST_WITH_PLAN = select(Post).options(joinedload(Post.plan)).where(Post.id == bindparam("post_id"))


def _post_with_plan(post_id: int) -> Post | None:
    return db.session.execute(_POST_WITH_PLAN, {"post_id": post_id}).scalar_one_or_none()


def _as_claimed(post: Post, attempts: int, claimed_at: datetime) -> None:
    """The loaded post as the claim left the row, without reading it again: the claim's UPDATE set exactly
    these, and nothing else can change a post in ``publishing`` but this worker (or the sweeper, after
    REFRAIN_PUBLISH_TIMEOUT, whose own guarded UPDATE the result's ``move`` would then lose)."""
    set_committed_value(post, "status", PUBLISHING)
    set_committed_value(post, "attempts", attempts)
    set_committed_value(post, "claimed_at", claimed_at)


def _deliver_claimed(post: Post) -> str:
    adapter = channel_registry.get(post.channel)
    validation = check_post(post)  # checked again: keywords, the channel's rules or the guide may have changed
    if db.session.dirty:
        db.session.commit()
    content = content_of(post)
    blocking = blocking_errors(post)
    if blocking:
        reason = "; ".join(p["message"] for p in blocking)
        lifecycle.move(post.id, FAILED, {PUBLISHING}, note=reason, failure_reason=f"refused before delivery: {reason}")
        return "failed: invalid"
    context, held = _context(post, adapter)
    if held:
        return held
    try:
        outcome = adapter.deliver(validation.draft, content, context)
    except Exception as error:  # an adapter bug must not leave the post claimed forever
        # the error's type only: its text may quote what was being sent, secrets included
        log.error("adapter %s raised %s while delivering post %s", post.channel, type(error).__name__, post.id)
        lifecycle.move(
            post.id,
            UNCONFIRMED,
            {PUBLISHING},
            note=f"adapter error: {type(error).__name__}",
            failure_reason=f"the {post.channel} adapter failed mid-delivery ({type(error).__name__}); "
            "check the channel, then mark it published or send it again",
        )
        return "unconfirmed"
    return _record(post, outcome)


def _context(post: Post, adapter) -> tuple[DeliveryContext | None, str]:
    """What the adapter delivers with; in live mode, the channel's account, unless it must wait."""
    mode, outbox = current_app.config["REFRAIN_DELIVERY"], Path(current_app.config["INSTANCE_PATH"]) / "outbox"
    if mode != "live" or not adapter.account_fields:
        return DeliveryContext(mode=mode, outbox_dir=outbox), ""
    account = accounts.for_channel(post.channel)
    if account is None:
        return DeliveryContext(mode=mode, outbox_dir=outbox), ""  # the adapter answers "unauthorized"
    if account.status == accounts.UNAUTHORIZED:
        _wait_for_reconnection(post, account.status_message)
        return None, "waiting: account to reconnect"
    connection = queue.service().connection
    paused = ratelimits.paused_for(connection, account.id)
    if paused:  # not an attempt: the claim's count is given back, and the job is keyed by it
        attempts = max((post.attempts or 1) - 1, 0)
        lifecycle.move(
            post.id, QUEUED, {PUBLISHING}, note=f"the account rests for {paused:.0f} s (rate limit)", attempts=attempts
        )
        queue.enqueue_delivery(post.id, now() + timedelta(seconds=paused), retry=attempts)
        return None, "paused: rate limit"
    try:
        account_data = accounts.as_adapter_account(account)
    except UnreadableSecrets as error:
        accounts.mark_unauthorized(account.id, str(error))
        _wait_for_reconnection(post, str(error))
        return None, "waiting: account to reconnect"
    http = HttpClient(
        timeout=current_app.config["REFRAIN_DELIVERY_TIMEOUT"],
        on_pause=lambda seconds: ratelimits.pause(connection, account.id, seconds),
    )
    return DeliveryContext(
        mode=mode,
        outbox_dir=outbox,
        account=account_data,
        http=http,
        save_secrets=lambda renewed: accounts.save_renewed_secrets(account.id, renewed),
        idempotency_key=f"refrain-post-{post.id}",
    ), ""


def _wait_for_reconnection(post: Post, why: str) -> None:
    """Not lost, not failed: back on the calendar until the account works again."""
    reason = f"waiting for the {post.channel} account to be reconnected ({why})"
    lifecycle.move(
        post.id, SCHEDULED, {PUBLISHING}, note=reason, failure_reason=reason, attempts=max((post.attempts or 1) - 1, 0)
    )


def _record(post: Post, outcome) -> str:
    if outcome.status == "unauthorized":
        account = accounts.for_channel(post.channel)
        if account is not None:
            accounts.mark_unauthorized(account.id, outcome.message)
            _wait_for_reconnection(post, outcome.message)
            return outcome.status
    if outcome.status == "published":
        lifecycle.move(
            post.id,
            PUBLISHED,
            {PUBLISHING},
            note=outcome.message or "delivered",
            published_at=now(),
            remote_id=outcome.remote_id or "",
            remote_url=outcome.url or "",
            failure_reason="",
        )
    elif outcome.status == "retry" and post.attempts < current_app.config["REFRAIN_MAX_ATTEMPTS"]:
        delay = outcome.retry_after or min(30 * 2 ** (post.attempts - 1), 3600)
        lifecycle.move(
            post.id,
            QUEUED,
            {PUBLISHING},
            note=f"will retry in {delay:.0f} s: {outcome.message}",
            failure_reason=outcome.message,
        )
        queue.enqueue_delivery(post.id, now() + timedelta(seconds=delay), retry=post.attempts)
    elif outcome.status == "unconfirmed":
        lifecycle.move(post.id, UNCONFIRMED, {PUBLISHING}, note=outcome.message, failure_reason=outcome.message)
    else:
        reason = outcome.message or outcome.status
        lifecycle.move(post.id, FAILED, {PUBLISHING}, note=reason, failure_reason=reason)
    return outcome.status


def sweep(horizon: timedelta | None = None) -> dict:
    """Rebuild lost reminders and give up on stuck deliveries; safe to run anywhere, any number of times."""
    config = current_app.config
    interval = config["REFRAIN_SWEEP_INTERVAL"]
    connection = queue.service().connection
    if not connection.set(SWEEP_LOCK, "1", nx=True, px=max(interval * 1000 - 500, 500)):
        return {"skipped": "another sweep is running"}
    try:
        horizon = horizon or timedelta(seconds=2 * interval)
        return {
            "enqueued": _enqueue_scheduled(),
            "requeued": _requeue_lost(now() + horizon),
            "unconfirmed": _give_up_on_stuck(now() - timedelta(seconds=config["REFRAIN_PUBLISH_TIMEOUT"])),
        }
    finally:
        connection.delete(SWEEP_LOCK)


def _enqueue_scheduled() -> int:
    """Posts the database says are scheduled but Redis never heard of (Redis was down when they were),
    or that waited for their account to be reconnected."""
    count = 0
    waiting = accounts.waiting_channels() if current_app.config["REFRAIN_DELIVERY"] == "live" else set()
    for post_id, when in db.session.execute(
        select(Post.id, Post.scheduled_at).where(
            Post.status == SCHEDULED, Post.scheduled_at.is_not(None), Post.channel.not_in(waiting)
        )
    ).all():
        if lifecycle.move(post_id, QUEUED, {SCHEDULED}, note="handed to the queue by the sweeper"):
            queue.enqueue_delivery(post_id, when)
            count += 1
    return count


def _requeue_lost(until: datetime) -> int:
    """Queued posts due soon whose job is gone (Redis restarted or flushed, the job ran too early, or
    its worker died after taking it but before claiming the post)."""
    rows = db.session.execute(
        select(Post.id, Post.scheduled_at, Post.attempts).where(Post.status == QUEUED, Post.scheduled_at <= until)
    ).all()
    db.session.rollback()  # end the read transaction; SQLite writers must not wait on us
    expected = {post_id: queue.delivery_job_id(post_id, attempts or 0) for post_id, _, attempts in rows}
    # a job started that long ago without claiming its post lost its worker; running it again is
    # safe, since only a claim (queued → publishing) delivers
    alive = queue.jobs_alive(
        expected.values(),
        overdue_after=OVERDUE_SCHEDULED_JOB,
        started_within=timedelta(seconds=current_app.config["REFRAIN_PUBLISH_TIMEOUT"]),
    )
    lost = [(post_id, when, attempts or 0) for post_id, when, attempts in rows if expected[post_id] not in alive]
    queue.unschedule(expected[post_id] for post_id, _, _ in lost)  # RQ's scheduler must not enqueue them again
    for post_id, when, attempts in lost:
        log.info("post %s had no job in Redis; enqueueing it again", post_id)
        queue.enqueue_delivery(post_id, when, retry=attempts)
    return len(lost)


def _give_up_on_stuck(claimed_before: datetime) -> int:
    stuck = db.session.scalars(select(Post.id).where(Post.status == PUBLISHING, Post.claimed_at < claimed_before)).all()
    reason = (
        "the worker delivering this post stopped before it could confirm the delivery; "
        "check the channel, then mark it published or send it again"
    )
    return sum(
        lifecycle.move(post_id, UNCONFIRMED, {PUBLISHING}, note=reason, failure_reason=reason) for post_id in stuck
    )
