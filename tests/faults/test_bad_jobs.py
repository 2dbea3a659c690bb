"""Issue 7: jobs a worker cannot run (left by an older version, damaged in Redis, or about a post that
was deleted meanwhile). Each gives one clear log line naming the job and what is wrong, ends in RQ's
failed registry (or is set aside, or dropped, with that line), and the worker goes on: a good job
queued after them is still delivered, and the process neither exits nor loops.

RQ alone would quit the whole worker on a job hash it cannot read (``Job.fetch`` raising inside
its dequeue) and print a traceback for every unreadable payload; ``RefrainWorker`` handles both.
"""

import json
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rq.registry import FailedJobRegistry
from sqlalchemy import delete

from scheduler.infra import queue
from scheduler.jobs.workers import UNREADABLE_JOB_PREFIX
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts, runtime
from tests.factories import make_plan
from tests.faults import statuses
from tests.support.workers import LongRunningWorker


@pytest.fixture
def worker(app, tmp_path):
    running = LongRunningWorker(app, tmp_path / "worker.log").start()
    yield running
    running.stop()


def due_post() -> int:
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    when = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat()
    post = posts.create_post(
        {"plan_id": plan.id, "channel": "twitter", "body": "A good post after the bad jobs", "scheduled_at": when}
    )
    return post.id


def schedule(post_id: int) -> None:
    """Scheduled through the product, so its job is the real, keyed one."""
    posts.schedule_post(posts.get_post(post_id))


def wait_for_published(post_id: int, worker: LongRunningWorker, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while statuses([post_id]).get(post_id) != "published":
        assert worker.running and time.monotonic() < deadline, worker.tail()
        time.sleep(0.2)


def lines_naming(job_id: str, log: str) -> list[str]:
    return [line for line in log.splitlines() if f"job {job_id} " in line or f"job {job_id}:" in line]


def assert_went_on(worker: LongRunningWorker, log: str) -> None:
    assert worker.running, log
    assert "Traceback" not in log and "unhandled exception" not in log, log


def test_jobs_from_an_older_version_or_damaged_fail_with_one_line_each(app, worker):
    deliveries = runtime.queues().deliveries
    redis = runtime.queues().connection
    deliveries.enqueue("scheduler.jobs.tasks.publish_post_v0", 1, job_id="old-function")
    deliveries.enqueue("scheduler.jobs.tasks.deliver_post", 1, "twitter", job_id="old-arguments")
    garbage = deliveries.enqueue("scheduler.jobs.tasks.deliver_post", 2, job_id="garbage-payload")
    redis.hset(garbage.key, "data", b"\x80\x05 this is no pickle")
    foreign = deliveries.enqueue("scheduler.jobs.tasks.deliver_post", 3, job_id="foreign-serializer")
    redis.hset(
        foreign.key, "data", zlib.compress(json.dumps(["scheduler.jobs.tasks.deliver_post", None, [3], {}]).encode())
    )
    unreadable = deliveries.enqueue("scheduler.jobs.tasks.deliver_post", 4, job_id="unreadable-hash")
    redis.hset(unreadable.key, "created_at", "last Tuesday")
    good = due_post()
    schedule(good)

    wait_for_published(good, worker)
    log = worker.tail(50000)
    expected = {
        "old-function": "its function scheduler.jobs.tasks.publish_post_v0 does not exist in this version",
        "old-arguments": "do not fit scheduler.jobs.tasks.deliver_post: too many positional arguments",
        "garbage-payload": "its payload cannot be read (UnpicklingError",
        "foreign-serializer": "its payload cannot be read (UnpicklingError",
        "unreadable-hash": "cannot be read (ValueError: time data 'last Tuesday'",
    }
    for job_id, what in expected.items():
        [line] = lines_naming(job_id, log)
        assert what in line, line
    assert sorted(FailedJobRegistry(queue=deliveries).get_job_ids()) == sorted(set(expected) - {"unreadable-hash"})
    assert redis.exists(UNREADABLE_JOB_PREFIX + "unreadable-hash") and 0 < redis.ttl(
        UNREADABLE_JOB_PREFIX + "unreadable-hash"
    )
    assert_went_on(worker, log)


def test_a_post_deleted_under_its_job_is_dropped_with_one_line(app, worker):
    gone, good = due_post(), due_post()
    schedule(gone)
    db.session.execute(delete(Post).where(Post.id == gone))
    db.session.commit()
    schedule(good)

    wait_for_published(good, worker)
    log = worker.tail(50000)
    job_id = queue.delivery_job_id(gone)
    assert f"job {job_id}: post {gone} is gone; nothing to deliver" in log, log
    assert FailedJobRegistry(queue=runtime.queues().deliveries).get_job_ids() == []
    outbox = Path(app.config["INSTANCE_PATH"]) / "outbox" / "twitter"
    assert sorted(p.name for p in outbox.glob("*.json")) == [f"{good}.json"]
    assert_went_on(worker, log)
