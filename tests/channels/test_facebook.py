"""Facebook Page posts: the Graph API's shape and limits, and what each of its answers means."""

import json

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import LOCAL, check, codes, errors, post

TOKEN = "EAAGpagetoken-secret-1234"
FEED, PHOTOS = "/v21.0/1122334455/feed", "/v21.0/1122334455/photos"
PICTURE = {"url": "https://cdn.example.com/board.jpg", "type": "image", "alt": "A whiteboard"}


def context(tmp_path, service, http=None, pauses=None):
    account = Account(
        id=1,
        channel="facebook",
        name="Atlas Page",
        settings={"page_id": "1122334455", "graph_url": service.url, "graph_version": "v21.0"},
        secrets={"page_access_token": TOKEN},
    )
    client = http or HttpClient(allow=LOCAL, timeout=2, on_pause=pauses.append if pauses is not None else None)
    return DeliveryContext(
        mode="live", outbox_dir=tmp_path, account=account, http=client, idempotency_key="refrain-post-7"
    )


def deliver(tmp_path, service, content, **kwargs):
    adapter = registry.get("facebook")
    result = adapter.validate(content)
    assert result.valid, result.problems
    ctx = context(tmp_path, service, **kwargs)
    outcome = adapter.deliver(result.draft, content, ctx)
    assert TOKEN not in outcome.message and not any(TOKEN in str(entry) for entry in ctx.http.log)
    return outcome


TEXT = post("facebook", "Our summer board is up.", link="https://example.com/board", id=7)


def test_the_draft_is_the_feed_edge_form():
    result = check("facebook", "Hello", link="https://example.com")
    assert result.valid and result.draft.payload == {"message": "Hello", "link": "https://example.com"}
    with_picture = check("facebook", "Look", link="https://example.com", extra={"media": [PICTURE]})
    assert with_picture.draft.payload == {"caption": "Look\n\nhttps://example.com", "url": PICTURE["url"]}


@pytest.mark.parametrize("size, valid", [(63206, True), (63207, False)])
def test_the_message_limit(size, valid):
    result = check("facebook", "x" * size)
    assert result.valid is valid and ("too_long" in codes(result)) is not valid
    assert (result.length.value, result.length.max) == (size, 63206)


def test_empty_posts_bad_links_and_extra_pictures_are_problems():
    assert errors(check("facebook", "  ")) == {"empty"}
    assert errors(check("facebook", "x", link="ftp://e.com")) == {"bad_link"}
    assert errors(check("facebook", "x", extra={"media": [PICTURE, PICTURE]})) == {"too_many_media"}


def test_a_text_post_goes_to_the_feed_edge_as_form_fields(tmp_path, service):
    service.answer("POST", FEED, 200, {"id": "1122334455_998877"})
    outcome = deliver(tmp_path, service, TEXT)
    assert (outcome.status, outcome.remote_id, outcome.url) == (
        "published",
        "1122334455_998877",
        "https://www.facebook.com/1122334455_998877",
    )
    [seen] = service.requests
    assert (seen.method, seen.path) == ("POST", FEED)
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen.form() == {
        "message": "Our summer board is up.",
        "link": "https://example.com/board",
        "access_token": TOKEN,
    }
    assert seen.query == {}, "the token travels in the body, never in the address"


def test_a_post_with_a_picture_goes_to_the_photos_edge(tmp_path, service):
    service.answer("POST", PHOTOS, 200, {"id": "555", "post_id": "1122334455_556"})
    content = post("facebook", "Look", link="https://example.com", extra={"media": [PICTURE]}, id=7)
    outcome = deliver(tmp_path, service, content)
    assert (outcome.status, outcome.remote_id) == ("published", "1122334455_556")
    assert service.requests[0].form() == {
        "url": PICTURE["url"],
        "caption": "Look\n\nhttps://example.com",
        "access_token": TOKEN,
    }


GRAPH_190 = {
    "error": {
        "message": "Error validating access token: Session has expired on Tuesday.",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
    }
}


def test_an_expired_token_is_unauthorized_though_graph_says_400(tmp_path, service):
    service.answer("POST", FEED, 400, GRAPH_190)
    outcome = deliver(tmp_path, service, TEXT)
    assert outcome.status == "unauthorized" and "Session has expired" in outcome.message


