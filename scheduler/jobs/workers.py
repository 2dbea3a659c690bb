"""The RQ worker that ``refrain worker`` and ``python worker.py`` run.

It is RQ's SimpleWorker: deliveries are short network or file writes, and forking a process for
each one would cost more than the delivery and reopen a database connection every time. Beside the
worker loop, a thread runs RQ's CronScheduler for the periodic jobs of ``tasks.PERIODIC``; it lives
in the process, not in Redis, so the sweeper survives a Redis flush. Sweeps take a Redis lock,
so many workers on many hosts still sweep once per interval.

Three kinds of trouble must not stop a worker or burn through its queue:

- the database stops answering: a job that meets the outage puts itself back (``tasks``) and the
  worker stops taking jobs, checking the database with a cheap ``SELECT 1`` at growing intervals,
  until it answers again;
- Redis goes away mid-job (RQ's loop quits then): the worker waits for it and starts a fresh loop;
- a job it cannot run (left by an older version, damaged in Redis): one log line naming the job and
  what is wrong, the job goes to RQ's failed registry (or is set aside when RQ cannot even read
  it), and the worker takes the next one.
"""

import inspect
import logging
import sys
import threading
import time

import redis
from rq.cron import CronScheduler
from rq.exceptions import DeserializationError, StopRequested
from rq.worker import SimpleWorker, WorkerStatus
from sqlalchemy import text

from scheduler.infra import queue
from scheduler.jobs import tasks
from scheduler.jobs.tasks import PERIODIC
from scheduler.models.database import db, describe_error

log = logging.getLogger(__name__)

FIRST_DATABASE_WAIT = 1
LONGEST_DATABASE_WAIT = 30
FIRST_RESTART_PAUSE = 0.5
DATABASE_CHECK_INTERVAL = 60  # even without a failed job: a quiet worker learns of an outage before its next job
UNREADABLE_JOB_PREFIX = "refrain:unreadable-job:"


class RefrainWorker(SimpleWorker):
    _database_checked_at = 0.0

    def _shutdown(self):
        """RQ stops an idle worker by raising StopRequested from the signal handler, wherever the main
        thread is; an ``except Exception`` there (in RQ, redis-py or a log filter) swallows it and the
        worker would go on. The flag makes the loop stop at its next turn anyway."""
        self._stop_requested = True
        super()._shutdown()

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        """Only take a job once the database answers; a job Redis cannot even read is set aside, not fatal
        (RQ's own loop would quit on it). RQ dequeues without a timeout only in burst mode."""
        self.wait_for_database(burst=timeout is None)
        while True:
            try:
                return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
            except redis.RedisError:
                raise
            except Exception as error:
                if getattr(error, "job_id", None) is None:
                    raise
                self.set_aside_unreadable_job(error.job_id, error.queue, error)

    def execute_job(self, job, queue_, *args, **kwargs):
        """A job this version cannot run is failed before it starts, with one line saying why; RQ would print a
        traceback for it, or call a function with arguments it no longer takes."""
        problem = why_job_cannot_run(job)
        if problem is None:
            return super().execute_job(job, queue_, *args, **kwargs)
        self.log.error(
            "Worker %s: job %s (%s) cannot run: %s; moved to the failed jobs", self.name, job.id, job.origin, problem
        )
        self.fail_without_running(job, queue_, problem)

    def fail_without_running(self, job, queue_, problem: str) -> None:
        """RQ's own failure path (failed registry, its TTL, dependents), minus the run and the traceback."""
        execution = self.prepare_execution(job)
        self.connection.lrem(queue_.intermediate_queue_key, 1, job.id)
        self.handle_job_failure(
            job,
            queue_,
            started_job_registry=queue_.started_job_registry,
            exc_string=f"Refrain refused to run this job: {problem}",
            execution=execution,
        )
        self.set_state(WorkerStatus.IDLE)

    def set_aside_unreadable_job(self, job_id: str, queue_, error: Exception) -> None:
        """RQ cannot rebuild the job from its hash, so it cannot enter the failed registry either (every tool
        listing it would trip over it): its hash is renamed aside for a week, for a person to look at."""
        aside = UNREADABLE_JOB_PREFIX + job_id
        key = self.job_class.key_for(job_id)
        with self.connection.pipeline() as pipe:
            if queue_ is not None:
                pipe.lrem(queue_.intermediate_queue_key, 1, job_id)
            pipe.exists(key)
            moved = pipe.execute()[-1]
        if moved:
            self.connection.rename(key, aside)
            self.connection.expire(aside, queue.KEEP_FAILURES_FOR)
        self.log.error(
            "Worker %s: job %s (%s) cannot be read (%s); %s",
            self.name,
            job_id,
            getattr(queue_, "name", "?"),
            describe_error(error),
            f"set aside as {aside} for 7 days" if moved else "dropped",
        )

    def wait_for_database(self, burst: bool = False) -> None:
        """Back off (1 s doubling to 30 s) while the database is unreachable, keeping the worker's heartbeat;
        checked only after a job met an outage, or now and then. A burst worker stops instead: it was asked
        to do what is due now, not to wait for an outage to end; its jobs stay in Redis."""
        if not (
            tasks.database_outage.is_set() or time.monotonic() - self._database_checked_at > DATABASE_CHECK_INTERVAL
        ):
            return
        wait, waited = FIRST_DATABASE_WAIT, False
        while (problem := database_problem()) is not None:
            if burst:
                self.log.warning(
                    "Worker %s: database unavailable (%s); stopping, the jobs wait in Redis", self.name, problem
                )
                raise StopRequested()
            self.log.warning(
                "Worker %s: database unavailable (%s); waiting %d s before taking jobs", self.name, problem, wait
            )
            self.sleep_alive(wait)
            wait, waited = min(wait * 2, LONGEST_DATABASE_WAIT), True
        if waited:
            self.log.info("Worker %s: the database answers again; taking jobs", self.name)
        tasks.database_outage.clear()
        self._database_checked_at = time.monotonic()

    def sleep_alive(self, seconds: float) -> None:
        """Sleep in short steps so a stop request (SIGTERM) is honoured at once and RQ still sees us alive."""
        self.set_state(WorkerStatus.IDLE)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.heartbeat()
            time.sleep(min(left, 1))


