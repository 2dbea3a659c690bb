"""Issue 7: PostgreSQL stops for 30 s while posts fall due, and while one delivery is under way. The
workers back off instead of failing every job and take up the work when it is back; the web app says
503 with a clear page (JSON under /api/), never a stack trace. Every post that fell due is published
exactly once; the one under way is written to its channel once and, its outcome unrecordable while
the database was down, ends unconfirmed for a person to check: none lost silently, none sent twice.
Deliveries are counted as the outbox is written, not from the product's own history.

A real private PostgreSQL cluster (tests/support/postgres.py), real ``refrain worker`` processes,
a real gunicorn serving ``scheduler.wsgi:app``, Redis from tests/faults/conftest.py.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from rq.registry import FailedJobRegistry

from scheduler import create_app, reconfigure
from scheduler.infra import migrate
from scheduler.jobs.tasks import BACK_AFTER_OUTAGE
from scheduler.models.database import db
from scheduler.services import posts, runtime, tokens
from scheduler.services.lifecycle import PUBLISHING, UNCONFIRMED
from scheduler.services.sweeper import GAVE_UP
from tests.factories import due_posts, make_person, make_plan, signed_in
from tests.faults import statuses, sweep_once
from tests.support.postgres import PostgresCluster, PostgresMissing
from tests.support.workers import LongRunningWorker, WorkerFleet, worker_env

OUTAGE_SECONDS = 30
SWEEP_INTERVAL = 5
LONGEST_WORKER_WAIT = 30  # workers.LONGEST_DATABASE_WAIT: the last back-off may run past the restart
DRIVER_WORDS = ("psycopg", "OperationalError", "Traceback", "socket", "rfpg-", "postgres@")


@pytest.fixture
def postgres():
    try:
        cluster = PostgresCluster().init()
    except PostgresMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def pg_app(tmp_path, monkeypatch, redis_server, postgres):
    """The app on the private cluster, migrated by the real migrations."""
    for name in ("DATABASE_URL", "REDIS_URL", "REFRAIN_DELIVERY", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFRAIN_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis_server.url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "REFRAIN_PASSWORD_HASHING": "fast",
        }
    )
    with app.app_context():
        migrate.upgrade(db.engine)
        yield app
        db.session.remove()
        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def token(pg_app):
    """An owner's API token: the API answers only people it knows (a 401 before the database is asked)."""
    return tokens.create(make_person("owner@example.com", "owner", "Olive Owner"), "outage test")[1]


@pytest.fixture
def web(pg_app, tmp_path, token):
    """gunicorn on the real WSGI entry point: no test client, no TESTING flag, the production error path."""
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "scheduler.wsgi:app"],
        env=worker_env(pg_app),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while fetch(base + "/api/v1/channels", token)[0] != 200:
        assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
        time.sleep(0.2)
    yield SimpleNamespace(url=base, token=token)
    server.terminate()
    server.wait(timeout=10)
    log.close()


def fetch(url: str, token: str | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except OSError:
        return 0, {}, ""


@pytest.fixture
def fleet(pg_app, tmp_path, slow_channel):
    """Two workers that also know the slow channel (the fixture puts it in their environment)."""
    workers = WorkerFleet(
        [
            LongRunningWorker(pg_app, tmp_path / f"worker-{n}.log", REFRAIN_SWEEP_INTERVAL=str(SWEEP_INTERVAL))
            for n in range(2)
        ]
    ).start()
    yield workers
    workers.stop()


def schedule_posts(plan, count: int, first_due_in: float, spacing: float) -> list[int]:
    start = datetime.now(timezone.utc) + timedelta(seconds=first_due_in)
    ids = []
    for number in range(count):
        when = start + timedelta(seconds=number * spacing)
        post = posts.create_post(
            {
                "plan_id": plan.id,
                "channel": "twitter",
                "scheduled_at": when.isoformat(),
                "body": f"Post {number} falls due while the database is down",
            }
        )
        ids.append(posts.schedule_post(post).id)
    return ids


def wait_for_published(ids, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while set((found := statuses(ids)).values()) != {"published"} and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


def assert_clear_503(client, web):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert "The database is not answering" in html and "Nothing you saved is lost" in html
    assert "Try again in a minute" in html and not any(word in html for word in DRIVER_WORDS)

    api = client.get("/api/v1/plans")
    assert api.status_code == 503 and api.headers["Retry-After"] == "60"
    message = api.get_json()["error"]["message"]
    assert api.get_json()["error"]["fields"] == {} and "not answering" in message
    assert not any(word in message for word in DRIVER_WORDS)

    status, headers, body = fetch(web.url + "/api/v1/plans", web.token)
    assert status == 503 and headers.get("Retry-After") == "60", body
    assert "not answering" in json.loads(body)["error"]["message"]
    status, _, body = fetch(web.url + "/")  # to the sign-in page, which needs the database too
    assert status == 503 and "The database is not answering" in body and "Traceback" not in body


def test_thirty_seconds_without_the_database_lose_nothing_silently_and_double_nothing(
    pg_app, postgres, fleet, web, outbox_writes, slow_channel
):
    client = signed_in(pg_app, make_person("owner@example.com", "owner", "Olive Owner"))
    plan = make_plan(
        starts_on=(datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat(),
        ends_on=(datetime.now(timezone.utc).date() + timedelta(days=9)).isoformat(),
    )
    writes, slow_writes = outbox_writes(pg_app, "twitter"), outbox_writes(pg_app, "slowtest")
    warm_up = schedule_posts(plan, 2, first_due_in=-2, spacing=0)
    assert set(wait_for_published(warm_up, timeout=30).values()) == {"published"}, fleet.report()
    under_way = posts.schedule_post(due_posts(plan, 1, channel="slowtest")[0]).id
    slow_channel.wait_until_started(pg_app)

    during = schedule_posts(plan, 6, first_due_in=4, spacing=3)  # due 4 s to 19 s into the outage
    assert statuses([under_way]) == {under_way: PUBLISHING}, "a delivery is under way as the database stops"
    postgres.stop()
    stopped_at = time.monotonic()
    slow_channel.release(pg_app)  # the channel answers while the outcome cannot be recorded
    time.sleep(22)
    assert_clear_503(client, web)
    assert all(worker.running for worker in fleet.workers), fleet.report()
    for worker in fleet.workers:
        assert "database unavailable (" in worker.tail(20000), fleet.report()
        assert "s before taking jobs" in worker.tail(20000), fleet.report()
    time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - stopped_at), 0))
    postgres.start()

    found = wait_for_published(during, timeout=LONGEST_WORKER_WAIT + 2 * SWEEP_INTERVAL + 10)
    assert found == {post_id: "published" for post_id in during}, fleet.report()
    assert writes.per_post() == {post_id: 1 for post_id in warm_up + during}, fleet.report()

    reconfigure(pg_app, publish_timeout=0)  # nothing else is being delivered now
    assert sweep_once()["unconfirmed"] == 1, fleet.report()
    time.sleep(BACK_AFTER_OUTAGE)  # the job put back during the outage has long run again; a margin
    assert slow_writes.per_post() == {under_way: 1}, "written once, never again"
    unconfirmed = posts.get_post(under_way)
    assert (unconfirmed.status, unconfirmed.failure_reason) == (UNCONFIRMED, GAVE_UP), fleet.report()
    assert all(worker.running for worker in fleet.workers), fleet.report()
    assert "the database answers again; taking jobs" in "".join(w.tail(20000) for w in fleet.workers)
    failed = FailedJobRegistry(queue=runtime.queues().deliveries).get_job_ids()
    assert failed == [], "an outage is no job's failure"
