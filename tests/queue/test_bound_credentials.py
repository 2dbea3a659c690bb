"""Credentials stay with the address they were given for: whoever may edit an account cannot point it
at a server of their own and receive its token with the next post."""

from datetime import datetime, timedelta, timezone

import pytest

from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts
from tests.factories import make_plan
from tests.support.stand_in import StandIn

TOKEN = "the-instance-token-never-to-travel"


@pytest.fixture
def servers(app):
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # both stand-ins, as an admin would allow them
    instance, elsewhere = StandIn(), StandIn()
    yield instance, elsewhere
    instance.close()
    elsewhere.close()


def due_mastodon_post() -> int:
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "mastodon",
            "body": "Going out now",
            "scheduled_at": (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(),
        }
    )
    return posts.schedule_post(post).id


def test_moving_a_mastodon_account_without_its_token_sends_the_token_nowhere(app, client, servers):
    instance, elsewhere = servers
    created = client.post(
        "/api/v1/accounts",
        json={"channel": "mastodon", "name": "@atlas", "instance": instance.url, "access_token": TOKEN},
    ).get_json()
    assert created["secrets_set"] == ["access_token"]

    moved = client.put(f"/api/v1/accounts/{created['id']}", json={"name": "@atlas", "instance": elsewhere.url})
    assert moved.status_code == 200
    account = moved.get_json()
    assert account["status"] == "unauthorized" and account["secrets_set"] == []
    assert account["secrets_needed"] == ["access_token"]
    assert "Instance address changed" in account["status_message"] and "Access token again" in account["status_message"]
    assert "Access token again" in client.get("/accounts").get_data(as_text=True), "the accounts page asks for it"

    post_id = due_mastodon_post()
    run_worker(app, burst=True)
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert post.status == "scheduled" and "reconnected" in post.failure_reason, "it waits, nothing is sent"
    assert elsewhere.requests == [], "no request at all reached the new address"
    assert instance.requests == []


def test_keeping_the_address_keeps_the_token_and_a_trailing_slash_is_no_move(client, servers):
    instance, _ = servers
    created = client.post(
        "/api/v1/accounts",
        json={"channel": "mastodon", "name": "@atlas", "instance": instance.url, "access_token": TOKEN},
    ).get_json()
    kept = client.put(f"/api/v1/accounts/{created['id']}", json={"name": "@renamed", "instance": instance.url + "/"})
    assert kept.get_json()["status"] == "connected" and kept.get_json()["secrets_set"] == ["access_token"]


def test_moving_an_account_with_a_new_token_connects_it(client, servers):
    instance, elsewhere = servers
    created = client.post(
        "/api/v1/accounts",
        json={"channel": "mastodon", "name": "@atlas", "instance": instance.url, "access_token": TOKEN},
    ).get_json()
    moved = client.put(
        f"/api/v1/accounts/{created['id']}",
        json={"name": "@atlas", "instance": elsewhere.url, "access_token": "a-token-for-the-new-instance"},
    ).get_json()
    assert moved["status"] == "connected" and moved["secrets_set"] == ["access_token"]


def test_a_webhook_moved_to_another_url_drops_its_signing_secret(client, servers):
    instance, elsewhere = servers
    created = client.post(
        "/api/v1/accounts",
        json={"channel": "webhook", "name": "hook", "url": instance.url + "/hook", "signing_secret": "whsec-value"},
    ).get_json()
    moved = client.put(f"/api/v1/accounts/{created['id']}", json={"name": "hook", "url": elsewhere.url + "/hook"})
    assert moved.get_json()["status"] == "unauthorized" and moved.get_json()["secrets_set"] == []
