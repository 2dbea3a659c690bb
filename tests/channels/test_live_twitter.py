"""Live delivery to X: the exact requests the API v2 documents, played against a stand-in that answers as X does."""

import base64
import email
import email.policy
import time

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, post

TOKEN, REFRESH, SECRET = "tok-ACCESS-1111", "tok-REFRESH-2222", "tok-CLIENTSECRET-3333"
NEW_TOKEN, NEW_REFRESH = "tok-ACCESS-NEW-4444", "tok-REFRESH-NEW-5555"
SECRETS = (TOKEN, REFRESH, SECRET, NEW_TOKEN, NEW_REFRESH)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
TWEETS, TOKEN_PATH = "/2/tweets", "/2/oauth2/token"


@pytest.fixture
def service(stand_in):
    stand_in.reset()
    return stand_in


class Delivery:
    """One live delivery's context, with what the adapter told the app on the side."""

    def __init__(self, service, timeout=2.0, **secrets):
        self.pauses, self.saved = [], []
        self.http = HttpClient(allow=LOCAL, timeout=timeout, on_pause=self.pauses.append)
        stored = {"access_token": TOKEN, "refresh_token": REFRESH, "client_secret": SECRET, **secrets}
        self.context = DeliveryContext(
            mode="live",
            outbox_dir=service.tmp,
            http=self.http,
            save_secrets=self.saved.append,
            idempotency_key="refrain-post-7",
            account=Account(
                id=1,
                channel="twitter",
                name="@refrain",
                secrets={k: v for k, v in stored.items() if v},
                settings={"api_base": service.url, "client_id": "client-abc"},
            ),
        )

    def send(self, body="Hello from Refrain", **fields):
        adapter = registry.get("twitter")
        content = post("twitter", body, id=7, **fields)
        validation = adapter.validate(content)
        assert validation.valid, validation.problems
        self.outcome = adapter.deliver(validation.draft, content, self.context)
        assert_no_secret(self.outcome, self.http)
        return self.outcome


def assert_no_secret(outcome, http):
    shown = " ".join(str(part) for part in (outcome.message, outcome.remote_id, outcome.url, http.log))
    assert not any(secret in shown for secret in SECRETS), shown


@pytest.fixture
def deliver(service, tmp_path):
    service.tmp = tmp_path
    return lambda **kwargs: Delivery(service, **kwargs)


def test_a_tweet_is_posted_with_the_user_token(service, deliver):
    service.answer("POST", TWEETS, 201, {"data": {"id": "1790000000000000001", "text": "Hello from Refrain"}})
    outcome = deliver().send()
    assert outcome.status == "published" and outcome.remote_id == "1790000000000000001"
    assert outcome.url == "https://x.com/i/web/status/1790000000000000001"
    [sent] = service.requests
    assert (sent.method, sent.path) == ("POST", "/2/tweets")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"text": "Hello from Refrain"}


def test_a_401_renews_the_token_once_saves_it_and_tweets_again(service, deliver):
    service.answer("POST", TWEETS, 401, {"title": "Unauthorized", "detail": "Unauthorized", "status": 401})
    service.answer("POST", TWEETS, 201, {"data": {"id": "2"}})
    service.answer(
        "POST",
        TOKEN_PATH,
        200,
        {
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": NEW_TOKEN,
            "scope": "tweet.write offline.access",
            "refresh_token": NEW_REFRESH,
        },
    )
    delivery = deliver()
    assert delivery.send().status == "published"
    assert [(r.method, r.path) for r in service.requests] == [("POST", TWEETS), ("POST", TOKEN_PATH), ("POST", TWEETS)]
    renewal = service.requests[1]
    assert renewal.headers["content-type"] == "application/x-www-form-urlencoded"
    assert renewal.form() == {"grant_type": "refresh_token", "refresh_token": REFRESH, "client_id": "client-abc"}
    assert renewal.headers["authorization"] == "Basic " + base64.b64encode(f"client-abc:{SECRET}".encode()).decode()
    assert service.requests[2].headers["authorization"] == f"Bearer {NEW_TOKEN}"
    [saved] = delivery.saved
    assert (saved["access_token"], saved["refresh_token"]) == (NEW_TOKEN, NEW_REFRESH)
    assert abs(int(saved["expires_at"]) - (time.time() + 7200)) < 30


