"""Every place Refrain reaches inside RQ, in one module, each with why (``setup.cfg`` bounds ``rq``).

RQ's public API enqueues, schedules and runs jobs. Three things Refrain needs are not in it, so they
are done here, against RQ 3.0's internals:

- telling a job that is really alive from one a killed worker left behind (``jobs_alive``);
- a worker that survives what RQ's loop treats as fatal, and stops on the first request
  (``GuardedWorker``);
- periodic jobs run from a thread of each worker, under RQ's own cron bookkeeping (``PeriodicJobs``).

An upgrade of RQ that breaks one of these fails the queue and fault tests, which exercise each.
"""

import logging
from datetime import datetime, timedelta, timezone

from rq import Queue
from rq.cron import CronScheduler
from rq.exceptions import StopRequested
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from rq.utils import utcparse
from rq.worker import SimpleWorker, WorkerStatus

__all__ = [
    "UNREADABLE_JOB_PREFIX",
    "GuardedWorker",
    "PeriodicJobs",
    "StopRequested",
    "jobs_alive",
    "scheduled_registry",
]

log = logging.getLogger(__name__)
UNREADABLE_JOB_PREFIX = "refrain:unreadable-job:"
UNREADABLE_JOB_KEPT = 7 * 24 * 3600
LIVE_JOB_STATUSES = {s.value for s in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED)}


def scheduled_registry(queue: Queue) -> ScheduledJobRegistry:
    return ScheduledJobRegistry(queue=queue)


def jobs_alive(connection, job_ids, started_within: timedelta | None = None, overdue_after: timedelta | None = None):
    """The job ids that still wait or run in Redis (a few round trips for all of them).

    A worker SIGKILLed while it takes a job leaves it behind, apparently alive, with no one to run
    it: killed just after moving it off its queue, the job still says ``queued`` but is on no queue;
    killed between starting it and claiming its post, it says ``started`` for ever. So a ``queued``
    job counts only while it is on its queue, and, with ``started_within``, a ``started`` one only
    while it started that recently. Likewise, with ``overdue_after``, a ``scheduled`` job counts
    only until it is that late: RQ's scheduler moves due jobs every second, but when its worker is
    killed its lock holds the other workers' schedulers off for a minute or two.

    Internal: the job hash's ``status``, ``started_at`` and ``origin`` fields, read in one pipeline
    instead of fetching each ``Job`` (thousands of posts per sweep); the scheduled registry's scores.
    """
    job_ids = list(job_ids)
    if not job_ids:
        return set()
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(Job.key_for(job_id), "status", "started_at", "origin")
        jobs = {job_id: _decoded(answer) for job_id, answer in zip(job_ids, pipe.execute())}
    now = datetime.now(timezone.utc)
    waiting = _waiting_in_queues(connection, {o for s, _, o in jobs.values() if s == JobStatus.QUEUED.value})
    scheduled = [job_id for job_id, (status, _, _) in jobs.items() if status == JobStatus.SCHEDULED.value]
    due = _scheduled_times(connection, scheduled, jobs) if overdue_after is not None else {}
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


def _waiting_in_queues(connection, queue_names) -> set[str]:
    return {job_id for name in queue_names if name for job_id in Queue(name, connection=connection).get_job_ids()}


def _scheduled_times(connection, job_ids, jobs) -> dict[str, float]:
    """When each scheduled job is due, from its queue's scheduled registry."""
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.zscore(ScheduledJobRegistry(jobs[job_id][2], connection=connection).key, job_id)
        return {job_id: score for job_id, score in zip(job_ids, pipe.execute()) if score is not None}


