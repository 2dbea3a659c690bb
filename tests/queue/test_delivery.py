"""The queue against a real Redis server: nothing lost, nothing doubled, nothing cancelled delivered.

Deliveries are counted as the outbox is written (``outbox_writes``, one count per write even when a
repeat replaces the file), never from the files left at the end nor from the product's own history.
"""

import json
import os
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rq import Worker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select, update

from scheduler import reconfigure
from scheduler.infra import queue
from scheduler.jobs.workers import run_worker
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import posts, runtime
from scheduler.services.sweeper import sweep
from tests.factories import due_posts, make_plan
from tests.support.workers import start_worker


def outbox(app, channel="twitter") -> Path:
    return Path(app.config["INSTANCE_PATH"]) / "outbox" / channel


def claims(post_id) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(PostEvent)
        .where(PostEvent.post_id == post_id, PostEvent.to_status == "publishing")
    )


def statuses(post_ids) -> dict:
    db.session.expire_all()
    rows = db.session.execute(select(Post.id, Post.status).where(Post.id.in_(post_ids))).all()
    return dict(rows)


def test_two_workers_deliver_200_due_posts_exactly_once(app, outbox_writes):
    plan = make_plan()
    made = due_posts(plan, 200)
    for post in made:
        posts.schedule_post(post)
    writes = outbox_writes(app, "twitter")
    workers = [start_worker(app) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=120) == 0, worker.stdout.read().decode()[-2000:]
    ids = [p.id for p in made]
    assert set(statuses(ids).values()) == {"published"}
    assert writes.per_post() == {i: 1 for i in ids}
    assert all(claims(i) == 1 for i in ids)
    assert json.loads((outbox(app) / f"{ids[0]}.json").read_text())["draft"]["tweets"]


def test_a_post_scheduled_twice_is_delivered_once(app, outbox_writes):
    post = due_posts(make_plan(), 1)[0]
    posts.schedule_post(post)
    posts.schedule_post(posts.get_post(post.id))
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert statuses([post.id]) == {post.id: "published"}
    assert writes.per_post() == {post.id: 1}


def test_rescheduling_later_moves_the_delivery(app, outbox_writes):
    post = due_posts(make_plan(), 1)[0]
    posts.schedule_post(post)
    later = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    posts.update_post(posts.get_post(post.id), {"scheduled_at": later})
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert statuses([post.id]) == {post.id: "queued"}
    assert writes.per_post() == {}


def test_a_cancelled_post_is_never_delivered_even_with_its_job_in_redis(app, outbox_writes):
    post = due_posts(make_plan(), 1)[0]
    posts.schedule_post(post)
    posts.cancel_post(posts.get_post(post.id))
    runtime.queues().enqueue_delivery(post.id, datetime.now(timezone.utc))  # a job that escaped the withdrawal
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert statuses([post.id]) == {post.id: "cancelled"}
    assert writes.per_post() == {}


def test_after_flushall_the_sweeper_brings_every_due_post_back(app, outbox_writes):
    made = due_posts(make_plan(), 20)
    ids = [post.id for post in made]
    for post in made:
        posts.schedule_post(post)
    runtime.queues().connection.flushall()
    assert sweep()["requeued"] == 20
    assert sweep()["requeued"] == 0  # the reminders are back: a second sweep finds nothing lost
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert set(statuses(ids).values()) == {"published"}
    assert writes.per_post() == {i: 1 for i in ids}


def test_a_job_whose_scheduler_died_is_enqueued_by_the_sweeper(app, outbox_writes):
    """RQ's scheduler lock outlives a SIGKILLed worker by a minute; the sweeper must not wait for it."""
    post = due_posts(make_plan(), 1, seconds_ago=-60)[0]
    posts.schedule_post(post)
    job_id = queue.delivery_job_id(post.id)
    registry = ScheduledJobRegistry(queue=runtime.queues().deliveries)
    assert job_id in registry.get_job_ids()
    overdue = datetime.now(timezone.utc) - timedelta(seconds=30)  # its time came and no scheduler moved it
    runtime.queues().connection.zadd(registry.key, {job_id: overdue.timestamp()})
    db.session.execute(update(Post).where(Post.id == post.id).values(scheduled_at=overdue))
    db.session.commit()
    assert sweep()["requeued"] == 1
    assert job_id in runtime.queues().deliveries.get_job_ids() and job_id not in registry.get_job_ids()
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert statuses([post.id]) == {post.id: "published"} and writes.per_post() == {post.id: 1}


def test_posts_scheduled_while_redis_was_down_are_queued_by_the_sweeper(app, monkeypatch, outbox_writes):
    post = due_posts(make_plan(), 1)[0]

    def redis_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(runtime.queues(), "enqueue_delivery", redis_down)
    scheduled = posts.schedule_post(post)
    assert scheduled.status == "scheduled"
    monkeypatch.undo()
    assert sweep()["enqueued"] == 1
    writes = outbox_writes(app, "twitter")
    run_worker(app, burst=True)
    assert statuses([post.id]) == {post.id: "published"} and writes.per_post() == {post.id: 1}


def test_a_worker_killed_mid_delivery_leaves_the_post_unconfirmed(app, slow_channel, outbox_writes):
    post = due_posts(make_plan(), 1, channel="slowtest")[0]
    posts.schedule_post(post)
    writes = outbox_writes(app, "slowtest")
    worker = start_worker(app)
    assert slow_channel.wait_until_started(app) == worker.pid
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert statuses([post.id]) == {post.id: "publishing"}, "the kill struck a claimed post not yet recorded"
    reconfigure(app, publish_timeout=0)
    assert sweep()["unconfirmed"] == 1
    slow_channel.release(app)
    runtime.queues().enqueue_delivery(post.id, datetime.now(timezone.utc))  # even a stray job does not send it again
    run_worker(app, burst=True)
    post = posts.get_post(post.id)
    db.session.refresh(post)
    assert post.status == "unconfirmed"
    assert "stopped before it could confirm" in post.failure_reason
    assert writes.per_post() == {}
    assert claims(post.id) == 1


def test_an_idle_worker_stops_on_sigterm(app):
    """systemd's stop and Ctrl-C: an idle worker leaves at once instead of waiting to be killed."""
    worker = start_worker(app, burst=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
        w.get_state() == "idle" for w in Worker.all(connection=runtime.queues().connection)
    ):
        time.sleep(0.1)  # waiting for a job, its signal handlers in place
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert not Worker.all(connection=runtime.queues().connection)  # it said goodbye to RQ's registry
