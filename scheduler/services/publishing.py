"""Delivering a post: claim it, hand it to its channel's adapter, record the outcome.

A delivery is three units of work by nature. The claim (queued → publishing) is committed before the
channel hears of the post: whoever loses the claim does nothing, so a job that runs twice, or a job
for a post cancelled meanwhile, never delivers anything; and a worker that dies after the claim
leaves a post in ``publishing``, which may or may not have reached the channel, so the sweeper makes
it ``unconfirmed`` for a person to decide, because sending it again could publish it twice. The
checks and the account come next (a post that may not go out fails, or waits), then the adapter
runs outside any transaction, and the outcome is recorded in a last unit.

A burst of due posts (a campaign at 9:00, a backlog after an outage) would cost one RQ job each; a
delivery job also takes along the due posts waiting behind it (``TAKE_ALONG``), each claimed on its
own right before it is delivered, so a worker that dies mid-way still leaves at most the post in hand
to the sweeper, and the others keep their own jobs until they are claimed.
"""

import logging
import time
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

import channels.registry as channel_registry
from channels.base import DeliveryContext
from scheduler.domain.language import N_
from scheduler.domain.links import web_link
from scheduler.infra import ratelimits
from scheduler.infra.queue import delivery_job_id
from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import accounts, lifecycle, runtime
from scheduler.services.clock import now
from scheduler.services.lifecycle import FAILED, PUBLISHED, PUBLISHING, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.live_context import live_context
from scheduler.services.post_checks import blocking_errors, check_post, content_of
from scheduler.services.unit_of_work import after_commit, unit_of_work

log = logging.getLogger(__name__)
EARLY_TOLERANCE = timedelta(seconds=2)
TAKE_ALONG = 9  # due posts one delivery job may deliver besides its own
TAKE_ALONG_SECONDS = 10  # none is started later than this into the job (its timeout is 120 s)

# built once: a delivery reads its post and the post's plan (check_post needs both) in one query
_POST_WITH_PLAN = select(Post).options(joinedload(Post.plan)).where(Post.id == bindparam("post_id"))


def deliver(post_id: int) -> str:
    """Deliver the job's post if it is due and still queued, then the due posts waiting behind it;
    returns what happened, for the job's result."""
    started = time.monotonic()
    result = deliver_one(post_id)
    taken = deliver_waiting({post_id}, until=started + TAKE_ALONG_SECONDS)
    return f"{result}; {taken} more due post(s) delivered" if taken else result


def deliver_waiting(exclude: set[int], until: float, limit: int = TAKE_ALONG) -> int:
    """The due queued posts (earliest first), claimed one by one, each claimed post's own job withdrawn
    from Redis; returns how many this call claimed. Another worker taking the same post is harmless:
    the claim is the lock, and a job whose post is no longer queued delivers nothing."""
    with unit_of_work():  # a read, ended before anything is delivered
        waiting = db.session.scalars(
            select(Post.id)
            .where(Post.status == QUEUED, Post.scheduled_at <= now(), Post.id.not_in(exclude))
            .order_by(Post.scheduled_at, Post.id)
            .limit(limit)
        ).all()
    taken = 0
    for post_id in waiting:
        if time.monotonic() > until:
            break
        post = db.session.execute(_POST_WITH_PLAN, {"post_id": post_id}).scalar_one_or_none()
        if post is None or post.status != QUEUED:
            continue
        with unit_of_work():
            attempts = lifecycle.claim(post_id, note=N_("claimed by a worker (taken along)"), claimed_at=now())
        if attempts is None:
            continue  # claimed elsewhere meanwhile
        runtime.queues().withdraw_job(delivery_job_id(post_id, attempts - 1))
        deliver_claimed(post)
        taken += 1
    return taken


def deliver_one(post_id: int) -> str:
    """The job's own post: delivered if it is due and still queued."""
    post = db.session.execute(_POST_WITH_PLAN, {"post_id": post_id}).scalar_one_or_none()
    if post is None:
        log.warning("post %s is gone; nothing to deliver", post_id)
        return "missing"
    if post.status != QUEUED:
        return f"skipped: {post.status}"
    if post.scheduled_at and post.scheduled_at - EARLY_TOLERANCE > now():
        return "skipped: rescheduled for later"  # the job for the new time is already in Redis
    with unit_of_work():
        attempts = lifecycle.claim(post_id, note=N_("claimed by a worker"), claimed_at=now())
    if attempts is None:
        return "skipped: claimed elsewhere"
    return deliver_claimed(post)


