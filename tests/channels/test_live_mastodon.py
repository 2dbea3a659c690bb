"""Live delivery to Mastodon: the instance's own limit, the Idempotency-Key, uploads, and every answer
an instance gives, played by a stand-in."""

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from channels import mastodon, registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, post

TOKEN = "tok-MASTODON-ACCESS-9999"
STATUSES, INSTANCE = "/api/v1/statuses", "/api/v2/instance"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def instance_info(limit=500):
    return {
        "domain": "social.example",
        "title": "Example social",
        "configuration": {
            "statuses": {"max_characters": limit, "max_media_attachments": 4, "characters_reserved_per_url": 23}
        },
    }


def status(number="113000000000000001"):
    return {
        "id": number,
        "uri": f"https://social.example/users/refrain/statuses/{number}",
        "url": f"https://social.example/@refrain/{number}",
        "content": "<p>Hello</p>",
        "visibility": "public",
    }


@pytest.fixture
def service(stand_in, tmp_path):
    stand_in.reset()
    mastodon.forget_instance_limits()
    stand_in.tmp = tmp_path
    return stand_in


class Delivery:
    def __init__(self, service, timeout=2.0):
        self.pauses = []
        self.http = HttpClient(allow=LOCAL, timeout=timeout, on_pause=self.pauses.append)
        self.context = DeliveryContext(
            mode="live",
            outbox_dir=service.tmp,
            http=self.http,
            save_secrets=None,
            idempotency_key="refrain-post-7",
            account=Account(
                id=1,
                channel="mastodon",
                name="@refrain@social.example",
                settings={"instance": service.url},
                secrets={"access_token": TOKEN},
            ),
        )

    def send(self, body="Hello from Refrain", **fields):
        adapter = registry.get("mastodon")
        content = post("mastodon", body, id=7, **fields)
        outcome = adapter.deliver(adapter.render(content), content, self.context)
        shown = " ".join(str(part) for part in (outcome.message, outcome.remote_id, outcome.url, self.http.log))
        assert TOKEN not in shown
        return outcome


@pytest.fixture
def deliver(service):
    return lambda **kwargs: Delivery(service, **kwargs)


def test_a_status_is_posted_with_the_token_and_the_idempotency_key(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("POST", STATUSES, 200, status())
    outcome = deliver().send("Hello from Refrain", extra={"spoiler_text": "News", "visibility": "unlisted"})
    assert outcome.status == "published" and outcome.remote_id == "113000000000000001"
    assert outcome.url == "https://social.example/@refrain/113000000000000001"
    limit, sent = service.requests
    assert (limit.method, limit.path) == ("GET", INSTANCE)
    assert (sent.method, sent.path) == ("POST", STATUSES)
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["idempotency-key"] == "refrain-post-7"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"status": "Hello from Refrain", "visibility": "unlisted", "spoiler_text": "News"}


def test_over_the_instance_limit_is_refused_before_any_post(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info(limit=100))
    outcome = deliver().send("x" * 90, extra={"spoiler_text": "y" * 11})
    assert outcome.status == "rejected" and "101 characters" in outcome.message and "at most 100" in outcome.message
    assert service.received("POST") == []


def test_an_instance_that_allows_more_takes_more(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info(limit=5000))
    service.answer("POST", STATUSES, 200, status())
    assert deliver().send("x" * 1200).status == "published"
    assert service.received("POST", STATUSES)[0].json()["status"] == "x" * 1200


