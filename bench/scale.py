"""Several hosts against one: the throughput of two web processes and three workers, each a process of
its own with its own instance folder (``tests/support/hosts.py``, the layout ``tests/scale`` proves),
against one web process and one worker, on the same PostgreSQL and Redis, in the same run.

Two figures per layout, measured apart so that each says what its processes can do, each with the CPU
its processes spent per post (read from /proc: steadier than the rates on a machine others share, and
what says whether more processes cost more per post):

* **the API**: posts created and scheduled per second (two requests each, due now) by four scripts at
  once, spread over the web processes, before any worker runs;
* **deliveries**: posts delivered per second in outbox mode by the workers on that full queue, from
  the first claim to the last delivery recorded (the database's own times), every post checked to be
  published and written once. The workers start with the web processes but suspended (RQ's own
  ``rq suspend``) until the API is done, so neither their start-up nor the API's work is in their figure.

The baseline is the one-host layout; the ratios are what adding processes buys on this machine (on
two cores, PostgreSQL, Redis and this script share them with the processes measured).

    scripts/with-services.sh .venv/bin/python -m bench scale [--posts 600]
"""

import os
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rq.suspension import resume, suspend
from rq.worker import Worker
from sqlalchemy import func, select

from bench.common import bench_app
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import people, plans, tokens
from tests.support.hosts import Api, Site

POSTS = 600
CLIENTS = 4  # scripts calling the API at once, shared out over the web processes
LAYOUTS = (("one host: 1 web process, 1 worker", 1, 1), ("several: 2 web processes, 3 workers", 2, 3))
DELIVERY_TIMEOUT = 300


def main(count=None, database=None) -> None:
    count = count or POSTS
    database = database or os.environ.get("REFRAIN_TEST_DATABASE_URL")
    redis_url = os.environ.get("REFRAIN_BENCH_REDIS_URL") or os.environ.get("REFRAIN_TEST_REDIS_URL")
    if not (database or "").startswith("postgresql") or not redis_url:
        sys.exit(
            "bench scale needs PostgreSQL and a Redis every process shares: run it under scripts/with-services.sh "
            "(or give --database and REFRAIN_BENCH_REDIS_URL)"
        )
    with (
        bench_app(database, REDIS_URL=redis_url) as app,
        tempfile.TemporaryDirectory(prefix="refrain-scale-") as folder,
    ):
        app.extensions["refrain.queue"].connection.flushall()
        user, _new = people.create_or_update("bench@example.com", "owner", "Bench")
        token = tokens.create(user, "bench scale")[1]
        print(f"scale, {count:,} posts per layout, PostgreSQL and redis-server, {os.cpu_count()} cores:", flush=True)
        results = [
            run_layout(app, Path(folder) / f"layout-{n}", token, count, *layout) for n, layout in enumerate(LAYOUTS)
        ]
    (_, api_base, _, delivery_base, _), *others = results
    for name, api_rate, api_cpu, delivery_rate, delivery_cpu in results:
        print(
            f"  {name:38s} API {api_rate:6.1f} posts/s (= {api_rate / api_base:.2f}x, {api_cpu:.1f} ms CPU a post);"
            f"  deliveries {delivery_rate:6.1f} posts/s (= {delivery_rate / delivery_base:.2f}x,"
            f" {delivery_cpu:.1f} ms CPU a post)"
        )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("  every post published and written to an outbox exactly once: yes")


def run_layout(app, folder: Path, token: str, count: int, name: str, web_processes: int, workers: int):
    site = Site(app, folder, web_processes, workers, REFRAIN_DELIVERY="outbox")
    connection = app.extensions["refrain.queue"].connection
    suspend(connection)
    site.start()
    try:
        wait_until_suspended(connection, workers)
        plan_id = make_plan(name)
        web_cpu = -cpu(site.web)
        api_seconds = drive(site, token, plan_id, count)
        web_cpu += cpu(site.web)
        assert published(plan_id) == 0, "a suspended worker delivered"
        workers_cpu = -cpu(site.workers)  # from here: their start-up and their sleep through the API's part left out
        resume(connection)
        delivery_seconds, wall = wait_for_deliveries(plan_id, count)
        workers_cpu += cpu(site.workers)
    finally:
        resume(connection)
        site.stop()
    written = sum(len(list((site.outbox(worker) / "twitter").glob("*.json"))) for worker in site.workers)
    assert written == count, f"{name}: {written} outbox files for {count} posts"
    print(
        f"  {name}: API {api_seconds:.1f} s; deliveries {delivery_seconds:.1f} s from the first claim "
        f"({wall:.1f} s from resuming the workers)",
        flush=True,
    )
    return name, count / api_seconds, web_cpu / count * 1000, count / delivery_seconds, workers_cpu / count * 1000


