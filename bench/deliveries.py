"""Deliveries per second, two workers in outbox mode, vs RQ running empty jobs on the same Redis.

Two rates each: wall time from starting the worker processes (start-up included, as before), and the
steady rate between the first job's start and the last job's end, from RQ's own job timestamps, which
leaves out what a worker pays once (imports, creating the app) and is the rate a running installation
delivers at. And the workers' CPU time per job (user + system, start-up included): on a shared machine the
rates move with everyone else's load, the CPU a job costs much less.
"""

import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from bench.common import bench_app
from scheduler.infra.queue import delivery_job_id
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import plans, posts

WORKERS = 2


# The baseline job: RQ's own cost per job, with nothing to do. A builtin, not a function of this module:
# a worker imports a job's module on its first job, and this one imports the whole app, which made the
# baseline pay Refrain's start-up inside its timing (and flattered the ratio).
noop = time.time


def run_workers(args, env) -> tuple[float, float]:
    """Wall time and the workers' CPU seconds (user + system) for one burst of WORKERS processes."""
    cpu_before, start = _children_cpu(), time.perf_counter()
    processes = [
        subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(WORKERS)
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - start, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def steady_seconds(connection, job_ids: Iterable[str]) -> float:
    """From the first job's start to the last job's end, as RQ recorded them. A post taken along by
    another post's job (services.publishing) has no job of its own left: it was delivered inside a job
    that is counted, so the span still covers every delivery."""
    jobs = [job for job in Job.fetch_many(list(job_ids), connection=connection) if job is not None]
    return max(job.ended_at for job in jobs).timestamp() - min(job.started_at for job in jobs).timestamp()


def baseline(app, count, env) -> tuple[float, float, float]:
    connection = app.extensions["refrain.queue"].connection
    queue = Queue("bench-empty", connection=connection)
    jobs = queue.enqueue_many([Queue.prepare_data(noop, result_ttl=3600) for _ in range(count)])
    rq = shutil.which("rq", path=os.path.dirname(sys.executable))
    # RQ's SimpleWorker with Refrain's one shutdown fix (infra.rq_compat.GuardedWorker, whose other hooks do
    # nothing by default): RQ 3.0 with redis-py 8.2 sometimes waits 60 s to exit, which would make the
    # baseline, not Refrain, look slow
    worker_class = "scheduler.infra.rq_compat.GuardedWorker"
    elapsed, cpu = run_workers(
        [rq, "worker", "--burst", "-w", worker_class, "--url", env["REDIS_URL"], "bench-empty"], env
    )
    return elapsed, steady_seconds(connection, (job.id for job in jobs)), cpu


def ours(app, count, env) -> tuple[float, float, float]:
    plan = plans.create_plan(
        {
            "name": "Bench",
            "theme": "Atlas",
            "keywords": ["atlas"],
            "starts_on": "2031-01-01",
            "ends_on": "2031-03-31",
            "timezone": "UTC",
        }
    )
    due = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    post_ids = []
    for n in range(count):
        post = posts.create_post(
            {"plan_id": plan.id, "channel": "twitter", "body": f"Atlas post {n}", "scheduled_at": due}
        )
        posts.schedule_post(post)
        post_ids.append(post.id)
    elapsed, cpu = run_workers([sys.executable, "-m", "scheduler", "worker", "--burst"], env)
    published = db.session.scalar(select(func.count()).select_from(Post).where(Post.status == "published"))
    files = len(list((Path(app.config["INSTANCE_PATH"]) / "outbox" / "twitter").glob("*.json")))
    assert published == files == count, (published, files, count)
    connection = app.extensions["refrain.queue"].connection
    return elapsed, steady_seconds(connection, (delivery_job_id(post_id) for post_id in post_ids)), cpu


def main(count=None):
    count = count or 3000
    with bench_app() as app:
        service = app.extensions["refrain.queue"]
        env = dict(
            os.environ,
            REFRAIN_INSTANCE=app.config["INSTANCE_PATH"],
            REDIS_URL=service.embedded.ensure_running(),
            DATABASE_URL=app.config["DATABASE_URL"],
            PYTHONPATH=str(Path(__file__).resolve().parent.parent),
        )
        empty, empty_steady, empty_cpu = baseline(app, count, env)
        delivered, delivered_steady, delivered_cpu = ours(app, count, env)
        print(f"deliveries, {WORKERS} worker processes, {count:,} due posts, outbox mode, SQLite, embedded Redis:")
        print(
            f"  RQ empty jobs:      {count / empty:8.0f} jobs/s ({empty:.2f} s, process start included);"
            f"  steady: {count / empty_steady:6.0f} jobs/s"
        )
        print(
            f"  Refrain deliveries: {count / delivered:8.0f} posts/s ({delivered:.2f} s)"
            f"  = {empty / delivered:.2f}x of RQ's empty-job rate;  steady: {count / delivered_steady:6.0f} posts/s"
            f" = {empty_steady / delivered_steady:.2f}x"
        )
        print(
            f"  workers' CPU per job (start-up included): RQ empty {empty_cpu / count * 1000:.2f} ms, "
            f"Refrain {delivered_cpu / count * 1000:.2f} ms"
        )
        print(f"  every post published exactly once: yes ({count:,} outbox files)")
