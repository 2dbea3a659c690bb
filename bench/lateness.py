"""How late scheduled posts go out: real ``refrain worker`` processes delivering posts due every minute,
against RQ's own lateness for empty scheduled jobs at the same moments, same Redis, same worker count.

Lateness is what a user sees: the post was due at 09:00:00 and is on the channel at 09:00:01.3. It is
measured from the database (``published_at - scheduled_at``); ``published_at`` is stamped in
``publishing._record`` right after the adapter returned, so it includes the outbox write and is never
earlier than the file itself (the file's mtime is shown too, as a cross-check).

The posts are spread like a team's calendar: the editor picks minutes, so most posts (TOP_OF_MINUTE
of them) are due at second 0 of their minute; the rest come from the API or imports and are due at a
random whole second (RQ's scheduled registry keeps whole seconds, so a fraction would only move the
score down to the second before).

The two phases run one after the other (Refrain first, then the baseline), never together, so
neither slows the other down. Each phase's lateness is also split into the part RQ's scheduler adds
(due → moved onto the queue), the wait on the queue, and the job itself, from RQ's job timestamps.
"""

import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from rq import Queue
from rq.job import Job
from rq.registry import FinishedJobRegistry
from sqlalchemy import func, select

from bench.common import bench_app
from scheduler.infra.queue import delivery_job_id
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import plans, posts

TOP_OF_MINUTE = 0.8
TARGET_P99 = 2.0
BASELINE_QUEUE = "bench-lateness-empty"
SCHEDULING_SECONDS_PER_POST = 0.1  # generous on a busy machine; checked after scheduling
SETTLE_SECONDS = 60  # how long after the last due moment a phase may take to finish


# The baseline job: nothing but the moment it ran, as its result. The builtin itself, not a function
# of this module: a worker imports a job's module on its first job, and importing this one pulls in
# the whole app (seconds), which would make the baseline's first burst late for the wrong reason.
record_run_time = time.time


# the schedule


def due_moments(first_minute: datetime, minutes: int, per_minute: int, rng: random.Random) -> list[datetime]:
    """``per_minute`` moments in each minute: most at second 0, the rest at a random second."""
    moments = []
    for minute in range(minutes):
        start = first_minute + timedelta(minutes=minute)
        at_top = round(per_minute * TOP_OF_MINUTE)
        moments += [start] * at_top
        moments += [start + timedelta(seconds=rng.randint(1, 59)) for _ in range(per_minute - at_top)]
    return sorted(moments)


def next_minute(after: datetime) -> datetime:
    return after.replace(second=0, microsecond=0) + timedelta(minutes=1)


# worker processes


def worker_env(app) -> dict:
    service = app.extensions["refrain.queue"]
    return dict(
        os.environ,
        REFRAIN_INSTANCE=app.config["INSTANCE_PATH"],
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=service.embedded.ensure_running(),
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
    )


def start_workers(args: list[str], env: dict, count: int) -> list[subprocess.Popen]:
    """Each in its own process group: RQ forks its scheduler into a child, which must stop too."""
    return [
        subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(count)
    ]


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def wait_until_done(count_done, total: int, last_due: datetime, label: str) -> int:
    """Poll until every job is done or the settle time has passed; a line of progress every 30 s."""
    deadline = last_due + timedelta(seconds=SETTLE_SECONDS)
    next_report = time.monotonic()
    while True:
        done = count_done()
        if done >= total or datetime.now(timezone.utc) > deadline:
            return done
        if time.monotonic() >= next_report:
            left = (last_due - datetime.now(timezone.utc)).total_seconds()
            print(f"  {label}: {done:,} of {total:,} done; last one due in {max(left, 0):.0f} s", flush=True)
            next_report += 30
        time.sleep(1)


# RQ's job timestamps: where the lateness comes from


def job_breakdown(connection, job_ids: list[str], due: dict[str, float]) -> dict[str, list[float]]:
    """Per job: due → enqueued by the scheduler, enqueued → started by a worker, started → ended."""
    parts = {"scheduler pickup": [], "queue wait": [], "job run": []}
    for job in Job.fetch_many(job_ids, connection=connection):
        if job is None or not (job.enqueued_at and job.started_at and job.ended_at):
            continue
        enqueued, started, ended = (
            moment.replace(tzinfo=timezone.utc).timestamp() if moment.tzinfo is None else moment.timestamp()
            for moment in (job.enqueued_at, job.started_at, job.ended_at)
        )
        parts["scheduler pickup"].append(enqueued - due[job.id])
        parts["queue wait"].append(started - enqueued)
        parts["job run"].append(ended - started)
    return parts


