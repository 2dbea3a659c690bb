"""YouTube live delivery: reading the uploaded private video, then scheduling it with videos.update,
renewing OAuth once."""

from datetime import datetime, timedelta, timezone

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from channels.youtube import until_quota_resets
from tests.channels.helpers import DELIVERED_AT, LOCAL, WHEN, check, errors, post

ACCESS, REFRESH, CLIENT_SECRET = "ya29.old-access", "1//refresh-secret", "GOCSPX-client-secret"
VIDEO = "dQw4w9WgXcQ"
VIDEOS = "/youtube/v3/videos"


def context(tmp_path, service, saved=None, http=None, access=ACCESS):
    account = Account(
        id=1,
        channel="youtube",
        name="Atlas",
        settings={"client_id": "123.apps.googleusercontent.com", "api_url": service.url, "oauth_url": service.url},
        secrets={"access_token": access, "refresh_token": REFRESH, "client_secret": CLIENT_SECRET},
    )
    return DeliveryContext(
        mode="live",
        outbox_dir=tmp_path,
        account=account,
        http=http or HttpClient(allow=LOCAL, timeout=2),
        save_secrets=saved.append if saved is not None else None,
        idempotency_key="refrain-post-7",
        now=DELIVERED_AT,
    )


BRIEF = post(
    "youtube",
    "A four-minute tour.",
    title="Atlas 2.0 in 4 minutes",
    link="https://example.com",
    extra={"tags": ["atlas", "content planning"], "category_id": "28", "video_id": VIDEO},
    id=7,
)


STUDIO_STATUS = {
    "uploadStatus": "processed",
    "privacyStatus": "private",
    "license": "youtube",
    "embeddable": True,
    "publicStatsViewable": True,
    "madeForKids": False,
    "selfDeclaredMadeForKids": False,
}
KEPT = {key: STUDIO_STATUS[key] for key in ("license", "embeddable", "publicStatsViewable", "selfDeclaredMadeForKids")}


def video(tags=(), **status):
    """The videos.list answer for VIDEO, as its owner reads it."""
    item = {"id": VIDEO, "snippet": {"title": "Untitled", "tags": list(tags)}, "status": {**STUDIO_STATUS, **status}}
    return {"kind": "youtube#videoListResponse", "items": [item]}


def deliver(tmp_path, service, content=BRIEF, **kwargs):
    adapter = registry.get("youtube")
    ctx = context(tmp_path, service, **kwargs)
    outcome = adapter.deliver(adapter.validate(content).draft, content, ctx)
    for secret in (ACCESS, REFRESH, CLIENT_SECRET, "ya29.new-access"):
        assert secret not in outcome.message and not any(secret in str(entry) for entry in ctx.http.log)
    return outcome


def test_the_video_id_is_checked():
    assert check("youtube", "d", title="t", extra={"video_id": VIDEO}).draft.payload["id"] == VIDEO
    for bad in ("dQw4w9WgXc", "dQw4w9WgXcQQ", "dQw4w9WgX!Q"):
        assert errors(check("youtube", "d", title="t", extra={"video_id": bad})) == {"invalid_video_id"}


def test_a_scheduled_video_is_updated_private_with_its_publish_time(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 200, {"kind": "youtube#video", "id": VIDEO})
    outcome = deliver(tmp_path, service)
    assert (outcome.status, outcome.remote_id, outcome.url) == (
        "published",
        VIDEO,
        f"https://www.youtube.com/watch?v={VIDEO}",
    )
    read, seen = service.requests
    assert (read.method, read.path, read.query) == ("GET", VIDEOS, {"part": ["snippet,status"], "id": [VIDEO]})
    assert (seen.method, seen.path, seen.query) == ("PUT", VIDEOS, {"part": ["snippet,status"]})
    assert read.headers["authorization"] == seen.headers["authorization"] == f"Bearer {ACCESS}"
    assert seen.headers["content-type"] == "application/json"
    assert seen.json() == {
        "id": VIDEO,
        "snippet": {
            "title": "Atlas 2.0 in 4 minutes",
            "description": "A four-minute tour.\n\nhttps://example.com",
            "tags": ["atlas", "content planning", "refrain-post-7"],
            "categoryId": "28",
        },
        "status": {**KEPT, "privacyStatus": "private", "publishAt": "2031-09-01T08:00:00+00:00"},
    }
    assert WHEN.isoformat() in outcome.message