def deliver_claimed(post: Post) -> str:
    """The rest of a delivery, for a post this worker has just claimed (and committed)."""
    adapter = channel_registry.get(post.channel)
    with unit_of_work():
        validation = check_post(post)  # checked again: keywords, the channel's rules or the guide may have changed
        blocking = blocking_errors(post)
        if blocking:
            reason = "; ".join(p["message"] for p in blocking)
            lifecycle.move(
                post.id, FAILED, {PUBLISHING}, note=reason, failure_reason=f"refused before delivery: {reason}"
            )
            return "failed: invalid"
        context, held = _context(post, adapter)
        if held:
            return held
        content = content_of(post)
    try:
        outcome = adapter.deliver(validation.draft, content, context)
    except Exception as error:  # an adapter bug must not leave the post claimed forever
        # the error's type only: its text may quote what was being sent, secrets included
        log.error("adapter %s raised %s while delivering post %s", post.channel, type(error).__name__, post.id)
        with unit_of_work():
            lifecycle.move(
                post.id,
                UNCONFIRMED,
                {PUBLISHING},
                note=f"adapter error: {type(error).__name__}",
                failure_reason=f"the {post.channel} adapter failed mid-delivery ({type(error).__name__}); "
                "check the channel, then mark it published or send it again",
            )
        return "unconfirmed"
    with unit_of_work():
        return _record(post, outcome)


def _context(post: Post, adapter) -> tuple[DeliveryContext | None, str]:
    """What the adapter delivers with; in live mode, the channel's account, unless it must wait."""
    settings = runtime.settings()
    mode, outbox = settings.delivery, settings.outbox
    if mode != "live" or not adapter.account_fields:
        return DeliveryContext(mode=mode, outbox_dir=outbox, now=now(), export_root=settings.export_root), ""
    account = accounts.for_channel(post.channel)
    if account is None:
        return DeliveryContext(
            mode=mode, outbox_dir=outbox, now=now(), export_root=settings.export_root
        ), ""  # the adapter answers "unauthorized"
    if account.status == accounts.UNAUTHORIZED:
        _wait_for_reconnection(post, account.status_message)
        return None, "waiting: account to reconnect"
    connection = runtime.queues().connection
    paused = ratelimits.paused_for(connection, account.id)
    if paused:  # not an attempt: the claim's count is given back, and the job is keyed by it
        attempts = max((post.attempts or 1) - 1, 0)
        lifecycle.move(
            post.id,
            QUEUED,
            {PUBLISHING},
            note=f"the account rests for {paused:.0f} s (rate limit)",
            attempts=attempts,
        )
        _enqueue_after_commit(post.id, now() + timedelta(seconds=paused), attempts)
        return None, "paused: rate limit"
    try:
        account_data = accounts.as_adapter_account(account)
    except UnreadableSecrets as error:
        accounts.mark_unauthorized(account.id, str(error))
        _wait_for_reconnection(post, str(error))
        return None, "waiting: account to reconnect"
    return live_context(account_data, post_id=post.id), ""


def _wait_for_reconnection(post: Post, why: str) -> None:
    """Not lost, not failed: back on the calendar until the account works again."""
    reason = f"waiting for the {post.channel} account to be reconnected ({why})"
    lifecycle.move(
        post.id,
        SCHEDULED,
        {PUBLISHING},
        note=reason,
        failure_reason=reason,
        attempts=max((post.attempts or 1) - 1, 0),
    )


def _enqueue_after_commit(post_id: int, when, retry: int) -> None:
    after_commit(lambda: runtime.queues().enqueue_delivery(post_id, when, retry=retry))


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
            remote_id=outcome.remote_id or post.remote_id or "",  # an update may not repeat the id it went to
            remote_url=web_link(outcome.url),  # a service's answer: only an http(s) link is kept
            failure_reason="",
        )
    elif outcome.status == "retry" and post.attempts < runtime.settings().max_attempts:
        delay = outcome.retry_after or min(30 * 2 ** (post.attempts - 1), 3600)
        lifecycle.move(
            post.id,
            QUEUED,
            {PUBLISHING},
            note=f"will retry in {delay:.0f} s: {outcome.message}",
            failure_reason=outcome.message,
        )
        _enqueue_after_commit(post.id, now() + timedelta(seconds=delay), post.attempts)
    elif outcome.status == "unconfirmed":
        lifecycle.move(post.id, UNCONFIRMED, {PUBLISHING}, note=outcome.message, failure_reason=outcome.message)
    else:
        reason = outcome.message or outcome.status
        lifecycle.move(post.id, FAILED, {PUBLISHING}, note=reason, failure_reason=reason)
    return outcome.status