# Refrain: posts scheduled through the real service, delivered by `refrain worker`


def schedule_posts(moments: list[datetime]) -> dict[int, datetime]:
    plan = plans.create_plan(
        {
            "name": "Lateness",
            "theme": "Atlas",
            "keywords": ["atlas"],
            "starts_on": (date.today() - timedelta(days=1)).isoformat(),
            "ends_on": (date.today() + timedelta(days=2)).isoformat(),
            "timezone": "UTC",
        }
    )
    scheduled = {}
    for n, moment in enumerate(moments):
        post = posts.create_post(
            {"plan_id": plan.id, "channel": "twitter", "body": f"Atlas post {n}", "scheduled_at": moment.isoformat()}
        )
        posts.schedule_post(post)
        scheduled[post.id] = moment
        if n % 250 == 249:
            print(f"  scheduled {n + 1:,} of {len(moments):,} posts", flush=True)
    return scheduled


def published_count() -> int:
    count = db.session.scalar(select(func.count()).select_from(Post).where(Post.status == "published"))
    db.session.rollback()  # end the read transaction at once: the workers are writing
    return count


def refrain_phase(app, moments: list[datetime], workers: int) -> dict:
    print(f"Refrain: scheduling {len(moments):,} posts through posts.schedule_post", flush=True)
    scheduled = schedule_posts(moments)
    margin = (moments[0] - datetime.now(timezone.utc)).total_seconds()
    if margin < 5:
        sys.exit(f"scheduling took too long: the first post was due {-margin:.0f} s before the workers started")
    processes = start_workers([sys.executable, "-m", "scheduler", "worker"], worker_env(app), workers)
    try:
        done = wait_until_done(published_count, len(moments), moments[-1], "Refrain")
    finally:
        stop_workers(processes)
    connection = app.extensions["refrain.queue"].connection
    job_due = {delivery_job_id(post_id): moment.timestamp() for post_id, moment in scheduled.items()}
    late = post_lateness()
    return {
        "lateness": [seconds for seconds, _ in late],
        "latest": late[-3:],
        "file lateness": outbox_lateness(app, scheduled),
        "done": done,
        "breakdown": job_breakdown(connection, list(job_due), job_due),
        "exactly once": published_once(app),
    }


def post_lateness() -> list[tuple[float, datetime]]:
    """(seconds late, when due) per published post, least late first."""
    rows = db.session.execute(select(Post.published_at, Post.scheduled_at).where(Post.status == "published")).all()
    return sorted(((published - scheduled).total_seconds(), scheduled) for published, scheduled in rows)


def outbox_lateness(app, scheduled: dict[int, datetime]) -> list[float]:
    folder = Path(app.config["INSTANCE_PATH"]) / "outbox" / "twitter"
    return [file.stat().st_mtime - scheduled[int(file.stem)].timestamp() for file in folder.glob("*.json")]


def published_once(app) -> tuple[bool, str]:
    """One 'published' event per post, one outbox file per post, and no post in any other state."""
    events = dict(
        db.session.execute(
            select(PostEvent.post_id, func.count())
            .where(PostEvent.to_status == "published")
            .group_by(PostEvent.post_id)
        ).all()
    )
    statuses = dict(db.session.execute(select(Post.status, func.count()).group_by(Post.status)).all())
    files = len(list((Path(app.config["INSTANCE_PATH"]) / "outbox" / "twitter").glob("*.json")))
    total = sum(statuses.values())
    ok = statuses == {"published": total} and len(events) == total and set(events.values()) == {1} and files == total
    return ok, f"statuses {statuses}, {len(events):,} posts with a published event, {files:,} outbox files"


# the baseline: RQ's scheduler and workers running an empty function at the same moments