def wait_until_suspended(connection, workers: int, timeout: float = 120) -> None:
    """Until every worker has started and stands suspended (its imports and app done)."""
    deadline = time.monotonic() + timeout
    while sum(worker.get_state() == "suspended" for worker in Worker.all(connection=connection)) < workers:
        if time.monotonic() > deadline:
            sys.exit(f"the workers did not start within {timeout:.0f} s")
        time.sleep(0.2)


def cpu(processes) -> float:
    """CPU seconds of these web processes or workers so far."""
    return sum(tree_cpu(process.process.pid) for process in processes)


def published(plan_id: int) -> int:
    done = db.session.scalar(
        select(func.count()).select_from(Post).where(Post.plan_id == plan_id, Post.status == "published")
    )
    db.session.rollback()
    return done


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants still running (gunicorn's master and
    its worker), start-up included."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime, the 14th and 15th fields
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += tree_cpu(int(child))
    except FileNotFoundError:  # gone meanwhile: its time is not ours to read any more
        pass
    return total


def make_plan(name: str) -> int:
    today = datetime.now(timezone.utc).date()
    plan = plans.create_plan(
        {
            "name": name,
            "theme": "Atlas",
            "keywords": ["atlas"],
            "starts_on": (today - timedelta(days=1)).isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
            "timezone": "UTC",
        }
    )
    plans.set_commitment(plan, "twitter", {"posts": 10, "per": "day", "on_theme_min": 1, "one_note_max_share": 1})
    return plan.id


def drive(site: Site, token: str, plan_id: int, count: int) -> float:
    """Seconds for CLIENTS scripts to create and schedule ``count`` posts, due now, over the API; each
    script creates on one web process and schedules on the next (the same one when there is one)."""
    failures: list[str] = []

    def script(number: int, share: int) -> None:
        web = site.web
        creator, scheduler = Api(web[number % len(web)].url, token), Api(web[(number + 1) % len(web)].url, token)
        try:
            for n in range(share):
                when = datetime.now(timezone.utc).isoformat()
                data = {
                    "plan_id": plan_id,
                    "channel": "twitter",
                    "body": f"Atlas note {number}-{n}",
                    "scheduled_at": when,
                }
                status, post = creator.call("POST", "/api/v1/posts", data)
                assert status == 201, post
                status, said = scheduler.call("POST", f"/api/v1/posts/{post['id']}/schedule")
                assert status == 200, said
        except Exception as error:  # noqa: BLE001 - reported by the bench, not lost in a thread
            failures.append(f"script {number}: {error}")
        finally:
            creator.close()
            scheduler.close()

    shares = [count // CLIENTS + (1 if n < count % CLIENTS else 0) for n in range(CLIENTS)]
    threads = [threading.Thread(target=script, args=(n, share)) for n, share in enumerate(shares)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"the API refused: {failures[0]}\n{site.report()}")
    return time.perf_counter() - started


def wait_for_deliveries(plan_id: int, count: int) -> tuple[float, float]:
    """From the first claim to the last delivery recorded (database times), and from now to the end."""
    started, deadline = time.perf_counter(), time.monotonic() + DELIVERY_TIMEOUT
    while (done := published(plan_id)) < count:
        if time.monotonic() > deadline:
            sys.exit(f"only {done} of {count} posts delivered in {DELIVERY_TIMEOUT} s")
        time.sleep(0.1)
    wall = time.perf_counter() - started
    first_claim = db.session.scalar(
        select(func.min(PostEvent.at))
        .join(Post, Post.id == PostEvent.post_id)
        .where(Post.plan_id == plan_id, PostEvent.to_status == "publishing")
    )
    last = db.session.scalar(select(func.max(Post.published_at)).where(Post.plan_id == plan_id))
    db.session.rollback()
    return (last - first_claim).total_seconds(), wall