def test_a_video_whose_time_has_come_is_made_public_at_once(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    due = post(
        "youtube",
        "d",
        title="t",
        extra={"video_id": VIDEO},
        id=7,
        scheduled_at=DELIVERED_AT - timedelta(seconds=5),
    )
    assert deliver(tmp_path, service, due).status == "published"
    assert service.received("PUT")[0].json()["status"] == {**KEPT, "privacyStatus": "public"}


def test_bad_details_or_no_video_are_refused_before_any_request(tmp_path, service):
    no_video = post("youtube", "d", title="t", id=7)
    assert deliver(tmp_path, service, no_video).status == "rejected"
    adapter = registry.get("youtube")
    long_title = post("youtube", "d", title="t" * 101, extra={"video_id": VIDEO}, id=7)
    draft = adapter.render(long_title)  # as if validation had been skipped
    outcome = adapter.deliver(draft, long_title, context(tmp_path, service))
    assert outcome.status == "rejected" and "title" in outcome.message and not service.requests


def test_a_401_renews_the_token_keeps_it_and_sends_once_more(tmp_path, service):
    service.answer("GET", VIDEOS, 401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    service.answer(
        "POST", "/token", 200, {"access_token": "ya29.new-access", "expires_in": 3599, "token_type": "Bearer"}
    )
    saved = []
    outcome = deliver(tmp_path, service, saved=saved)
    assert outcome.status == "published" and saved == [{"access_token": "ya29.new-access"}]
    first, refresh, second, update = service.requests
    assert (first.method, refresh.path, second.method, update.method) == ("GET", "/token", "GET", "PUT")
    assert refresh.form() == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": CLIENT_SECRET,
    }
    assert second.headers["authorization"] == update.headers["authorization"] == "Bearer ya29.new-access"
    assert second.query == first.query


def test_a_401_at_the_update_renews_the_token_too(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    service.answer("POST", "/token", 200, {"access_token": "ya29.new-access"})
    assert deliver(tmp_path, service, saved=[]).status == "published"
    assert [r.method for r in service.requests] == ["GET", "PUT", "POST", "PUT"]
    first, second = service.received("PUT")
    assert second.json() == first.json()


def test_no_access_token_renews_first(tmp_path, service):
    service.answer("POST", "/token", 200, {"access_token": "ya29.new-access"})
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    assert deliver(tmp_path, service, access="").status == "published"
    assert [r.method for r in service.requests] == ["POST", "GET", "PUT"]


def test_a_refused_renewal_is_unauthorized(tmp_path, service):
    service.answer("GET", VIDEOS, 401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    service.answer(
        "POST", "/token", 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    )
    saved = []
    outcome = deliver(tmp_path, service, saved=saved)
    assert outcome.status == "unauthorized" and "revoked" in outcome.message and saved == []
    assert len(service.received("GET")) == 1 and not service.received("PUT")


def test_a_second_401_after_renewal_is_unauthorized(tmp_path, service):
    service.answer("GET", VIDEOS, 401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    service.answer("POST", "/token", 200, {"access_token": "ya29.new-access"})
    assert deliver(tmp_path, service, saved=[]).status == "unauthorized"
    assert len(service.received("GET")) == 2 and len(service.received("POST", "/token")) == 1
    assert not service.received("PUT")


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_an_exhausted_quota_waits_for_midnight_in_california(tmp_path, service, method):
    if method == "PUT":
        service.answer("GET", VIDEOS, 200, video())
    service.answer(
        method,
        VIDEOS,
        403,
        {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your quota."}},
    )
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and 60 <= outcome.retry_after <= 25 * 3600
    assert not service.received("POST"), "no token renewal for a quota"
    assert until_quota_resets(datetime(2031, 9, 1, 6, 0, tzinfo=timezone.utc)) == 1 * 3600  # 23:00 PDT


@pytest.mark.parametrize("status, kind", [(400, "rejected"), (404, "rejected"), (500, "retry"), (503, "retry")])
def test_each_answer_means_one_outcome(tmp_path, service, status, kind):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, status, {"error": {"code": status, "message": "said YouTube"}})
    outcome = deliver(tmp_path, service)
    assert outcome.status == kind and "said YouTube" in outcome.message


def test_a_429_is_retried_after_the_pause(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 429, {"error": {"message": "slow down"}}, headers={"Retry-After": "20"})
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and outcome.retry_after == 20


def test_an_update_whose_answer_was_lost_is_sent_again_later(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, drop=True)
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and "does no harm" in outcome.message


def test_a_slow_answer_to_the_update_is_sent_again_later(tmp_path, service):
    service.answer("GET", VIDEOS, 200, video())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO}, delay=1.0)
    assert deliver(tmp_path, service, http=HttpClient(allow=LOCAL, timeout=0.5)).status == "retry"


def test_a_read_without_an_answer_is_a_retry_nothing_was_changed(tmp_path, service):
    service.answer("GET", VIDEOS, drop=True)
    outcome = deliver(tmp_path, service)
    assert outcome.status == "retry" and "nothing was changed" in outcome.message and not service.received("PUT")


def test_a_renewal_without_an_answer_is_a_retry_nothing_was_published(tmp_path, service):
    service.answer("POST", "/token", drop=True)
    outcome = deliver(tmp_path, service, access="")
    assert outcome.status == "retry" and not service.received("GET") and not service.received("PUT")