def baseline_phase(app, moments: list[datetime], workers: int) -> dict:
    connection = app.extensions["refrain.queue"].connection
    queue = Queue(BASELINE_QUEUE, connection=connection)
    due = {}
    for moment in moments:
        job = queue.enqueue_at(moment, record_run_time, result_ttl=3600)
        due[job.id] = moment.timestamp()
    print(f"RQ baseline: {len(moments):,} empty jobs scheduled with enqueue_at", flush=True)
    env = worker_env(app)
    rq = shutil.which("rq", path=os.path.dirname(sys.executable))
    processes = start_workers(
        [rq, "worker", "-w", "rq.worker.SimpleWorker", "--with-scheduler", "--url", env["REDIS_URL"], BASELINE_QUEUE],
        env,
        workers,
    )
    try:
        done = wait_until_done(lambda: FinishedJobRegistry(queue=queue).count, len(moments), moments[-1], "RQ")
    finally:
        stop_workers(processes)
    ran = [
        job.return_value() - due[job.id]
        for job in Job.fetch_many(list(due), connection=connection)
        if job is not None and job.return_value() is not None
    ]
    return {"lateness": ran, "done": done, "breakdown": job_breakdown(connection, list(due), due)}


# the report


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def spread(values: list[float]) -> str:
    if not values:
        return "no values"
    return (
        f"p50 {percentile(values, 0.5):6.3f} s  p95 {percentile(values, 0.95):6.3f} s  "
        f"p99 {percentile(values, 0.99):6.3f} s  max {max(values):6.3f} s"
    )


def print_breakdown(breakdown: dict[str, list[float]]) -> None:
    for part, values in breakdown.items():
        print(f"      {part:17} {spread(values)}")


def report(ours: dict, baseline: dict, total: int, workers: int) -> None:
    print(
        f"\nlateness of scheduled deliveries, {total:,} posts ({TOP_OF_MINUTE:.0%} at second 0 of their minute), "
        f"{workers} workers, outbox mode, SQLite, embedded Redis:"
    )
    print(f"  RQ empty jobs, enqueue_at:       {spread(baseline['lateness'])}  ({baseline['done']:,} ran)")
    print_breakdown(baseline["breakdown"])
    print(f"  Refrain, published_at:           {spread(ours['lateness'])}  ({ours['done']:,} published)")
    print_breakdown(ours["breakdown"])
    print(f"  Refrain, outbox file written:    {spread(ours['file lateness'])}")
    latest = ", ".join(f"{seconds:.2f} s (due {due:%H:%M:%S})" for seconds, due in reversed(ours["latest"]))
    print(f"  Refrain's latest posts:          {latest}")
    ratios = "  ".join(
        f"p{round(share * 100)} {_ratio(ours['lateness'], baseline['lateness'], share)}" for share in (0.5, 0.95, 0.99)
    )
    print(f"  Refrain / RQ baseline:           {ratios}")
    p99 = percentile(ours["lateness"], 0.99) if ours["lateness"] else float("inf")
    print(f"  target p99 <= {TARGET_P99:.0f} s: {'met' if p99 <= TARGET_P99 else 'MISSED'} ({p99:.3f} s)")
    ok, detail = ours["exactly once"]
    print(f"  every post published exactly once: {'yes' if ok else 'NO'} ({detail})")


def _ratio(ours: list[float], baseline: list[float], share: float) -> str:
    if not ours or not baseline:
        return "n/a"
    base = percentile(baseline, share)
    return f"{percentile(ours, share) / base:.2f}x" if base > 0 else "n/a"


def main(minutes: int = 10, per_minute: int = 100, workers: int = 2) -> None:
    rng = random.Random(7)
    total = minutes * per_minute
    lead = timedelta(seconds=60 + SCHEDULING_SECONDS_PER_POST * total)
    with bench_app() as app:
        first_minute = next_minute(datetime.now(timezone.utc) + lead)
        ours_moments = due_moments(first_minute, minutes, per_minute, rng)
        print(
            f"lateness: {minutes} min x {per_minute} posts, {workers} workers; Refrain's first posts are due at "
            f"{first_minute:%H:%M:%S} UTC; the whole run takes about {2 * minutes + 4 + lead.seconds // 60} min",
            flush=True,
        )
        ours = refrain_phase(app, ours_moments, workers)
        baseline_minute = next_minute(datetime.now(timezone.utc) + timedelta(seconds=20))
        same_moments = [baseline_minute + (moment - first_minute) for moment in ours_moments]
        baseline = baseline_phase(app, same_moments, workers)
        report(ours, baseline, total, workers)


def add_options(parser) -> None:
    group = parser.add_argument_group("lateness")
    group.add_argument("--minutes", type=int, default=10, help="minutes with posts due (default 10)")
    group.add_argument("--per-minute", type=int, default=100, help="posts due each minute (default 100)")
    group.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
