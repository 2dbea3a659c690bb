"""Live delivery through the queue: accounts, honest outcomes, shared pauses, nothing secret in the logs."""

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from scheduler import reconfigure
from scheduler.infra import queue, ratelimits
from scheduler.jobs.workers import run_worker
from scheduler.models import ChannelAccount, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import posts, runtime
from scheduler.services.sweeper import sweep
from tests.factories import make_plan
from tests.support.stand_in import StandIn

TOKEN = "s3cr3t-token-value"


@pytest.fixture
def live(app, extra_channel):
    from tests.support.echo_channel import EchoChannel

    extra_channel(EchoChannel)
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the stand-ins, as an admin would allow them
    service = StandIn()
    yield service
    service.close()


def connect(client, service, token=TOKEN):
    answer = client.post(
        "/api/v1/accounts", json={"channel": "echotest", "name": "@atlas", "api_url": service.url, "token": token}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def due_post(body="Going out now"):
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "echotest",
            "body": body,
            "scheduled_at": (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(),
        }
    )
    return posts.schedule_post(post).id


def reloaded(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def test_secrets_go_in_and_never_come_back_out(client, live):
    account = connect(client, live)
    assert account["secrets_set"] == ["token"] and TOKEN not in str(account)
    assert TOKEN not in client.get("/api/v1/accounts").get_data(as_text=True)
    assert TOKEN not in client.get("/accounts").get_data(as_text=True)
    stored = db.session.scalar(select(ChannelAccount.secrets))
    assert TOKEN not in stored, "encrypted at rest"
    kept = client.put(f"/api/v1/accounts/{account['id']}", json={"name": "@atlas", "api_url": live.url}).get_json()
    assert kept["secrets_set"] == ["token"], "an empty secret keeps the stored one"
    missing = client.post("/api/v1/accounts", json={"channel": "echotest", "name": "x"})
    assert missing.status_code == 422 and set(missing.get_json()["error"]["fields"]) == {"api_url", "token"}


def test_a_post_is_published_with_its_remote_id_and_url(app, client, live, caplog):
    live.answer("POST", "/posts", 201, {"id": "9001", "url": "https://echo.example/9001"})
    connect(client, live)
    post = due_post()
    with caplog.at_level(logging.DEBUG):
        run_worker(app, burst=True)
    done = reloaded(post)
    assert done.status == "published" and done.remote_id == "9001" and done.remote_url == "https://echo.example/9001"
    [request] = live.received("POST", "/posts")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["idempotency-key"] == f"refrain-post-{post}"
    assert TOKEN not in caplog.text


def test_a_refused_account_holds_its_posts_until_it_is_reconnected(app, client, live, caplog):
    live.answer("POST", "/posts", 401, {"error": "invalid_token"})
    live.answer("POST", "/posts", 201, {"id": "2"})
    account = connect(client, live, token="expired-token")
    post = due_post()
    with caplog.at_level(logging.DEBUG):
        run_worker(app, burst=True)
    waiting = reloaded(post)
    assert waiting.status == "scheduled" and "reconnected" in waiting.failure_reason
    assert db.session.get(ChannelAccount, account["id"]).status == "unauthorized"
    assert "invalid_token" in client.get("/").get_data(as_text=True), "every page says so"
    sweep()
    assert reloaded(post).status == "scheduled", "the sweeper leaves it waiting"
    assert "expired-token" not in caplog.text and "expired-token" not in waiting.failure_reason

    client.put(f"/api/v1/accounts/{account['id']}", json={"name": "@atlas", "api_url": live.url, "token": TOKEN})
    sweep()
    run_worker(app, burst=True)
    assert reloaded(post).status == "published" and len(live.received("POST", "/posts")) == 2


def test_a_rate_limit_pauses_the_account_for_every_post(app, client, live):
    live.answer("POST", "/posts", 429, {"title": "Too Many Requests"}, headers={"Retry-After": "120"})
    account = connect(client, live)
    first, second = due_post("first"), due_post("second")
    run_worker(app, burst=True)
    assert len(live.received("POST", "/posts")) == 1, "the second post waits for the pause instead of asking"
    assert 100 < ratelimits.paused_for(runtime.queues().connection, account["id"]) <= 120
    for post in (first, second):
        assert reloaded(post).status == "queued"


def test_an_answer_that_never_came_is_unconfirmed_and_not_sent_again(app, client, live):
    live.answer("POST", "/posts", drop=True)
    connect(client, live)
    post = due_post()
    run_worker(app, burst=True)
    sweep()
    run_worker(app, burst=True)
    assert reloaded(post).status == "unconfirmed" and len(live.received("POST", "/posts")) == 1


def test_a_server_error_is_retried_later(app, client, live):
    live.answer("POST", "/posts", 503, {"error": "down for maintenance"}, headers={"Retry-After": "60"})
    connect(client, live)
    post = due_post()
    run_worker(app, burst=True)
    again = reloaded(post)
    assert again.status == "queued" and "down for maintenance" in again.failure_reason
    assert runtime.queues().jobs_alive([queue.delivery_job_id(post, 1)])
    notes = [e.note for e in db.session.scalars(select(PostEvent).where(PostEvent.post_id == post))]
    assert any("retry in 60 s" in note for note in notes)


def test_no_account_means_unauthorized_without_a_request(app, client, live):
    post = due_post()
    run_worker(app, burst=True)
    failed = reloaded(post)
    assert failed.status == "failed" and "Accounts page" in failed.failure_reason
    assert live.requests == []


def test_a_secret_with_a_character_headers_refuse_is_named_not_leaked(app, client, live):
    refused = client.post(
        "/api/v1/accounts", json={"channel": "echotest", "name": "x", "api_url": live.url, "token": "line\nbreak"}
    )
    assert refused.status_code == 422 and "line break" in refused.get_json()["error"]["fields"]["token"]
    connect(client, live, token="curly’quote-secret")
    post = due_post()
    run_worker(app, burst=True)
    failed = reloaded(post)
    assert failed.status == "failed" and "reconnect the account" in failed.failure_reason
    history = client.get(f"/api/v1/posts/{post}/events").get_data(as_text=True)
    assert "curly" not in history and "curly" not in failed.failure_reason
    assert live.requests == [], "nothing was sent"


def test_a_post_sent_again_starts_its_attempts_afresh(app, client, live):
    live.answer("POST", "/posts", drop=True)
    live.answer("POST", "/posts", 201, {"id": "5"})
    connect(client, live)
    post = due_post()
    run_worker(app, burst=True)
    assert reloaded(post).status == "unconfirmed"
    client.post(f"/api/v1/posts/{post}/schedule")
    assert reloaded(post).attempts == 0
    run_worker(app, burst=True)
    assert reloaded(post).status == "published" and reloaded(post).attempts == 1


def test_a_services_answer_that_is_not_an_http_link_is_not_kept(app, client, live):
    live.answer("POST", "/posts", 201, {"id": "9002", "url": "javascript:alert(document.cookie)"})
    connect(client, live)
    post = due_post()
    run_worker(app, burst=True)
    done = reloaded(post)
    assert done.status == "published" and done.remote_id == "9002" and done.remote_url == ""