def test_a_public_client_renews_without_basic_authentication(service, deliver):
    service.answer("POST", TWEETS, 401, {"title": "Unauthorized"})
    service.answer("POST", TWEETS, 201, {"data": {"id": "2"}})
    service.answer("POST", TOKEN_PATH, 200, {"access_token": NEW_TOKEN, "expires_in": 7200})
    delivery = deliver(client_secret="")
    assert delivery.send().status == "published"
    assert "authorization" not in service.requests[1].headers
    assert delivery.saved[0]["refresh_token"] == REFRESH, "X gave no new refresh token: the old one stays"


def test_a_stored_expiry_in_the_past_renews_before_tweeting(service, deliver):
    service.answer(
        "POST", TOKEN_PATH, 200, {"access_token": NEW_TOKEN, "refresh_token": NEW_REFRESH, "expires_in": 7200}
    )
    service.answer("POST", TWEETS, 201, {"data": {"id": "3"}})
    delivery = deliver(expires_at=str(int(time.time()) - 10))
    assert delivery.send().status == "published"
    assert [r.path for r in service.requests] == [TOKEN_PATH, TWEETS]
    assert service.requests[1].headers["authorization"] == f"Bearer {NEW_TOKEN}"


def test_a_refused_renewal_is_unauthorized_and_saves_nothing(service, deliver):
    service.answer("POST", TWEETS, 401, {"title": "Unauthorized"})
    service.answer(
        "POST",
        TOKEN_PATH,
        400,
        {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
    )
    delivery = deliver()
    outcome = delivery.send()
    assert outcome.status == "unauthorized" and "reconnect" in outcome.message
    assert "token was invalid" in outcome.message
    assert [r.path for r in service.requests] == [TWEETS, TOKEN_PATH] and delivery.saved == []


def test_the_token_is_renewed_only_once(service, deliver):
    service.answer("POST", TWEETS, 401, {"title": "Unauthorized"})
    service.answer("POST", TOKEN_PATH, 200, {"access_token": NEW_TOKEN, "expires_in": 7200})
    assert deliver().send().status == "unauthorized"
    assert [r.path for r in service.requests] == [TWEETS, TOKEN_PATH, TWEETS]


def test_no_refresh_token_means_reconnecting(service, deliver):
    service.answer("POST", TWEETS, 401, {"title": "Unauthorized"})
    outcome = deliver(refresh_token="").send()
    assert outcome.status == "unauthorized" and "Accounts page" in outcome.message
    assert len(service.requests) == 1


def test_a_429_waits_until_the_reset_and_pauses_the_account(service, deliver):
    reset = int(time.time()) + 300
    service.answer(
        "POST",
        TWEETS,
        429,
        {"title": "Too Many Requests"},
        headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    delivery = deliver()
    outcome = delivery.send()
    assert outcome.status == "retry" and 280 < outcome.retry_after <= 300
    assert len(delivery.pauses) == 1 and 280 < delivery.pauses[0] <= 300


def test_a_500_is_a_retry(service, deliver):
    service.answer("POST", TWEETS, 503, {"title": "Service Unavailable"})
    assert deliver().send().status == "retry"


def test_a_dropped_answer_is_unconfirmed_and_not_sent_twice(service, deliver):
    service.answer("POST", TWEETS, drop=True)
    outcome = deliver().send()
    assert outcome.status == "unconfirmed" and len(service.requests) == 1


def test_a_slow_answer_is_unconfirmed(service, deliver):
    service.answer("POST", TWEETS, 201, {"data": {"id": "9"}}, delay=1.0)
    assert deliver(timeout=0.5).send().status == "unconfirmed"


def test_x_refusing_a_duplicate_is_not_an_account_problem(service, deliver):
    service.answer(
        "POST",
        TWEETS,
        403,
        {
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "status": 403,
            "title": "Forbidden",
        },
    )
    outcome = deliver().send()
    assert outcome.status == "unconfirmed" and "mark it published" in outcome.message


THREAD = "First part of the story.\n---\nSecond part.\n---\nThird and last part."


def test_a_thread_chains_each_tweet_to_the_one_before(service, deliver):
    for number in (101, 102, 103):
        service.answer("POST", TWEETS, 201, {"data": {"id": str(number)}})
    outcome = deliver().send(THREAD, extra={"thread": True})
    assert outcome.status == "published" and outcome.remote_id == "101" and "103" in outcome.message
    bodies = [r.json() for r in service.requests]
    assert bodies == [
        {"text": "First part of the story. 1/3"},
        {"text": "Second part. 2/3", "reply": {"in_reply_to_tweet_id": "101"}},
        {"text": "Third and last part. 3/3", "reply": {"in_reply_to_tweet_id": "102"}},
    ]


@pytest.mark.parametrize(
    "failure",
    [
        dict(status=503, body={"title": "Service Unavailable"}),
        dict(status=429, body={"title": "Too Many Requests"}, headers={"Retry-After": "60"}),
        dict(status=401, body={"title": "Unauthorized"}),
        dict(drop=True),
    ],
)
def test_a_thread_that_breaks_after_its_first_tweet_is_never_retried(service, deliver, failure):
    """Retrying would post the first tweet again: the outcome says what went out, for a person to decide."""
    service.answer("POST", TWEETS, 201, {"data": {"id": "201"}})
    service.answer("POST", TWEETS, failure.pop("status", 200), failure.pop("body", None), **failure)
    service.answer("POST", TOKEN_PATH, 400, {"error": "invalid_request"})
    outcome = deliver().send(THREAD, extra={"thread": True})
    assert outcome.status == "unconfirmed" and outcome.retry_after is None
    assert outcome.remote_id == "201" and outcome.url == "https://x.com/i/web/status/201"
    assert "tweets 1 to 1 of 3" in outcome.message and "https://x.com/i/web/status/201" in outcome.message
    assert "tweet 2" in outcome.message
    assert len(service.received("POST", TWEETS)) == 2, "the third tweet is not sent after the second failed"


def multipart_fields(seen) -> dict:
    message = email.message_from_bytes(
        b"Content-Type: " + seen.headers["content-type"].encode() + b"\r\n\r\n" + seen.body, policy=email.policy.HTTP
    )
    return {
        part.get_param("name", header="content-disposition"): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_parts()
    }


def test_a_picture_is_uploaded_described_and_attached_to_the_first_tweet(service, deliver):
    service.answer("GET", "/pictures/summer.png", 200, PNG, headers={"Content-Type": "image/png"})
    service.answer(
        "POST", "/2/media/upload", 200, {"data": {"id": "1880028106020515840", "media_key": "3_1880028106020515840"}}
    )
    service.answer("POST", "/2/media/metadata", 200, {"data": {"associated_metadata": {}}})
    service.answer("POST", TWEETS, 201, {"data": {"id": "301"}})
    picture = {"url": service.url + "/pictures/summer.png", "type": "image", "alt": "A beach at sunset"}
    outcome = deliver().send("Summer is here", extra={"media": [picture]})
    assert outcome.status == "published"
    fetch, upload, metadata, tweet = service.requests
    assert (fetch.method, fetch.path) == ("GET", "/pictures/summer.png") and "authorization" not in fetch.headers
    assert upload.headers["authorization"] == f"Bearer {TOKEN}"
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    fields = multipart_fields(upload)
    assert fields["media"] == ("image/png", PNG) and fields["media_category"][1] == b"tweet_image"
    assert metadata.json() == {"id": "1880028106020515840", "metadata": {"alt_text": {"text": "A beach at sunset"}}}
    assert tweet.json() == {"text": "Summer is here", "media": {"media_ids": ["1880028106020515840"]}}


def test_a_picture_that_cannot_be_fetched_is_refused_before_any_tweet(service, deliver):
    service.answer("GET", "/pictures/gone.png", 403, "Forbidden")
    picture = {"url": service.url + "/pictures/gone.png", "type": "image", "alt": "Gone"}
    outcome = deliver().send("Summer is here", extra={"media": [picture]})
    assert outcome.status == "rejected" and "gone.png" in outcome.message, "the picture's host is not the account"
    assert service.received("POST") == []


def test_a_video_is_refused_before_any_request(service, deliver):
    clip = {"url": service.url + "/clip.mp4", "type": "video", "alt": "A clip"}
    outcome = deliver().send("Watch", extra={"media": [clip]})
    assert outcome.status == "rejected" and "pictures only" in outcome.message and service.requests == []


def test_outbox_mode_is_unchanged(service, tmp_path):
    adapter = registry.get("twitter")
    draft = adapter.render(post("twitter", "Hello", id=7))
    outcome = adapter.deliver(draft, post("twitter", "Hello", id=7), DeliveryContext("outbox", tmp_path))
    assert outcome.status == "published" and (tmp_path / "twitter" / "7.json").exists()
    assert service.requests == []
