"""Redis and the RQ queues: where slow work waits for a worker.

Redis holds reminders, not truth: a delivery job carries only a post id, and its id is derived from
that post, so enqueueing the same post twice replaces the reminder instead of adding a second one.
If Redis loses everything, the sweeper rebuilds the reminders from the database.

Jobs are enqueued by the dotted path of their function (``JOBS``): the services that ask for work
never import the job functions, which import the services.
"""

from datetime import datetime, timedelta, timezone

import redis
from rq import Queue
from rq.job import Job

from scheduler.infra import rq_compat
from scheduler.infra.embedded_redis import EmbeddedRedis

# the job functions, by dotted path (tests/queue checks that each names a function of scheduler.jobs)
DELIVER_POST = "scheduler.jobs.tasks.deliver_post"
REFRESH_FEED = "scheduler.jobs.tasks.refresh_feed"
SEND_NEWSLETTER_BATCH = "scheduler.jobs.tasks.send_newsletter_batch"
SEND_NEWSLETTER_CONFIRMATION = "scheduler.jobs.tasks.send_newsletter_confirmation"
HAND_OVER_POST = "scheduler.jobs.tasks.hand_over_post"
WITHDRAW_POST = "scheduler.jobs.tasks.withdraw_post"
FETCH_LINK_CARD = "scheduler.jobs.tasks.fetch_link_card"
DELIVER_WEBHOOK = "scheduler.jobs.tasks.deliver_webhook"
JOBS = (
    DELIVER_POST,
    REFRESH_FEED,
    SEND_NEWSLETTER_BATCH,
    SEND_NEWSLETTER_CONFIRMATION,
    HAND_OVER_POST,
    WITHDRAW_POST,
    FETCH_LINK_CARD,
    DELIVER_WEBHOOK,
)

DELIVERY_JOB_TIMEOUT = 120
KEEP_RESULTS_FOR = 3600
KEEP_FAILURES_FOR = 7 * 24 * 3600


def delivery_job_id(post_id: int, retry: int = 0) -> str:
    """A retry gets its own id, so the job that schedules it cannot overwrite it while finishing."""
    return f"deliver-post-{post_id}" + (f"-retry-{retry}" if retry else "")


def hand_over_job_id(post_id: int, attempt: int = 0) -> str:
    """Handing a post to a service ahead of its time; a retry gets its own id, as a delivery's does."""
    return f"hand-over-post-{post_id}" + (f"-retry-{attempt}" if attempt else "")


def withdraw_job_id(post_id: int, attempt: int = 0) -> str:
    """Taking back from its service a post handed over and then taken off the calendar."""
    return f"withdraw-post-{post_id}" + (f"-retry-{attempt}" if attempt else "")


