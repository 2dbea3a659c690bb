"""The signup form is open to anyone and each signup mails a confirmation: it is rate-limited per
address typed, per client and overall, counted in the app's real Redis."""

from sqlalchemy import func, select

from scheduler.models import Subscriber
from scheduler.models.database import db
from scheduler.web import limits


def sign_up(client, email, client_address="192.0.2.1"):
    return client.post("/newsletter/signup", data={"email": email}, environ_base={"REMOTE_ADDR": client_address})


def subscribers_count():
    return db.session.scalar(select(func.count(Subscriber.id)))


def test_one_address_gets_three_signups_an_hour_then_a_readable_429_with_retry_after(client):
    for attempt in range(3):
        assert sign_up(client, "Target@Example.com" if attempt else "target@example.com").status_code == 200
    refused = sign_up(client, " TARGET@example.com ", client_address="198.51.100.7")  # another client, same inbox
    assert refused.status_code == 429
    assert b"Too many requests" in refused.data and b"<html" in refused.data
    assert int(refused.headers["Retry-After"]) > 0
    assert sign_up(client, "someone.else@example.com").status_code == 200


def test_one_client_gets_twenty_signups_an_hour_whatever_addresses_it_types(client):
    for n in range(20):
        assert sign_up(client, f"made-up-{n}@example.com").status_code == 200
    assert sign_up(client, "made-up-20@example.com").status_code == 429
    assert sign_up(client, "made-up-20@example.com", client_address="198.51.100.8").status_code == 200
    assert subscribers_count() == 21


def test_all_clients_together_get_the_overall_limit(client, monkeypatch):
    monkeypatch.setattr(limits, "SIGNUPS_OVERALL", "5 per hour")
    for n in range(5):
        assert sign_up(client, f"crowd-{n}@example.com", client_address=f"203.0.113.{n}").status_code == 200
    assert sign_up(client, "crowd-5@example.com", client_address="203.0.113.99").status_code == 429
    assert subscribers_count() == 5


def test_the_counts_live_in_the_apps_redis_so_every_worker_process_shares_them(app, client):
    sign_up(client, "reader@example.com")
    redis = app.extensions["refrain.queue"].connection
    assert any(limits.KEY_PREFIX in key.decode() for key in redis.keys("*"))


def test_showing_the_signup_form_is_never_counted(client):
    for _ in range(30):
        assert client.get("/newsletter/signup").status_code == 200
    assert sign_up(client, "reader@example.com").status_code == 200
