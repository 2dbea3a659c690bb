"""The pages people wait for, under load: the calendar, the compliance report and the posts list served by
the production server (``refrain serve``: gunicorn with its web processes and 4 threads each, the RQ workers and the
sweeper beside it, embedded Redis, SQLite), to concurrent Locust users, against a static file served by
the same server to the same users in the same run.

The dataset is the demo quarter (``refrain demo``) plus a busier team's volume of posts on the same plan
(POSTS by default: about 65 a day, mostly tweets), past ones published and future ones handed to the
queue by a sweep, as a running installation holds them.

The posts list is asked for the way people page through it: the first page in each order and with
filters, the last page, and pages deep inside the plan (by the cursor of a post picked at random), so a
plan of 100,000 posts (``--posts 100000 --pages posts``) shows what page 1,000 costs.

Users think between pages (1 to THINK seconds, a person reading a calendar), so the figures are the
latency a person sees at that traffic, not the server's saturation point; ``--think 0`` finds that.
"""

import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from rq.registry import StartedJobRegistry
from sqlalchemy import insert, select

from bench.common import bench_app
from bench.report import sentence, vocabulary
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import demo, items, sweeper

POSTS = 6000
THINK = 3.0
PAGES = "week,month,report,posts"  # what the users open, in equal shares
WEB_PROCESSES = 2
RQ_WORKERS = 2
TARGET_P95_MS = 200
EXTRA_CHANNELS = {"twitter": 0.8, "blog": 0.08, "newsletter": 0.05, "youtube": 0.04, "ppc": 0.03}
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


# the dataset


