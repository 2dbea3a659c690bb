"""Issue 7, "prove it under faults": real worker processes, a real Redis, real kills, no mocks.

The helpers below are shared by the fault tests: posts due now, a webhook account on a stand-in
service, waiting on the database with deadlines, and sweeping through the product's own code.
"""

import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import redis
from rq.job import Job
from sqlalchemy import func, select

from scheduler.infra import queue
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import accounts, clock, posts, runtime
from scheduler.services.sweeper import sweep
from tests.factories import make_plan
from tests.support.stand_in import StandIn

UNSETTLED = ("scheduled", "queued", "publishing")


def webhook_receiver(app) -> StandIn:
    """A stand-in for a customer's webhook endpoint, connected as the webhook account."""
    service = StandIn()
    service.answer("POST", "/hook", 200, {"id": "accepted"})
    accounts.connect(
        {
            "channel": "webhook",
            "name": "faults receiver",
            "url": f"{service.url}/hook",
            "signing_secret": "fault-test-signing-secret",
        }
    )
    return service


def due_webhook_posts(count: int, rng, within_seconds: float = 55) -> list[int]:
    """``count`` posts that fell due at random moments of the last minute, scheduled (so queued in Redis)."""
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    now = datetime.now(timezone.utc)
    # scheduled as if at ``now``: on a loaded machine the last post is scheduled many seconds after the
    # first, which would push the first past the time guard's grace (the workers keep the real clock)
    with clock.pinned(now):
        return [
            _scheduled(plan, number, now - timedelta(seconds=rng.uniform(1, within_seconds))) for number in range(count)
        ]


def _scheduled(plan, number: int, when: datetime) -> int:
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "webhook",
            "title": f"Fault post {number}",
            "body": f"Delivery {number} under fire",
            "scheduled_at": when.isoformat(),
        }
    )
    return posts.schedule_post(post).id


def status_counts(ids) -> Counter:
    db.session.expire_all()
    rows = db.session.execute(select(Post.status, func.count()).where(Post.id.in_(ids)).group_by(Post.status))
    counts = Counter(dict(rows.all()))
    db.session.rollback()  # no read transaction left open while the workers write
    return counts


def statuses(ids) -> dict[int, str]:
    db.session.expire_all()
    found = dict(db.session.execute(select(Post.id, Post.status).where(Post.id.in_(ids))).all())
    db.session.rollback()
    return found


def claims_per_post(ids) -> Counter:
    """How many times a worker won the claim (queued → publishing) for each post."""
    rows = db.session.execute(
        select(PostEvent.post_id, func.count())
        .where(PostEvent.post_id.in_(ids), PostEvent.to_status == "publishing")
        .group_by(PostEvent.post_id)
    )
    counts = Counter(dict(rows.all()))
    db.session.rollback()
    return counts


def wait_until_settled(ids, timeout: float, quiet_for: float = 1.5, fleet=None) -> Counter:
    """Until no post waits in ``queued``/``publishing``, or no job waits in Redis and nothing has
    moved for ``quiet_for`` seconds (what is left then needs a sweep), or the deadline, or every
    worker of ``fleet`` is dead: the counts then. While jobs wait, workers (maybe still starting,
    on a busy machine) will take them."""
    deadline = time.monotonic() + timeout
    last, last_change = None, time.monotonic()
    while time.monotonic() < deadline and (fleet is None or any(w.running for w in fleet.workers)):
        counts = status_counts(ids)
        if not any(counts[s] for s in UNSETTLED):
            return counts
        if counts != last:
            last, last_change = counts, time.monotonic()
        elif time.monotonic() - last_change >= quiet_for and not jobs_waiting():
            return counts
        time.sleep(0.2)
    return status_counts(ids)


def jobs_waiting() -> int:
    try:
        return runtime.queues().deliveries.count
    except redis.RedisError:  # Redis is down: nothing waits there
        return 0


def sweep_once(timeout: float = 10) -> dict:
    """One real sweep; a worker's own sweep may hold the lock for a moment, so wait for our turn."""
    deadline = time.monotonic() + timeout
    while True:
        result = sweep()
        if "skipped" not in result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def jobs_of_unsettled(ids) -> dict:
    """For the diagnostics: each post still queued or publishing, with what Redis holds for its job."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Post.id, Post.status, Post.attempts).where(Post.id.in_(ids), Post.status.in_(UNSETTLED))
    ).all()
    db.session.rollback()
    try:
        connection = runtime.queues().connection
        return {
            post_id: (
                status,
                {
                    k.decode(): v.decode(errors="replace")[:40]
                    for k, v in connection.hgetall(Job.key_for(queue.delivery_job_id(post_id, attempts or 0))).items()
                    if k in (b"status", b"started_at", b"enqueued_at", b"worker_name", b"ended_at")
                },
            )
            for post_id, status, attempts in rows
        }
    except redis.RedisError as error:
        return {post_id: (status, f"Redis: {error}") for post_id, status, _ in rows}


def received_per_post(service: StandIn) -> Counter:
    """Requests that reached the stand-in, per post id (from the idempotency key every attempt carries)."""
    keys = [seen.headers.get("x-refrain-idempotency-key", "") for seen in service.received("POST", "/hook")]
    return Counter(int(key.rsplit("-", 1)[1]) for key in keys if key.startswith("refrain-post-"))