def database_problem() -> str | None:
    """None when the database answers ``SELECT 1``, else a one-line description for the log."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as error:  # noqa: BLE001 - whatever stops a SELECT 1 stops every job too
        return describe_error(error)


def why_job_cannot_run(job) -> str | None:
    """What makes a job impossible to run in this version (its payload, its function, its arguments), or None."""
    try:
        func_name, args, kwargs = job.func_name, job.args, job.kwargs
    except DeserializationError as error:
        cause = describe_error(error.__cause__ or error)
        return f"its payload cannot be read ({cause}); it was written by another version or damaged"
    try:
        func = job.func
    except Exception:
        return f"its function {func_name} does not exist in this version"
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError as error:
        return f"its arguments {_shorten(args, kwargs)} do not fit {func_name}: {error}"
    except ValueError:  # no signature to check (a builtin): let it run
        pass
    return None


def _shorten(args, kwargs) -> str:
    shown = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    return f"({shown[:200]})"


class JobLabel(logging.Filter):
    """Every line logged while a job runs names that job, so "post 5 is gone" says which job found it."""

    def __init__(self, worker: RefrainWorker):
        super().__init__()
        self.worker = worker

    def filter(self, record):
        try:
            job_id = self.worker.get_current_job_id()
        except Exception:
            job_id = None
        record.job_label = f"job {job_id}: " if job_id else ""
        return True


def log_to_console(worker: RefrainWorker) -> logging.Handler:
    """Refrain's own lines (scheduler.*) next to RQ's, in its format, for as long as the worker runs."""
    logger = logging.getLogger("scheduler")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(job_label)s%(message)s", "%H:%M:%S"))
    handler.addFilter(JobLabel(worker))
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


def make_worker(app, name: str | None = None) -> RefrainWorker:
    service = app.extensions["refrain.queue"]
    return RefrainWorker(service.queues(), connection=service.connection, name=name)


def run_worker(app, burst: bool = False, name: str | None = None) -> bool:
    """Work until stopped (or, with ``burst``, until nothing is due); returns whether any job ran.

    RQ's loop quits when Redis goes away in the middle of a job (a restart, a failover): the worker
    then waits for Redis and starts a fresh loop, since nothing is lost (the posts are in the database
    and the sweeper rebuilds their jobs). Only a stop request or a burst's end ends this function."""
    with app.app_context():
        stop = threading.Event()
        if not burst:
            thread = threading.Thread(target=run_periodic_jobs, args=(app, stop), name="refrain-cron", daemon=True)
            thread.start()
        worked, restarts, pause = False, 0, FIRST_RESTART_PAUSE
        try:
            while True:
                worker = make_worker(app, name=name if not restarts else _fresh_name(name, restarts))
                console, started = log_to_console(worker), time.monotonic()
                try:
                    worked |= worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
                except (redis.ConnectionError, redis.TimeoutError) as error:
                    log.warning("worker %s: Redis unavailable (%s)", worker.name, describe_error(error))
                except StopRequested:
                    return worked
                finally:
                    logging.getLogger("scheduler").removeHandler(console)
                if burst or stop_was_requested(worker):
                    return worked
                # a loop that keeps quitting at once (a bug, not an outage) must not spin
                pause = FIRST_RESTART_PAUSE if time.monotonic() - started > 60 else min(pause * 2, 30)
                if not wait_for_redis(worker, pause):
                    return worked
                restarts += 1
        finally:
            stop.set()


