"""The RQ worker that ``refrain worker`` and ``python worker.py`` run.

It is RQ's SimpleWorker: deliveries are short network or file writes, and forking a process for
each one would cost more than the delivery and reopen a database connection every time. Beside the
worker loop, a thread runs the periodic jobs of ``tasks.PERIODIC``; it lives in the process, not in
Redis, so the sweeper survives a Redis flush. Sweeps take a Redis lock, so many workers on many
hosts still sweep once per interval.

Three kinds of trouble must not stop a worker or burn through its queue:

- the database stops answering: a job that meets the outage puts itself back (``tasks``) and the
  worker stops taking jobs, checking the database with a cheap ``SELECT 1`` at growing intervals,
  until it answers again;
- Redis goes away mid-job (RQ's loop quits then): the worker waits for it and starts a fresh loop;
- a job it cannot run (left by an older version, damaged in Redis): one log line naming the job and
  what is wrong, the job goes to RQ's failed registry (or is set aside when RQ cannot even read
  it), and the worker takes the next one.

What this needs inside RQ is in ``infra.rq_compat``.
"""

import inspect
import logging
import sys
import threading
import time

import redis
from rq.exceptions import DeserializationError
from sqlalchemy import text

from scheduler.infra.rq_compat import UNREADABLE_JOB_PREFIX, GuardedWorker, PeriodicJobs, StopRequested
from scheduler.jobs import tasks
from scheduler.jobs.tasks import PERIODIC
from scheduler.models.database import db, describe_error

__all__ = ["UNREADABLE_JOB_PREFIX", "RefrainWorker", "run_worker"]

log = logging.getLogger(__name__)

FIRST_DATABASE_WAIT = 1
LONGEST_DATABASE_WAIT = 30
FIRST_RESTART_PAUSE = 0.5
DATABASE_CHECK_INTERVAL = 60  # even without a failed job: a quiet worker learns of an outage before its next job


class RefrainWorker(GuardedWorker):
    _database_checked_at = 0.0

    def before_taking_jobs(self, burst: bool) -> None:
        self.wait_for_database(burst=burst)

    def why_job_cannot_run(self, job) -> str | None:
        return why_job_cannot_run(job)

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
                if burst or worker.stop_was_requested():
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


def wait_for_redis(worker: RefrainWorker, pause: float) -> bool:
    """Pause, then ping Redis (doubling the pause up to 5 s) until it answers; False if a stop was
    requested meanwhile."""
    while not worker.stop_was_requested():
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
        service = app.extensions["refrain.queue"]
        settings = app.extensions["refrain.settings"]
        periodic = PeriodicJobs(service.connection)
        for job, name, interval_of in PERIODIC:
            interval = interval_of(settings)
            periodic.register(
                job,
                queue_name=service.maintenance.name,
                interval=interval,
                name=name,
                job_timeout=max(interval * 4, 60),
            )
        last_error = None
        while not stop.is_set():
            try:
                periodic.tick(enqueue=not tasks.database_outage.is_set())  # else they pile up unrun
                last_error = None
            except redis.RedisError as error:
                log.warning("periodic jobs: Redis unavailable (%s); trying again", error)
                periodic.lost_redis()
            except Exception as error:  # noqa: BLE001 - see the docstring
                if describe_error(error) != last_error:
                    log.exception("periodic jobs: %s; trying again", describe_error(error))
                last_error = describe_error(error)
            stop.wait(periodic.next_wait())
        periodic.stop()
