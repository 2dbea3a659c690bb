"""Redis and the RQ queues: where slow work waits for a worker.

Redis holds reminders, not truth: a delivery job carries only a post id, and its id is derived from
that post, so enqueueing the same post twice replaces the reminder instead of adding a second one.
If Redis loses everything, the sweeper rebuilds the reminders from the database.
"""
from datetime import datetime, timezone

import redis
from flask import current_app
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry

from .embedded_redis import EmbeddedRedis

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
    from .tasks import deliver_post

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


def jobs_alive(job_ids) -> set[str]:
    """The job ids that still wait or run in Redis (one round trip for all of them)."""
    job_ids = list(job_ids)
    if not job_ids:
        return set()
    connection = service().connection
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(Job.key_for(job_id), "status")
        statuses = pipe.execute()
    return {
        job_id for job_id, status in zip(job_ids, statuses)
        if status is not None and status.decode() in LIVE_JOB_STATUSES
    }
