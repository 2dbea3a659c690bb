"""Pinterest pins: API v5's shape and limits, a pin needs a picture, and what each answer means."""

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, check, codes, errors, post

TOKEN = "pina_secret-token-5678"
PICTURE = {"url": "https://cdn.example.com/pin.png", "type": "image", "alt": "A planning board"}


def context(tmp_path, service, http=None, board="987654321"):
    account = Account(
        id=1,
        channel="pinterest",
        name="Atlas",
        settings={"board_id": board, "api_url": service.url},
        secrets={"access_token": TOKEN},
    )
    return DeliveryContext(
        mode="live",
        outbox_dir=tmp_path,
        account=account,
        http=http or HttpClient(allow=LOCAL, timeout=2),
        idempotency_key="refrain-post-7",
    )


PIN = post(
    "pinterest",
    "Three columns, one theme.",
    title="Quarter board",
    link="https://example.com/board",
    extra={"media": [PICTURE]},
    id=7,
)


def deliver(tmp_path, service, content=PIN, **kwargs):
    adapter = registry.get("pinterest")
    ctx = context(tmp_path, service, **kwargs)
    outcome = adapter.deliver(adapter.validate(content).draft, content, ctx)
    assert TOKEN not in outcome.message and not any(TOKEN in str(entry) for entry in ctx.http.log)
    return outcome


def test_the_draft_is_the_pin_without_its_board():
    assert check(
        "pinterest", "Three columns.", title="Board", link="https://e.com/b", extra={"media": [PICTURE]}
    ).draft.payload == {
        "title": "Board",
        "description": "Three columns.",
        "link": "https://e.com/b",
        "alt_text": "A planning board",
        "media_source": {"source_type": "image_url", "url": PICTURE["url"]},
    }


def test_a_pin_needs_a_picture():
    result = check("pinterest", "No picture", title="T")
    assert errors(result) == {"missing_image"} and result.problems[0].field == "media"
    video_only = check("pinterest", "x", extra={"media": [{"url": "https://e.com/v.mp4", "type": "video"}]})
    assert "missing_image" in errors(video_only)


@pytest.mark.parametrize(
    "title, body, alt, code",
    [
        ("t" * 100, "d" * 500, "a" * 500, None),
        ("t" * 101, "d", "a", "title_too_long"),
        ("t", "d" * 501, "a", "description_too_long"),
        ("t", "d", "a" * 501, "alt_text_too_long"),
    ],
)
def test_the_limits(title, body, alt, code):
    result = check("pinterest", body, title=title, extra={"media": [{**PICTURE, "alt": alt}]})
    assert errors(result) == ({code} if code else set())
    assert (result.length.max, result.length.unit) == (500, "characters")


def test_a_bad_link_and_a_second_picture():
    assert "bad_link" in errors(check("pinterest", "x", link="javascript:alert(1)", extra={"media": [PICTURE]}))
    result = check("pinterest", "x", extra={"media": [PICTURE, PICTURE]})
    assert result.valid and "media_not_sent" in codes(result)


def test_a_pin_is_posted_as_json_with_a_bearer_token(tmp_path, service):
    service.answer("POST", "/v5/pins", 201, {"id": "813744226420795884", "board_id": "987654321"})
    outcome = deliver(tmp_path, service)
    assert (outcome.status, outcome.remote_id, outcome.url) == (
        "published",
        "813744226420795884",
        "https://www.pinterest.com/pin/813744226420795884/",
    )
    [seen] = service.requests
    assert (seen.method, seen.path) == ("POST", "/v5/pins")
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["content-type"] == "application/json"
    assert seen.json() == {
        "board_id": "987654321",
        "title": "Quarter board",
        "description": "Three columns, one theme.",
        "link": "https://example.com/board",
        "alt_text": "A planning board",
        "media_source": {"source_type": "image_url", "url": PICTURE["url"]},
    }


def test_no_board_is_rejected_without_a_request(tmp_path, service):
    outcome = deliver(tmp_path, service, board="")
    assert outcome.status == "rejected" and "Board ID" in outcome.message and not service.requests


@pytest.mark.parametrize(
    "status, kind", [(401, "unauthorized"), (403, "unauthorized"), (400, "rejected"), (500, "retry"), (503, "retry")]
)
def test_each_answer_means_one_outcome(tmp_path, service, status, kind):
    service.answer("POST", "/v5/pins", status, {"code": 1, "message": "said Pinterest"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == kind and "said Pinterest" in outcome.message


def test_a_429_is_retried_after_the_pause(tmp_path, service):
    service.answer("POST", "/v5/pins", 429, {"code": 8, "message": "rate limited"}, headers={"Retry-After": "60"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and outcome.retry_after == 60


def test_a_dropped_connection_after_sending_is_unconfirmed(tmp_path, service):
    service.answer("POST", "/v5/pins", drop=True)
    assert deliver(tmp_path, service).status == "unconfirmed"


def test_a_slow_answer_is_unconfirmed(tmp_path, service):
    service.answer("POST", "/v5/pins", 201, {"id": "1"}, delay=1.0)
    assert deliver(tmp_path, service, http=HttpClient(allow=LOCAL, timeout=0.5)).status == "unconfirmed"


def test_adapting_takes_the_first_picture_or_a_videos_thumbnail():
    source = post(
        "blog",
        "Plan a quarter. " * 60,
        title="How to plan " * 15,
        link="https://example.com/p",
        extra={"media": [PICTURE]},
    )
    adapted = registry.get("pinterest").adapt(source)
    assert adapted.extra == {"media": [PICTURE]} and len(adapted.title) <= 100 and len(adapted.body) <= 500
    assert registry.get("pinterest").validate(adapted).valid
    video = post("youtube", "A tour.", title="Atlas in 4 minutes", link="https://youtu.be/dQw4w9WgXcQ")
    pin = registry.get("pinterest").adapt(video)
    assert pin.extra["media"] == [
        {"url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", "type": "image", "alt": "Atlas in 4 minutes"}
    ]
    assert registry.get("pinterest").validate(pin).valid