def _fresh_name(name: str | None, restarts: int) -> str | None:
    """RQ refuses a name still registered by the loop that just died; None lets RQ choose one."""
    return f"{name}-{restarts}" if name else None


def stop_was_requested(worker: RefrainWorker) -> bool:
    """SIGTERM or Ctrl-C reached RQ's handler (RQ sets ``_stop_requested`` only when a job was running)."""
    return bool(worker._stop_requested or worker._shutdown_requested_date)


def wait_for_redis(worker: RefrainWorker, pause: float) -> bool:
    """Pause, then ping Redis (doubling the pause up to 5 s) until it answers; False if a stop was
    requested meanwhile."""
    while not stop_was_requested(worker):
        try:
            time.sleep(pause)
        except StopRequested:
            return False
        try:
            worker.connection.ping()
            log.info("worker %s: Redis answers; starting the worker loop again", worker.name)
            return True
        except redis.RedisError as error:
            pause = min(pause * 2, 5)
            log.warning(
                "worker %s: Redis unavailable (%s); trying again in %.1f s", worker.name, describe_error(error), pause
            )
    return False


def run_periodic_jobs(app, stop: threading.Event) -> None:
    """Enqueue the periodic jobs when due, but not while this worker waits for the database (a sweep every
    interval would pile up in the queue and all run at once afterwards). Nothing may end this thread but
    ``stop``: a Redis outage is retried, any other error is logged once and retried, or the sweeper would
    silently stop for good."""
    with app.app_context():
        service = queue.service()
        cron = CronScheduler(connection=service.connection)
        for func, name, interval_setting in PERIODIC:
            cron.register(
                func,
                queue_name=service.maintenance.name,
                interval=app.config[interval_setting],
                name=name,
                job_timeout=max(app.config[interval_setting] * 4, 60),
                result_ttl=600,
                failure_ttl=24 * 3600,
            )
        registered, last_error = False, None
        while not stop.is_set():
            try:
                if not registered:
                    cron.register_birth()
                    registered = True
                if not tasks.database_outage.is_set() and cron.enqueue_jobs():  # else they pile up unrun
                    cron.save()
                cron.heartbeat()
                last_error = None
            except redis.RedisError as error:
                log.warning("periodic jobs: Redis unavailable (%s); trying again", error)
                registered = False
            except Exception as error:  # noqa: BLE001 - see the docstring
                if describe_error(error) != last_error:
                    log.exception("periodic jobs: %s; trying again", describe_error(error))
                last_error = describe_error(error)
            stop.wait(_next_wait(cron))
        try:
            cron.register_death()
        except redis.RedisError:
            pass


def _next_wait(cron) -> float:
    try:
        return min(max(cron.calculate_sleep_interval(), 0.5), 5)
    except Exception:  # noqa: BLE001 - never let the wait itself end the thread
        return 5