def test_the_limit_is_read_once_for_a_while(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("POST", STATUSES, 200, status())
    assert deliver().send().status == deliver().send().status == "published"
    assert len(service.received("GET", INSTANCE)) == 1


def test_an_older_instance_is_asked_its_v1_limit(service, deliver):
    service.answer("GET", INSTANCE, 404, {"error": "Record not found"})
    service.answer("GET", "/api/v1/instance", 200, {"uri": "old.example", "max_toot_chars": 50})
    assert deliver().send("x" * 60).status == "rejected"
    assert service.received("POST") == []


def test_the_same_idempotency_key_on_every_attempt(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("POST", STATUSES, drop=True)
    service.answer("POST", STATUSES, 200, status())
    assert deliver().send().status == "unconfirmed"
    assert deliver().send().status == "published"
    keys = [r.headers["idempotency-key"] for r in service.received("POST", STATUSES)]
    assert keys == ["refrain-post-7", "refrain-post-7"]


def test_a_429_waits_until_the_reset_and_pauses_the_account(service, deliver):
    reset = (datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer(
        "POST",
        STATUSES,
        429,
        {"error": "Too many requests"},
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    delivery = deliver()
    outcome = delivery.send()
    assert outcome.status == "retry" and 280 < outcome.retry_after <= 300
    assert len(delivery.pauses) == 1 and 280 < delivery.pauses[0] <= 300


@pytest.mark.parametrize(
    "answer, kind",
    [
        (dict(status=500, body={"error": "Internal"}), "retry"),
        (dict(status=401, body={"error": "The access token is invalid"}), "unauthorized"),
        (dict(status=422, body={"error": "Validation failed: Text can't be blank"}), "rejected"),
        (dict(drop=True), "unconfirmed"),
    ],
)
def test_each_answer_means_its_outcome(service, deliver, answer, kind):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("POST", STATUSES, answer.pop("status", 200), answer.pop("body", None), **answer)
    outcome = deliver().send()
    assert outcome.status == kind and outcome.message and len(service.received("POST", STATUSES)) == 1


def test_a_slow_answer_is_unconfirmed(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("POST", STATUSES, 200, status(), delay=1.0)
    assert deliver(timeout=0.5).send().status == "unconfirmed"


def test_no_answer_to_the_limit_question_is_a_plain_retry(service, deliver):
    service.answer("GET", INSTANCE, drop=True)
    outcome = deliver().send()
    assert outcome.status == "retry" and "nothing was published" in outcome.message
    assert service.received("POST") == []


def multipart_fields(seen) -> dict:
    message = email.message_from_bytes(
        b"Content-Type: " + seen.headers["content-type"].encode() + b"\r\n\r\n" + seen.body, policy=email.policy.HTTP
    )
    return {
        part.get_param("name", header="content-disposition"): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_parts()
    }


def test_a_picture_is_uploaded_with_its_description_then_attached(service, deliver):
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("GET", "/pictures/summer.png", 200, PNG, headers={"Content-Type": "image/png"})
    service.answer(
        "POST",
        "/api/v2/media",
        200,
        {"id": "22348641", "type": "image", "url": "https://files.example/summer.png", "description": "A beach"},
    )
    service.answer("POST", STATUSES, 200, status())
    picture = {"url": service.url + "/pictures/summer.png", "type": "image", "alt": "A beach at sunset"}
    assert deliver().send("Summer", extra={"media": [picture]}).status == "published"
    upload = service.received("POST", "/api/v2/media")[0]
    assert upload.headers["authorization"] == f"Bearer {TOKEN}"
    fields = multipart_fields(upload)
    assert fields["file"] == ("image/png", PNG) and fields["description"][1] == b"A beach at sunset"
    assert service.received("POST", STATUSES)[0].json()["media_ids"] == ["22348641"]


def test_a_picture_still_processing_is_waited_for(service, deliver, monkeypatch):
    monkeypatch.setattr(mastodon.time, "sleep", lambda seconds: None)
    service.answer("GET", INSTANCE, 200, instance_info())
    service.answer("GET", "/pictures/summer.png", 200, PNG, headers={"Content-Type": "image/png"})
    service.answer("POST", "/api/v2/media", 202, {"id": "5", "type": "image", "url": None})
    service.answer("GET", "/api/v1/media/5", 206, {"id": "5", "url": None})
    service.answer("GET", "/api/v1/media/5", 200, {"id": "5", "url": "https://files.example/5.png"})
    service.answer("POST", STATUSES, 200, status())
    picture = {"url": service.url + "/pictures/summer.png", "type": "image", "alt": "A beach"}
    assert deliver().send("Summer", extra={"media": [picture]}).status == "published"
    assert len(service.received("GET", "/api/v1/media/5")) == 2


def test_outbox_mode_is_unchanged(service, tmp_path):
    adapter = registry.get("mastodon")
    content = post("mastodon", "Hello", id=7)
    outcome = adapter.deliver(adapter.render(content), content, DeliveryContext("outbox", tmp_path))
    assert outcome.status == "published" and (tmp_path / "mastodon" / "7.json").exists()
    assert service.requests == []