def load_dataset(extra_posts: int):
    """The demo plan, a quarter's worth of extra posts on it; the future ones queued by a sweep and the
    past ones collected into the library, so the workers start from a running installation's state."""
    plan = demo.load()
    add_posts(plan, extra_posts, random.Random(11))
    started = time.perf_counter()
    swept = sweeper.sweep()
    collected = 0
    while batch := items.collect_published():
        collected += batch
    print(
        f"  before serving, as the workers would: sweep {swept}, {collected} published posts into the library, "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return plan


def add_posts(plan, count: int, rng: random.Random) -> None:
    """Between 08:00 and 21:00 on the quarter's days, on quarter hours, as the editor offers them."""
    first = datetime.combine(plan.starts_on, clock(8), ZoneInfo(plan.timezone)).astimezone(timezone.utc)
    days = (plan.ends_on - plan.starts_on).days + 1
    words = vocabulary(rng)
    rows = [
        post_row(plan, first + timedelta(days=rng.randrange(days), minutes=15 * rng.randrange(4 * 13)), rng, words)
        for _ in range(count)
    ]
    for chunk in range(0, count, 2000):
        db.session.execute(insert(Post), rows[chunk : chunk + 2000])
    db.session.commit()


def post_row(plan, when: datetime, rng: random.Random, words: list[str]) -> dict:
    channel = rng.choices(list(EXTRA_CHANNELS), list(EXTRA_CHANNELS.values()))[0]
    published = when < datetime.now(timezone.utc)
    return {
        "plan_id": plan.id,
        "channel": channel,
        "title": "" if channel == "twitter" else sentence(rng, words)[:80],
        "body": sentence(rng, words),
        "link": "",
        "extra": {},
        "scheduled_at": when,
        "status": "published" if published else "scheduled",
        "published_at": when + timedelta(seconds=2) if published else None,
        "on_theme": rng.random() < 0.4,
        "theme_source": "keywords",
        "theme_matched": [],
        "problems": [],
        "attempts": 0,
        "failure_reason": "",
        "remote_id": "",
        "remote_url": "",
    }


# the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(app, port: int, web_processes: int, rq_workers: int, log) -> subprocess.Popen:
    """``refrain serve`` exactly as a user starts it, on the bench's instance folder and Redis; its
    output (gunicorn's access and error logs, the workers') goes to ``log``."""
    service = app.extensions["refrain.queue"]
    env = dict(
        os.environ,
        REFRAIN_INSTANCE=app.config["INSTANCE_PATH"],
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=service.embedded.ensure_running(),
    )
    args = [
        sys.executable,
        "-m",
        "scheduler",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(rq_workers),
        "--web-processes",
        str(web_processes),
    ]
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/static/refrain.css", server)
    return server


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the server did not answer {url} within {timeout:.0f} s")


def server_troubles(log_path: Path) -> list[str]:
    """What the server itself said went wrong (worker timeouts, tracebacks), to explain errors."""
    signs = ("[ERROR]", "[CRITICAL]", "Traceback", "WORKER TIMEOUT")
    lines = log_path.read_text(errors="replace").splitlines()
    found = []
    for n, line in enumerate(lines):
        if not any(sign in line for sign in signs):
            continue
        if "Traceback" in line:  # what was raised: the traceback's first line that is not indented
            raised = next((later for later in lines[n + 1 :] if later and not later[0].isspace()), "")
            line = f"{line.strip()} {raised.strip()}"
        found.append(line.strip())
    return found


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM lets ``serve`` stop its gunicorn and workers; the group kill is only a last resort."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def settle(app, timeout: float = 90) -> None:
    """Until the RQ queues are empty and no job runs: a fresh worker's first sweep and library refresh
    are start-up work, not the steady load a planner meets."""
    service = app.extensions["refrain.queue"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = sum(queue.count + StartedJobRegistry(queue=queue).count for queue in service.queues())
        if not busy:
            return
        time.sleep(1)
    print(f"  the workers were still busy after {timeout:.0f} s; measuring anyway", flush=True)


def session_cookie(app) -> str:
    """A planner's session, signed as the server signs it (same instance folder, so same secret key):
    the pages are measured as a signed-in viewer sees them, sign-in check included."""
    from scheduler.services import people

    with app.app_context():
        person, _new = people.create_or_update("bench@example.com", "viewer", "Bench")
        return app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": f"{person.id}:{person.session_epoch}", "_fresh": True}
        )


POSTS_QUERIES = 400  # addresses of the posts list the users pick from


def posts_queries(plan, count: int, rng: random.Random) -> list[str]:
    """The posts list's addresses: first pages (orders, filters, a search), the last page, and pages that
    start at a post picked at random anywhere in the plan (its cursor, as the "Next" link gives it)."""
    from scheduler.domain import keyset
    from scheduler.services import post_pages

    fixed = ["", "sort=channel", "sort=status&dir=asc", "channel=twitter", "status=published", "before=end"]
    fixed += ["q=calendar", "channel=blog&sort=status", "dir=asc"]
    ids = list(db.session.scalars(select(Post.id).where(Post.plan_id == plan.id)))
    picked = [db.session.get(Post, post_id) for post_id in rng.sample(ids, min(count, len(ids)))]
    deep = []
    for n, post in enumerate(picked):
        sort, direction = (("time", "desc"), ("channel", "desc"), ("status", "asc"))[n % 3]
        cursor = keyset.encode(keyset.cursor_of(sort, direction, post))
        deep.append(f"sort={sort}&dir={direction}&after={cursor}")
    assert post_pages.page(post_pages.Filters(plan_id=plan.id)).posts, "the plan has posts to list"
    return fixed * (len(deep) // len(fixed) or 1) + deep


def warm_up(port: int, plan, cookie: str) -> None:
    """One of each page first: the first request of a process pays for imports and template compiling."""
    pages = ("calendar", "calendar?view=month", "report", "posts", "posts?sort=channel")
    for path in (f"/plans/{plan.id}/{page}" for page in pages):
        for _ in range(WEB_PROCESSES * 2):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"session={cookie}"})
            with urllib.request.urlopen(request, timeout=120) as answer:
                if "/login" in answer.url:
                    sys.exit("the bench's session was refused: the pages would measure the sign-in redirect")


# the load