class GuardedWorker(SimpleWorker):
    """RQ's SimpleWorker, with three hooks a subclass fills in: ``before_taking_jobs`` (wait for what
    jobs need), ``why_job_cannot_run`` (refuse a job this version cannot run) and
    ``set_aside_unreadable_job`` (a job whose hash RQ cannot even read)."""

    def before_taking_jobs(self, burst: bool) -> None:
        """Called before each dequeue; may wait, or raise StopRequested."""

    def why_job_cannot_run(self, job) -> str | None:
        return None

    def _shutdown(self):
        """Internal override: RQ stops an idle worker by raising StopRequested from the signal handler,
        wherever the main thread is; an ``except Exception`` there (in RQ, redis-py or a log filter)
        swallows it and the worker would go on. The flag makes the loop stop at its next turn anyway."""
        self._stop_requested = True
        super()._shutdown()

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        """Internal override (RQ's loop calls it for each job; it dequeues without a timeout only in
        burst mode): the hook first, and a job Redis cannot read is set aside instead of ending the
        loop (RQ raises with ``job_id`` set)."""
        self.before_taking_jobs(burst=timeout is None)
        while True:
            try:
                return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
            except StopRequested:
                raise
            except Exception as error:
                if getattr(error, "job_id", None) is None or _is_redis_error(error):
                    raise
                self.set_aside_unreadable_job(error.job_id, getattr(error, "queue", None), error)

    def execute_job(self, job, queue):
        """Internal override: a job this version cannot run is failed before it starts, with one line
        saying why; RQ would print a traceback for it, or call a function with arguments it no longer
        takes."""
        problem = self.why_job_cannot_run(job)
        if problem is None:
            return super().execute_job(job, queue)
        self.log.error(
            "Worker %s: job %s (%s) cannot run: %s; moved to the failed jobs", self.name, job.id, job.origin, problem
        )
        self.fail_without_running(job, queue, problem)

    def fail_without_running(self, job, queue, problem: str) -> None:
        """RQ's own failure path (failed registry, its TTL, dependents), minus the run and the traceback.
        Internal: ``prepare_execution``, the queue's intermediate list, ``handle_job_failure``."""
        execution = self.prepare_execution(job)
        self.connection.lrem(queue.intermediate_queue_key, 1, job.id)
        self.handle_job_failure(
            job,
            queue,
            started_job_registry=queue.started_job_registry,
            exc_string=f"Refrain refused to run this job: {problem}",
            execution=execution,
        )
        self.set_state(WorkerStatus.IDLE)

    def set_aside_unreadable_job(self, job_id: str, queue, error: Exception) -> None:
        """RQ cannot rebuild the job from its hash, so it cannot enter the failed registry either (every
        tool listing it would trip over it): its hash is renamed aside for a week, for a person to look
        at, with one log line. Internal: the queue's intermediate list."""
        aside = UNREADABLE_JOB_PREFIX + job_id
        key = self.job_class.key_for(job_id)
        with self.connection.pipeline() as pipe:
            if queue is not None:
                pipe.lrem(queue.intermediate_queue_key, 1, job_id)
            pipe.exists(key)
            exists = pipe.execute()[-1]
        if exists:
            self.connection.rename(key, aside)
            self.connection.expire(aside, UNREADABLE_JOB_KEPT)
        cause = error.__cause__ or error
        first_line = (str(cause).strip().splitlines() or [""])[0][:300]
        self.log.error(
            "Worker %s: job %s (%s) cannot be read (%s: %s); %s",
            self.name,
            job_id,
            getattr(queue, "name", "?"),
            type(cause).__name__,
            first_line,
            f"set aside as {aside} for 7 days" if exists else "dropped",
        )

    def unsubscribe(self):
        """Internal override of RQ 3.0's: it unsubscribes, then stops its pubsub thread, and redis-py 8.2's
        ``PubSubWorkerThread.stop()`` waits for that thread, which sleeps in ``get_message`` for RQ's 60 s
        ``sleep_time`` unless a message wakes it; when the unsubscribe's reply came before the stop, a
        worker took a minute to exit. Here the thread is told to stop first, the reply then wakes it,
        and the wait is bounded."""
        thread = self.pubsub_thread
        if not thread:
            return
        self.log.info("Worker %s: unsubscribing from channel %s", self.name, self.pubsub_channel_name)
        try:
            thread.stop(timeout=0)  # clears its running flag without waiting (redis-py >= 8.2)
        except TypeError:
            thread.stop()  # older redis-py: stop() only clears the flag
        self.pubsub.unsubscribe()
        thread.join(timeout=1)
        self.pubsub.close()

    def stop_was_requested(self) -> bool:
        """SIGTERM or Ctrl-C reached RQ's handler. Internal: RQ sets ``_stop_requested`` only when a job
        was running, ``_shutdown_requested_date`` when the request came."""
        return bool(getattr(self, "_stop_requested", False) or getattr(self, "_shutdown_requested_date", None))

    def sleep_alive(self, seconds: float, step: float = 1.0) -> None:
        """Sleep in short steps so a stop request (SIGTERM) is honoured at once and RQ still sees us alive."""
        import time

        self.set_state(WorkerStatus.IDLE)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.heartbeat()
            time.sleep(min(left, step))


def _is_redis_error(error: Exception) -> bool:
    import redis

    return isinstance(error, redis.RedisError)


class PeriodicJobs:
    """RQ's CronScheduler driven by hand from a worker's thread, instead of its own process and signal
    handlers (which a thread may not install). Internal: ``register_birth``/``register_death``,
    ``enqueue_jobs``, ``save``, ``heartbeat`` and ``calculate_sleep_interval`` are the steps of
    ``CronScheduler.start``'s loop."""

    def __init__(self, connection):
        self.cron = CronScheduler(connection=connection)
        self.registered = False

    def register(self, job, *, queue_name: str, interval: int, name: str, job_timeout: int) -> None:
        self.cron.register(
            job,
            queue_name=queue_name,
            interval=interval,
            name=name,
            job_timeout=job_timeout,
            result_ttl=600,
            failure_ttl=24 * 3600,
        )

    def tick(self, enqueue: bool) -> None:
        """One turn: say we are alive, and (unless told not to) enqueue the jobs that are due."""
        if not self.registered:
            self.cron.register_birth()
            self.registered = True
        if enqueue and self.cron.enqueue_jobs():
            self.cron.save()
        self.cron.heartbeat()

    def lost_redis(self) -> None:
        self.registered = False

    def next_wait(self) -> float:
        try:
            return min(max(self.cron.calculate_sleep_interval(), 0.5), 5)
        except Exception:  # noqa: BLE001 - never let the wait itself end the thread
            return 5

    def stop(self) -> None:
        try:
            self.cron.register_death()
        except Exception:  # noqa: BLE001 - Redis away at exit: RQ expires the record by itself
            pass
