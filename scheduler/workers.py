"""The RQ worker that ``refrain worker`` and ``python worker.py`` run.

It is RQ's SimpleWorker: deliveries are short network or file writes, and forking a process for
each one would cost more than the delivery and reopen a database connection every time. Beside the
worker loop, a thread runs RQ's CronScheduler for the periodic jobs of ``tasks.PERIODIC``; it lives
in the process, not in Redis, so the sweeper survives a Redis flush. Sweeps take a Redis lock,
so many workers on many hosts still sweep once per interval.
"""
import logging
import threading

import redis
from rq.cron import CronScheduler
from rq.worker import SimpleWorker

from . import queue
from .tasks import PERIODIC

log = logging.getLogger(__name__)


class RefrainWorker(SimpleWorker):
    pass


def make_worker(app, name: str | None = None) -> RefrainWorker:
    service = app.extensions["refrain.queue"]
    return RefrainWorker(service.queues(), connection=service.connection, name=name)


def run_worker(app, burst: bool = False, name: str | None = None) -> bool:
    """Work until stopped (or, with ``burst``, until nothing is due); returns whether any job ran."""
    with app.app_context():
        worker = make_worker(app, name=name)
        stop = threading.Event()
        if not burst:
            thread = threading.Thread(target=run_periodic_jobs, args=(app, stop), name="refrain-cron", daemon=True)
            thread.start()
        try:
            return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
        finally:
            stop.set()


def run_periodic_jobs(app, stop: threading.Event) -> None:
    with app.app_context():
        service = queue.service()
        cron = CronScheduler(connection=service.connection)
        for func, name, interval_setting in PERIODIC:
            cron.register(func, queue_name=service.maintenance.name, interval=app.config[interval_setting],
                          name=name, job_timeout=max(app.config[interval_setting] * 4, 60), result_ttl=600,
                          failure_ttl=24 * 3600)
        registered = False
        while not stop.is_set():
            try:
                if not registered:
                    cron.register_birth()
                    registered = True
                if cron.enqueue_jobs():
                    cron.save()
                cron.heartbeat()
            except redis.RedisError as error:
                log.warning("periodic jobs: Redis unavailable (%s); trying again", error)
                registered = False
            stop.wait(min(max(cron.calculate_sleep_interval(), 0.5), 5))
        try:
            cron.register_death()
        except redis.RedisError:
            pass
