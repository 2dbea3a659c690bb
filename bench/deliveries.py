"""Deliveries per second, two workers in outbox mode, vs RQ running empty jobs on the same Redis."""
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rq import Queue
from sqlalchemy import func, select

from scheduler.extensions import db
from scheduler.models import Post
from scheduler.services import plans, posts

from .common import bench_app

WORKERS = 2


def noop():
    """The baseline job: RQ's own cost per job, with nothing to do."""


def run_workers(args, env) -> float:
    start = time.perf_counter()
    processes = [subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(WORKERS)]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


def baseline(app, count, env) -> float:
    connection = app.extensions["refrain.queue"].connection
    queue = Queue("bench-empty", connection=connection)
    queue.enqueue_many([Queue.prepare_data(noop) for _ in range(count)])
    rq = shutil.which("rq", path=os.path.dirname(sys.executable))
    return run_workers([rq, "worker", "--burst", "-w", "rq.worker.SimpleWorker", "--url", env["REDIS_URL"],
                        "bench-empty"], env)


def ours(app, count, env) -> float:
    plan = plans.create_plan({"name": "Bench", "theme": "Atlas", "keywords": ["atlas"], "starts_on": "2031-01-01",
                              "ends_on": "2031-03-31", "timezone": "UTC"})
    due = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    for n in range(count):
        post = posts.create_post({"plan_id": plan.id, "channel": "twitter", "body": f"Atlas post {n}",
                                  "scheduled_at": due})
        posts.schedule_post(post)
    elapsed = run_workers([sys.executable, "-m", "scheduler", "worker", "--burst"], env)
    published = db.session.scalar(select(func.count()).select_from(Post).where(Post.status == "published"))
    files = len(list((Path(app.config["INSTANCE_PATH"]) / "outbox" / "twitter").glob("*.json")))
    assert published == files == count, (published, files, count)
    return elapsed


def main(count=None):
    count = count or 3000
    with bench_app() as app:
        service = app.extensions["refrain.queue"]
        env = dict(os.environ, REFRAIN_INSTANCE=app.config["INSTANCE_PATH"], REDIS_URL=service.embedded.ensure_running(),
                   DATABASE_URL=app.config["DATABASE_URL"], PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        empty = baseline(app, count, env)
        delivered = ours(app, count, env)
        print(f"deliveries, {WORKERS} worker processes, {count:,} due posts, outbox mode, SQLite, embedded Redis:")
        print(f"  RQ empty jobs:      {count / empty:8.0f} jobs/s ({empty:.2f} s, process start included)")
        print(f"  Refrain deliveries: {count / delivered:8.0f} posts/s ({delivered:.2f} s)"
              f"  = {empty / delivered:.2f}x of RQ's empty-job rate")
        print(f"  every post published exactly once: yes ({count:,} outbox files)")