@pytest.mark.parametrize(
    "code, status",
    [
        (190, "unauthorized"),
        (102, "unauthorized"),
        (10, "unauthorized"),
        (200, "unauthorized"),
        (299, "unauthorized"),
        (4, "retry"),
        (17, "retry"),
        (32, "retry"),
        (613, "retry"),
        (2, "retry"),
        (100, "rejected"),
        (506, "rejected"),
    ],
)
def test_graph_error_codes_in_a_suppressed_answer(tmp_path, service, code, status):
    """An error object in a 200 answer (as Graph sends some) says what happened."""
    service.answer("POST", FEED, 200, {"error": {"message": f"(#{code}) said Graph", "type": "X", "code": code}})
    pauses = []
    outcome = deliver(tmp_path, service, TEXT, pauses=pauses)
    assert outcome.status == status and "said Graph" in outcome.message
    if code in (4, 17, 32, 613):
        assert outcome.retry_after == 300 and pauses == [300]


@pytest.mark.parametrize("code, status", [(4, "retry"), (200, "unauthorized"), (100, "rejected")])
def test_graph_error_codes_in_a_400_are_read_from_the_message(tmp_path, service, code, status):
    service.answer("POST", FEED, 400, {"error": {"message": f"(#{code}) said Graph", "type": "X", "code": code}})
    assert deliver(tmp_path, service, TEXT).status == status


def test_a_rate_limit_waits_as_long_as_graph_says(tmp_path, service):
    usage = {"1122334455": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    service.answer(
        "POST",
        FEED,
        200,
        {"error": {"message": "(#32) Page request limit reached", "code": 32}},
        headers={"x-business-use-case-usage": json.dumps(usage)},
    )
    outcome = deliver(tmp_path, service, TEXT)
    assert outcome.status == "retry" and outcome.retry_after == 420


def test_a_401_is_unauthorized(tmp_path, service):
    service.answer("POST", FEED, 401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
    assert deliver(tmp_path, service, TEXT).status == "unauthorized"


def test_a_429_is_retried_after_the_pause(tmp_path, service):
    service.answer("POST", FEED, 429, {"error": {"message": "slow down"}}, headers={"Retry-After": "40"})
    outcome = deliver(tmp_path, service, TEXT)
    assert outcome.status == "retry" and outcome.retry_after == 40


def test_a_500_is_retried(tmp_path, service):
    service.answer("POST", FEED, 500, {"error": {"message": "An unknown error occurred", "code": 1}})
    assert deliver(tmp_path, service, TEXT).status == "retry"


def test_a_dropped_connection_after_sending_is_unconfirmed(tmp_path, service):
    service.answer("POST", FEED, drop=True)
    assert deliver(tmp_path, service, TEXT).status == "unconfirmed" and len(service.requests) == 1


def test_a_slow_answer_is_unconfirmed(tmp_path, service):
    service.answer("POST", FEED, 200, {"id": "1_2"}, delay=1.0)
    assert deliver(tmp_path, service, TEXT, http=HttpClient(allow=LOCAL, timeout=0.5)).status == "unconfirmed"


def test_a_token_echoed_by_the_service_never_reaches_the_outcome(tmp_path, service):
    service.answer("POST", FEED, 400, {"error": {"message": f"(#100) bad token {TOKEN}", "code": 100}})
    outcome = deliver(tmp_path, service, TEXT)
    assert outcome.status == "rejected" and "[token]" in outcome.message


def test_an_account_without_its_token_is_unauthorized_and_sends_nothing(tmp_path, service):
    ctx = context(tmp_path, service)
    ctx = DeliveryContext(
        "live", tmp_path, account=Account(1, "facebook", "Page", settings={"page_id": "1"}), http=ctx.http
    )
    draft = registry.get("facebook").validate(TEXT).draft
    assert registry.get("facebook").deliver(draft, TEXT, ctx).status == "unauthorized" and not service.requests


def test_adapting_keeps_the_headline_text_link_and_one_picture():
    source = post(
        "mastodon",
        "Three columns. #planning",
        title="Our board",
        link="https://example.com/b",
        extra={"media": [PICTURE, {**PICTURE, "url": "https://cdn.example.com/2.jpg"}]},
    )
    adapted = registry.get("facebook").adapt(source)
    assert adapted.body == "Our board\n\nThree columns. #planning" and adapted.link == source.link
    assert adapted.extra == {"media": [PICTURE]}
    assert registry.get("facebook").validate(adapted).valid
