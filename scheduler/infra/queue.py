"""Redis and the RQ queues: where slow work waits for a worker.

Redis holds reminders, not truth: a delivery job carries only a post id, and its id is derived from
that post, so enqueueing the same post twice replaces the reminder instead of adding a second one.
If Redis loses everything, the sweeper rebuilds the reminders from the database.
"""

from datetime import datetime, timedelta, timezone

import redis
from flask import current_app
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from rq.utils import utcparse

from scheduler.infra.embedded_redis import EmbeddedRedis

LIVE_JOB_STATUSES = {s.value for s in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED)}
DELIVERY_JOB_TIMEOUT = 120
KEEP_RESULTS_FOR = 3600
KEEP_FAILURES_FOR = 7 * 24 * 3600


class QueueService:
    """One per app: the connection (starting the embedded server if needed) and the named queues."""

    def __init__(self, config):
        self.config = config
        self.embedded = None if config.get("REDIS_URL") else EmbeddedRedis(config["INSTANCE_PATH"])
        self._connection = None

    @property
    def url(self) -> str:
        return self.config.get("REDIS_URL") or self.embedded.url

    @property
    def connection(self) -> redis.Redis:
        if self._connection is None:
            url = self.embedded.ensure_running() if self.embedded else self.config["REDIS_URL"]
            self._connection = redis.Redis.from_url(url, socket_timeout=30, health_check_interval=30)
        return self._connection

    def queue(self, purpose: str) -> Queue:
        return Queue(f"{self.config['REFRAIN_QUEUE_PREFIX']}-{purpose}", connection=self.connection)

    @property
    def deliveries(self) -> Queue:
        return self.queue("deliveries")

    @property
    def maintenance(self) -> Queue:
        return self.queue("maintenance")

    @property
    def library(self) -> Queue:
        return self.queue("library")

    def queues(self) -> list[Queue]:
        """In priority order: the sweeper must not wait behind a burst of deliveries, and no
        delivery behind a feed import."""
        return [self.maintenance, self.deliveries, self.library]


def delivery_job_id(post_id: int, retry: int = 0) -> str:
    """A retry gets its own id, so the job that schedules it cannot overwrite it while finishing."""
    return f"deliver-post-{post_id}" + (f"-retry-{retry}" if retry else "")


def init_app(app):
    app.extensions["refrain.queue"] = QueueService(app.config)


def service() -> QueueService:
    return current_app.extensions["refrain.queue"]


def enqueue_delivery(post_id: int, when: datetime, retry: int = 0) -> Job:
    """Due now: straight onto the queue; later: into RQ's scheduled registry, moved by a worker's scheduler."""
    from scheduler.jobs.tasks import deliver_post

    deliveries = service().deliveries
    options = dict(
        job_id=delivery_job_id(post_id, retry),
        job_timeout=DELIVERY_JOB_TIMEOUT,
        result_ttl=KEEP_RESULTS_FOR,
        failure_ttl=KEEP_FAILURES_FOR,
        description=f"deliver post {post_id}",
    )
    if when <= datetime.now(timezone.utc):
        return deliveries.enqueue(deliver_post, post_id, **options)
    return deliveries.enqueue_at(when, deliver_post, post_id, **options)


def withdraw_delivery(post_id: int) -> None:
    """Best effort: a cancelled post is already safe, because the worker's claim checks the database."""
    job_id = delivery_job_id(post_id)
    try:
        queues = service()
        ScheduledJobRegistry(queue=queues.deliveries).remove(job_id)
        queues.deliveries.remove(job_id)
        queues.connection.delete(Job.key_for(job_id))
    except Exception:  # Redis unreachable (or the embedded one cannot start)
        current_app.logger.warning("could not withdraw job %s from Redis; the worker will skip it", job_id)


def jobs_alive(job_ids, started_within: timedelta | None = None, overdue_after: timedelta | None = None) -> set[str]:
    """The job ids that still wait or run in Redis (a few round trips for all of them).

    A worker SIGKILLed while it takes a job leaves it behind, apparently alive, with no one to run
    it: killed just after moving it off its queue, the job still says ``queued`` but is on no queue;
    killed between starting it and claiming its post, it says ``started`` for ever. So a ``queued``
    job counts only while it is on its queue, and, with ``started_within``, a ``started`` one only
    while it started that recently. Likewise, with ``overdue_after``, a ``scheduled`` job counts
    only until it is that late: RQ's scheduler moves due jobs every second, but when its worker is
    killed its lock holds the other workers' schedulers off for a minute or two.
    """
    job_ids = list(job_ids)
    if not job_ids:
        return set()
    connection = service().connection
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(Job.key_for(job_id), "status", "started_at", "origin")
        jobs = {job_id: _decoded(answer) for job_id, answer in zip(job_ids, pipe.execute())}
    now = datetime.now(timezone.utc)
    waiting = _waiting_in_queues({origin for status, _, origin in jobs.values() if status == JobStatus.QUEUED.value})
    due = (
        _scheduled_times(
            [job_id for job_id, (status, _, _) in jobs.items() if status == JobStatus.SCHEDULED.value], jobs
        )
        if overdue_after is not None
        else {}
    )
    alive = set()
    for job_id, (status, started_at, _) in jobs.items():
        if status not in LIVE_JOB_STATUSES:
            continue
        if status == JobStatus.QUEUED.value and job_id not in waiting:
            continue
        if (
            status == JobStatus.STARTED.value
            and started_within is not None
            and started_at
            and utcparse(started_at).replace(tzinfo=timezone.utc) < now - started_within
        ):
            continue
        if job_id in due and due[job_id] < (now - overdue_after).timestamp():
            continue
        alive.add(job_id)
    return alive


def _decoded(answer) -> tuple:
    return tuple(value.decode() if value is not None else None for value in answer)


def _waiting_in_queues(queue_names) -> set[str]:
    connection = service().connection
    return {job_id for name in queue_names if name for job_id in Queue(name, connection=connection).get_job_ids()}


def _scheduled_times(job_ids, jobs) -> dict[str, float]:
    """When each scheduled job is due, from its queue's scheduled registry."""
    connection = service().connection
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.zscore(ScheduledJobRegistry(jobs[job_id][2], connection=connection).key, job_id)
        return {job_id: score for job_id, score in zip(job_ids, pipe.execute()) if score is not None}


def unschedule(job_ids) -> None:
    """Take jobs out of the scheduled registry (they are being enqueued now, by someone else than RQ's scheduler)."""
    job_ids = list(job_ids)
    if job_ids:
        service().connection.zrem(ScheduledJobRegistry(queue=service().deliveries).key, *job_ids)
