"""Webhooks: the post as signed JSON, the signature checked the way a receiver would, every answer's meaning."""

import hashlib
import hmac
import time

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, WHEN, check, errors, post

SECRET = "whsec_0123456789abcdef"


def context(tmp_path, service, http=None, secret=SECRET):
    account = Account(
        id=1,
        channel="webhook",
        name="CMS",
        settings={"url": service.url + "/hooks/refrain?src=1"},
        secrets={"signing_secret": secret},
    )
    return DeliveryContext(
        mode="live",
        outbox_dir=tmp_path,
        account=account,
        http=http or HttpClient(allow=LOCAL, timeout=2),
        idempotency_key="refrain-post-7",
    )


NOTE = post(
    "webhook",
    "Calendars sync both ways.",
    title="Atlas 2.1",
    link="https://example.com/2.1",
    extra={"media": [{"url": "https://cdn.example.com/a.png", "type": "image", "alt": "A"}]},
    id=7,
)


def deliver(tmp_path, service, content=NOTE, **kwargs):
    adapter = registry.get("webhook")
    ctx = context(tmp_path, service, **kwargs)
    outcome = adapter.deliver(adapter.validate(content).draft, content, ctx)
    assert SECRET not in outcome.message and not any(SECRET in str(entry) for entry in ctx.http.log)
    return outcome


def verify(seen, secret=SECRET, tolerance=300):
    """What a receiver does: recompute the HMAC over the raw body it got, compare in constant time."""
    parts = dict(item.split("=", 1) for item in seen.headers["x-refrain-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + seen.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < tolerance


def test_the_draft_is_the_post_itself():
    assert check("webhook", "Body", title="T", link="https://e.com").draft.payload == {
        "title": "T",
        "body": "Body",
        "link": "https://e.com",
    }


@pytest.mark.parametrize("size, valid", [(100_000, True), (100_001, False)])
def test_the_body_limit(size, valid):
    result = check("webhook", "x" * size)
    assert result.valid is valid and (result.length.value, result.length.max) == (size, 100_000)


def test_empty_and_bad_links_are_problems():
    assert errors(check("webhook", " ")) == {"empty"} and errors(check("webhook", "x", link="e.com")) == {"bad_link"}


def test_the_post_is_sent_as_signed_json(tmp_path, service):
    service.answer("POST", "/hooks/refrain", 202, {"id": "cms-42", "url": "https://cms.example.com/42"})
    outcome = deliver(tmp_path, service)
    assert (outcome.status, outcome.remote_id, outcome.url) == ("published", "cms-42", "https://cms.example.com/42")
    [seen] = service.requests
    assert (seen.method, seen.path, seen.query) == ("POST", "/hooks/refrain", {"src": ["1"]})
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["x-refrain-idempotency-key"] == "refrain-post-7"
    assert verify(seen), "the signature covers the exact bytes received"
    assert not verify(seen, secret="another secret")
    assert seen.json() == {
        "post": {
            "id": 7,
            "channel": "webhook",
            "title": "Atlas 2.1",
            "body": "Calendars sync both ways.",
            "link": "https://example.com/2.1",
            "scheduled_at": WHEN.isoformat(),
            "extra": dict(NOTE.extra),
        },
        "draft": {
            "title": "Atlas 2.1",
            "body": "Calendars sync both ways.",
            "link": "https://example.com/2.1",
            "media": NOTE.extra["media"],
        },
        "idempotency_key": "refrain-post-7",
    }


def test_a_tampered_body_fails_the_check(tmp_path, service):
    service.answer("POST", "/hooks/refrain", 200, {})
    deliver(tmp_path, service)
    seen = service.requests[0]
    seen.body = seen.body.replace(b"Atlas", b"Atlaz")
    assert not verify(seen)


@pytest.mark.parametrize("answer", ["ok", "", {"received": True}, [1, 2]])
def test_any_2xx_is_published_whatever_the_answer(tmp_path, service, answer):
    service.answer("POST", "/hooks/refrain", 200, answer)
    outcome = deliver(tmp_path, service)
    assert outcome.status == "published" and outcome.remote_id is None


@pytest.mark.parametrize(
    "status, kind", [(401, "unauthorized"), (403, "unauthorized"), (410, "rejected"), (500, "retry"), (502, "retry")]
)
def test_each_answer_means_one_outcome(tmp_path, service, status, kind):
    service.answer("POST", "/hooks/refrain", status, {"error": "said the receiver"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == kind and "said the receiver" in outcome.message


def test_a_429_is_retried_after_the_pause(tmp_path, service):
    service.answer("POST", "/hooks/refrain", 429, "busy", headers={"Retry-After": "15"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and outcome.retry_after == 15


def test_a_dropped_connection_after_sending_is_unconfirmed(tmp_path, service):
    service.answer("POST", "/hooks/refrain", drop=True)
    assert deliver(tmp_path, service).status == "unconfirmed"


def test_a_slow_answer_is_unconfirmed(tmp_path, service):
    service.answer("POST", "/hooks/refrain", 200, {}, delay=1.0)
    assert deliver(tmp_path, service, http=HttpClient(allow=LOCAL, timeout=0.5)).status == "unconfirmed"


def test_a_secret_echoed_by_the_receiver_never_reaches_the_outcome(tmp_path, service):
    service.answer("POST", "/hooks/refrain", 400, {"error": f"bad secret {SECRET}"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == "rejected" and "[secret]" in outcome.message


def test_no_signing_secret_is_unauthorized_without_a_request(tmp_path, service):
    assert deliver(tmp_path, service, secret="").status == "unauthorized" and not service.requests


def test_adapting_keeps_the_post_and_its_attachments():
    source = post(
        "mastodon",
        "Look #planning",
        link="https://e.com/x",
        extra={"media": NOTE.extra["media"], "visibility": "unlisted"},
    )
    adapted = registry.get("webhook").adapt(source)
    assert (adapted.body, adapted.link, adapted.extra) == (
        "Look #planning",
        "https://e.com/x",
        {"media": NOTE.extra["media"]},
    )