class QueueService:
    """One per app: the connection (starting the embedded server if needed) and the named queues."""

    def __init__(self, settings):
        self.settings = settings
        self.embedded = None if settings.redis_url else EmbeddedRedis(settings.instance_path)
        self._connection = None

    @property
    def url(self) -> str:
        return self.settings.redis_url or self.embedded.url

    @property
    def connection(self) -> redis.Redis:
        if self._connection is None:
            url = self.embedded.ensure_running() if self.embedded else self.settings.redis_url
            self._connection = redis.Redis.from_url(url, socket_timeout=30, health_check_interval=30)
        return self._connection

    def queue(self, purpose: str) -> Queue:
        return Queue(f"{self.settings.queue_prefix}-{purpose}", connection=self.connection)

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

    def key(self, name: str) -> str:
        """A Redis key of this installation's (locks, pauses): prefixed like its queues."""
        return f"{self.settings.queue_prefix}:{name}"

    def enqueue(self, queue: Queue, job: str, *args, when: datetime | None = None, **options) -> Job:
        """Due now (or no time given): straight onto the queue; later: into RQ's scheduled registry,
        moved onto the queue by a worker's scheduler."""
        if when is None or when <= datetime.now(timezone.utc):
            return queue.enqueue(job, *args, **options)
        return queue.enqueue_at(when, job, *args, **options)

    def enqueue_delivery(self, post_id: int, when: datetime, retry: int = 0) -> Job:
        return self._post_job(
            DELIVER_POST, (post_id,), delivery_job_id(post_id, retry), when, f"deliver post {post_id}"
        )

    def enqueue_hand_over(self, post_id: int, when: datetime | None = None, attempt: int = 0) -> Job:
        job_id, description = hand_over_job_id(post_id, attempt), f"hand post {post_id} over ahead of its time"
        return self._post_job(HAND_OVER_POST, (post_id, attempt), job_id, when, description)

    def enqueue_withdrawal(self, post_id: int, when: datetime | None = None, attempt: int = 0) -> Job:
        job_id, description = withdraw_job_id(post_id, attempt), f"withdraw post {post_id} from its service"
        return self._post_job(WITHDRAW_POST, (post_id, attempt), job_id, when, description)

    def _post_job(self, job: str, args: tuple, job_id: str, when: datetime | None, description: str) -> Job:
        """A job about one post on the deliveries queue, keyed by ``job_id``, kept as long as deliveries are."""
        return self.enqueue(
            self.deliveries,
            job,
            *args,
            when=when,
            job_id=job_id,
            job_timeout=DELIVERY_JOB_TIMEOUT,
            result_ttl=KEEP_RESULTS_FOR,
            failure_ttl=KEEP_FAILURES_FOR,
            description=description,
        )

    def enqueue_webhook(self, event_id: int) -> Job:
        """One event to one subscription; RQ's ``Retry`` brings the same job back after each wait."""
        return self.enqueue(
            self.deliveries,
            DELIVER_WEBHOOK,
            event_id,
            job_id=f"webhook-event-{event_id}",
            job_timeout=DELIVERY_JOB_TIMEOUT,
            result_ttl=KEEP_RESULTS_FOR,
            failure_ttl=KEEP_FAILURES_FOR,
            description=f"tell webhook event {event_id}",
        )

    def withdraw_delivery(self, post_id: int) -> bool:
        """Best effort (False when Redis cannot be reached): a cancelled post is already safe, because
        the worker's claim checks the database."""
        return self.withdraw_job(delivery_job_id(post_id))

    def withdraw_job(self, job_id: str) -> bool:
        """A delivery job taken out of Redis wherever it waits (scheduled, queued) and forgotten; best
        effort, False when Redis cannot be reached."""
        deliveries = self.deliveries
        try:
            with self.connection.pipeline(transaction=False) as pipe:  # one round trip
                pipe.zrem(rq_compat.scheduled_registry(deliveries).key, job_id)
                pipe.lrem(deliveries.key, 0, job_id)
                pipe.delete(Job.key_for(job_id))
                pipe.execute()
            return True
        except Exception:  # noqa: BLE001 - Redis unreachable (or the embedded one cannot start)
            return False

    def jobs_alive(self, job_ids, started_within: timedelta | None = None, overdue_after: timedelta | None = None):
        """The job ids that still wait or run in Redis (see ``rq_compat.jobs_alive``)."""
        return rq_compat.jobs_alive(self.connection, job_ids, started_within, overdue_after)

    def unschedule_job(self, queue: Queue, job_id: str) -> None:
        """Take one job out of its queue's scheduled registry (it is about to be enqueued now)."""
        rq_compat.scheduled_registry(queue).remove(job_id)

    def unschedule(self, job_ids) -> None:
        """Take delivery jobs out of the scheduled registry (they are being enqueued now, by someone
        else than RQ's scheduler)."""
        job_ids = list(job_ids)
        if job_ids:
            self.connection.zrem(rq_compat.scheduled_registry(self.deliveries).key, *job_ids)


def init_app(app, settings) -> QueueService:
    service = QueueService(settings)
    app.extensions["refrain.queue"] = service
    return service