def run_locust(
    port: int, plan, phase: str, users: int, duration: int, think: float, pages: str, cookie: str, queries: Path
) -> list:
    """A bounded headless Locust run against the local server; returns (name, ms, error text or "") per request."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        samples = Path(out.name)
    env = dict(
        os.environ,
        BENCH_PHASE=phase,
        BENCH_SAMPLES=str(samples),
        BENCH_PLAN_ID=str(plan.id),
        BENCH_FIRST_DAY=plan.starts_on.isoformat(),
        BENCH_DAYS=str((plan.ends_on - plan.starts_on).days + 1),
        BENCH_THINK=str(think),
        BENCH_PAGES=pages,
        BENCH_COOKIE=cookie,
        BENCH_POSTS_QUERIES=str(queries),
    )
    locust = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    print(f"  {phase}: {users} users for {duration} s ...", flush=True)
    subprocess.run(
        locust, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=duration + 120, check=False
    )
    try:
        return json.loads(samples.read_text())
    finally:
        samples.unlink(missing_ok=True)


# the report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def by_page(samples: list) -> dict[str, tuple[list[float], list[str]]]:
    """Per page: every response time (ms) and every error's text."""
    pages = defaultdict(lambda: ([], []))
    for name, milliseconds, error in samples:
        times, errors = pages[name]
        times.append(milliseconds)
        if error:
            errors.append(error)
    return dict(pages)


def report(pages: dict, baseline: dict, users: int, duration: int, think: float, posts: int) -> None:
    base_times, base_errors = next(iter(baseline.values()))
    print(
        f"\nweb pages under load: {users} users, {duration} s a phase, think time "
        f"{f'{think / 3:.0f}-{think:.0f} s' if think else 'none'}; refrain serve with {WEB_PROCESSES} gunicorn "
        f"processes x 4 threads and {RQ_WORKERS} RQ workers; demo plan + {posts:,} posts, SQLite:"
    )
    print(f"  {'page':20} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}   ratios to baseline")
    print(f"  {'static file (base)':20} {line(base_times, base_errors)}")
    slowest = 0.0
    for name, (times, errors) in sorted(pages.items()):
        ratios = "  ".join(
            f"p{round(s * 100)} {percentile(times, s) / percentile(base_times, s):.1f}x" for s in (0.5, 0.95, 0.99)
        )
        print(f"  {name:20} {line(times, errors)}   {ratios}")
        slowest = max(slowest, percentile(times, 0.95))
    errors = [e for _, page_errors in [*pages.values(), (base_times, base_errors)] for e in page_errors]
    verdict = "met" if slowest <= TARGET_P95_MS and not errors else "MISSED"
    print(
        f"  target p95 <= {TARGET_P95_MS} ms on every page and no errors: {verdict} "
        f"(slowest p95 {slowest:.0f} ms, {len(errors)} errors)"
    )
    for error, count in Counter(errors).most_common(3):
        print(f"    {count} x {error}")


def line(times: list[float], errors: list[str]) -> str:
    return (
        f"{len(times):8,} {len(errors):6} {percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
        f"{percentile(times, 0.99):8.1f}"
    )


def main(
    users: int = 50, duration: int = 60, posts: int | None = None, think: float = THINK, pages: str = PAGES
) -> None:
    posts = posts or POSTS
    with bench_app() as app:
        print(f"web: loading the demo quarter and {posts:,} more posts", flush=True)
        plan = load_dataset(posts)
        port = free_port()
        log_path = Path(app.config["INSTANCE_PATH"]) / "serve.log"
        with open(log_path, "wb") as log:
            server = start_server(app, port, WEB_PROCESSES, RQ_WORKERS, log)
            try:
                cookie = session_cookie(app)
                queries = Path(app.config["INSTANCE_PATH"]) / "posts-queries.json"
                queries.write_text(json.dumps(posts_queries(plan, POSTS_QUERIES, random.Random(12))))
                warm_up(port, plan, cookie)
                settle(app)
                run = lambda phase: run_locust(port, plan, phase, users, duration, think, pages, cookie, queries)  # noqa: E731
                baseline = by_page(run("trivial"))
                measured = by_page(run("pages"))
            finally:
                stop_server(server)
        report(measured, baseline, users, duration, think, posts)
        troubles = server_troubles(log_path)
        print(f"  the server logged {len(troubles)} errors" + "".join(f"\n    {entry[:200]}" for entry in troubles[:3]))


def add_options(parser) -> None:
    group = parser.add_argument_group("web")
    group.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    group.add_argument("--duration", type=int, default=60, help="seconds of load per phase (default 60)")
    group.add_argument(
        "--think",
        type=float,
        default=THINK,
        help=f"most seconds a user pauses between pages, the least a third of it (default {THINK:g}; 0: none)",
    )
    group.add_argument("--pages", default=PAGES, help=f"pages the users open, in equal shares (default {PAGES})")
