"""Every boundary of the web shell: the hosts and origins it trusts, the sizes and depths it takes, and the
headers every page carries. Each against the real app, its real database and Redis."""

import os
import stat
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler import config, create_app
from scheduler.models import (
    ChannelAccount,
    ContentItem,
    Contest,
    Feed,
    InteractionKind,
    MediaFile,
    Plan,
    Post,
    PostSet,
    StyleEntry,
    Subscriber,
    Webhook,
)
from scheduler.models.database import db, make_engine
from scheduler.services import accounts, calendar_links, demo, feeds, people, post_sets, runtime, webhooks
from scheduler.services.newsletter import subscribers
from scheduler.web import guards

EVIL = "http://evil.example:5000"
A_PLAN = {
    "name": "Guarded",
    "theme": "Rentrée",
    "key_message": "Back to school, calmly",
    "keywords": ["rentrée"],
    "starts_on": "2031-09-01",
    "ends_on": "2031-09-07",
    "timezone": "Europe/Paris",
}
QUERIES = {  # pages that need a query string
    "ui.new_post": "?plan_id={plan_id}",
    "api.interaction_pattern_terms": "?channel={channel}&kind=refund+request",
}


def assert_error_shape(response, status):
    assert response.status_code == status
    assert set(response.get_json()["error"]) == {"message", "fields"}


# --- hosts and origins ---------------------------------------------------------------------------------


def test_a_write_from_another_origin_is_refused_although_it_names_our_host(client):
    """DNS rebinding: evil.example resolves to us, so its page's requests carry Host: localhost."""
    refused = client.post("/api/v1/plans", json=A_PLAN, headers={"Origin": EVIL, "Host": "localhost"})
    assert_error_shape(refused, 403)
    page = client.post("/plans/new", data={"name": "x"}, headers={"Origin": EVIL, "Host": "localhost"})
    assert page.status_code == 403
    assert b"another site" in page.data
    assert client.get("/api/v1/plans").get_json() == []


def test_a_write_whose_referer_is_another_site_is_refused(client):
    refused = client.post("/api/v1/plans", json=A_PLAN, headers={"Referer": f"{EVIL}/attack.html"})
    assert_error_shape(refused, 403)


def test_a_write_from_the_public_origin_or_from_a_script_is_taken(client):
    assert client.post("/api/v1/plans", json=A_PLAN, headers={"Origin": "http://localhost"}).status_code == 201
    assert client.post("/api/v1/plans", json=dict(A_PLAN, name="Scripted")).status_code == 201


def test_a_request_naming_a_host_other_than_the_public_urls_is_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/v1/plans", headers={"Host": "evil.example:5000"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
    # loopback names are one: answered (the session's cookie is localhost's, so it is the way to sign in)
    assert client.get("/", headers={"Host": "127.0.0.1:5000"}).status_code in (200, 302)


def test_the_confirmation_link_starts_with_the_public_url_whatever_host_the_signup_named(app, client):
    from scheduler import reconfigure
    from scheduler.services.newsletter import messages

    reconfigure(app, public_url="https://news.refrain.example")
    client.post("/newsletter/signup", data={"email": "reader@example.com"}, headers={"Host": "127.0.0.1"})
    subscriber = db.session.scalar(select(Subscriber))
    message = messages.confirmation_message(subscriber, None)
    text = message.get_body(("plain",)).get_content()
    assert "https://news.refrain.example/newsletter/confirm/" in text
    assert "127.0.0.1" not in text and "localhost" not in text


def test_a_public_url_with_a_path_or_another_scheme_stops_the_start_with_a_message():
    for wrong in ("ftp://refrain.example", "https://refrain.example/app", "refrain.example"):
        with pytest.raises(config.ConfigError, match="REFRAIN_PUBLIC_URL"):
            config.Settings(Path("/tmp"), "sqlite://", None, "k", "outbox", public_url=wrong).but()


# --- sizes and depths ----------------------------------------------------------------------------------


def test_a_body_over_a_megabyte_is_a_413_in_the_error_shape_on_the_api_and_a_page_elsewhere(client):
    big = "x" * (guards.MAX_BODY + 1)
    assert_error_shape(client.post("/api/v1/plans", json=dict(A_PLAN, name=big)), 413)
    page = client.post("/plans/new", data={"name": big})
    assert page.status_code == 413
    assert b"larger than 1 MB" in page.data and b"<html" in page.data


def test_a_metrics_export_larger_than_a_megabyte_is_still_uploaded(client):
    rows = "".join(f"https://example.org/{n},{n}\n" for n in range(70_000))
    export = ("url,impressions\n" + rows).encode()
    assert len(export) > guards.MAX_BODY
    response = client.post(
        "/library/metrics", data={"file": (BytesIO(export), "export.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert b"Column that names the item" in response.data


def test_a_body_nested_two_hundred_thousand_deep_is_a_400_never_a_500(client):
    deep = "[" * 200_000 + "]" * 200_000
    response = client.post("/api/v1/plans", data=deep, content_type="application/json")
    assert_error_shape(response, 400)
    assert "64 deep" in response.get_json()["error"]["message"]


def test_a_body_nested_just_past_the_limit_is_refused_and_one_at_it_is_read(client):
    def nested(levels):
        value = "x"
        for _ in range(levels - 1):
            value = {"k": value}
        return value

    assert_error_shape(client.post("/api/v1/plans", json=dict(A_PLAN, extra=nested(65))), 400)
    taken = client.post("/api/v1/plans", json=dict(A_PLAN, extra=nested(63)))
    assert taken.status_code in (201, 422)  # read, and judged on its fields


# --- headers -------------------------------------------------------------------------------------------


def _example_ids(app, client) -> dict:
    """An id for each kind of thing a page names, from the demo and a few additions."""
    demo.load(today=date(2031, 11, 12))
    if db.session.scalar(select(Feed.id)) is None:
        feeds.add_feed({"url": "https://example.org/feed.xml", "channel": "blog"})
    accounts.connect(
        {"channel": "webhook", "name": "receiver", "url": "https://example.org/hook", "signing_secret": "s"}
    )
    signed, _ = subscribers.signup({"email": "headers@example.com"})
    webhooks.create_webhook({"url": "https://example.org/events", "events": ["kpi.alert"]})
    if db.session.scalar(select(PostSet.id)) is None:
        plan_id = db.session.scalar(select(Plan.id).order_by(Plan.id))
        post_sets.compose({"plan_id": plan_id, "idea": {"body": "One idea"}, "channels": ["twitter", "newsletter"]})
    first = {
        "plan_id": Plan,
        "post_id": Post,
        "feed_id": Feed,
        "item_id": ContentItem,
        "entry_id": StyleEntry,
        "account_id": ChannelAccount,
        "kind_id": InteractionKind,
        "contest_id": Contest,  # the demo's
        "set_id": PostSet,
        "media_id": MediaFile,  # the demo's pictures
        "webhook_id": Webhook,
    }
    ids = {name: db.session.scalar(select(model.id).order_by(model.id)) for name, model in first.items()}
    delivered = runtime.settings().outbox / db.session.get(Post, ids["post_id"]).channel  # its outbox file
    delivered.mkdir(parents=True, exist_ok=True)
    (delivered / f"{ids['post_id']}.json").write_text('{"post_id": %d}' % ids["post_id"])
    ids["token"] = subscribers.confirm_token(signed)
    ids["unsubscribe_token"] = subscribers.unsubscribe_token(signed.id, signed.email)
    ids["filename"] = "refrain.css"
    ids["media_name"] = db.session.scalar(select(MediaFile.name).order_by(MediaFile.id))
    ids["channel"] = "chat"  # a pattern of interactions: the demo's refund requests on chat
    ids["password_token"] = people.password_token(people.by_email("owner@example.com"))
    ids["secret"] = calendar_links.renew(people.by_email("owner@example.com"))  # a calendar app's address
    return ids


def test_every_page_and_api_answer_carries_the_security_headers(app, client):
    ids = _example_ids(app, client)
    checked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        missing = set(rule.arguments) - set(ids)
        assert not missing, f"{rule.rule}: no example for {missing}"
        values = dict(ids, token=ids["unsubscribe_token"]) if rule.endpoint == "newsletter.unsubscribe" else ids
        values = dict(values, token=ids["password_token"]) if rule.endpoint == "people.set_password" else values
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        path += QUERIES.get(rule.endpoint, "").format(**ids)
        response = client.get(path)
        # the first owner's link is spent once there is an owner, and a reviewer's link needs a post in
        # review (the example token is another link's): their pages say so (410), headers and all;
        # ... and /mcp takes a Bearer token only, never the session this client signed in with (401)
        refusing = ("people.welcome", "review.review_page", "mcp.endpoint")
        assert response.status_code < 400 or rule.endpoint in refusing, f"{path}: {response.status_code}"
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        if response.mimetype == "text/html":
            assert b"<script>" not in response.data and b" onclick=" not in response.data, path
            assert b" style=" not in response.data, path
        checked.append(path)
    assert len(checked) >= 45
    refused = client.get("/no/such/page")
    assert refused.status_code == 404 and "Content-Security-Policy" in refused.headers


def test_the_session_cookie_is_http_only_and_same_site_and_secure_on_https(app, client):
    feed = feeds.add_feed({"url": "https://example.org/feed.xml", "channel": "blog"})
    client.post(f"/library/feeds/{feed.id}/refresh")  # a flash: the session is written
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    https = create_app(
        {
            "REDIS_URL": app.config["REDIS_URL"],
            "DATABASE_URL": app.config["DATABASE_URL"],
            "REFRAIN_PUBLIC_URL": "https://refrain.example.org",
        }
    )
    assert https.config["SESSION_COOKIE_SECURE"] is True
    assert https.config["TRUSTED_HOSTS"] == ["refrain.example.org"]


# --- files at rest -------------------------------------------------------------------------------------


def test_the_instance_folder_secret_key_and_sqlite_file_are_readable_by_their_owner_only(tmp_path):
    instance = tmp_path / "fresh-instance"
    config.from_environment({"REFRAIN_INSTANCE": str(instance)})
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "secret_key").st_mode) == 0o600
    engine = make_engine(f"sqlite:///{instance / 'refrain.sqlite3'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert stat.S_IMODE(os.stat(instance / "refrain.sqlite3").st_mode) == 0o600
