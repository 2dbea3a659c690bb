"""YouTube by identity: the video changed is the one named by id (stored from an earlier delivery, or on
the post), it carries the post's mark among its tags, a video with another post's mark is never changed,
and a post handed over ahead is taken back (private, unscheduled) only from a video with its mark."""

from dataclasses import replace

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL, check, codes, post

VIDEO, OTHER = "dQw4w9WgXcQ", "9bZkp7q19f0"
VIDEOS = "/youtube/v3/videos"
SCHEDULED = {"privacyStatus": "private", "publishAt": "2031-09-01T08:00:00Z", "embeddable": False, "license": "youtube"}


def context(service):
    account = Account(
        id=1,
        channel="youtube",
        name="Atlas",
        settings={"client_id": "123.apps.googleusercontent.com", "api_url": service.url, "oauth_url": service.url},
        secrets={"access_token": "ya29.access", "refresh_token": "1//refresh", "client_secret": "GOCSPX-s"},
    )
    return DeliveryContext(
        "live",
        "/nonexistent",
        account=account,
        http=HttpClient(allow=LOCAL, timeout=2),
        idempotency_key="refrain-post-7",
        now=DELIVERED_AT,
    )


def brief(**fields):
    fields.setdefault("extra", {"tags": ["atlas"], "video_id": VIDEO})
    fields.setdefault("title", "Atlas 2.0")
    return post("youtube", "A four-minute tour.", id=7, **fields)


def listed(video_id=VIDEO, tags=(), **status):
    item = {"id": video_id, "snippet": {"title": "t", "tags": list(tags)}, "status": {"privacyStatus": "private"}}
    item["status"].update(status)
    return {"items": [item]}


def deliver(service, content):
    adapter = registry.get("youtube")
    return adapter.deliver(adapter.validate(content).draft, content, context(service))


def test_youtube_hands_videos_over_ahead_of_their_time():
    assert registry.get("youtube").schedules_ahead(None) is True


def test_an_edit_sent_again_updates_the_stored_video(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["atlas", "refrain-post-7"]))
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    edited = brief(title="Atlas 2.0, the tour", extra={"tags": ["atlas"]}, remote_id=VIDEO)
    outcome = deliver(service, edited)
    assert (outcome.status, outcome.remote_id) == ("published", VIDEO)
    sent = service.received("PUT")[0].json()
    assert sent["id"] == VIDEO and sent["snippet"]["title"] == "Atlas 2.0, the tour"
    assert sent["snippet"]["tags"] == ["atlas", "refrain-post-7"], "the mark once, last"


def test_a_post_whose_stored_video_and_named_video_differ_is_refused_before_any_request(service):
    outcome = deliver(service, brief(remote_id=OTHER))
    assert outcome.status == "rejected" and OTHER in outcome.message and VIDEO in outcome.message
    assert not service.requests


def test_a_stored_remote_id_that_is_not_a_video_is_ignored(service):
    service.answer("GET", VIDEOS, 200, listed())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    assert deliver(service, brief(remote_id="7.json")).remote_id == VIDEO


def test_a_video_carrying_another_posts_mark_is_never_changed(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["atlas", "refrain-post-8"]))
    outcome = deliver(service, brief())
    assert outcome.status == "rejected" and "refrain-post-8" in outcome.message
    assert not service.received("PUT")


def test_a_video_the_channel_does_not_hold_is_refused(service):
    service.answer("GET", VIDEOS, 200, {"items": []})
    outcome = deliver(service, brief())
    assert outcome.status == "rejected" and "no video" in outcome.message and not service.received("PUT")


def test_a_mark_typed_among_the_posts_tags_is_replaced_by_the_posts_own(service):
    service.answer("GET", VIDEOS, 200, listed())
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    deliver(service, brief(extra={"tags": ["atlas", "Refrain-Post-8"], "video_id": VIDEO}))
    assert service.received("PUT")[0].json()["snippet"]["tags"] == ["atlas", "refrain-post-7"]


def test_a_public_video_stays_public_and_only_its_details_change(service):
    service.answer("GET", VIDEOS, 200, listed(privacyStatus="public", embeddable=True))
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    outcome = deliver(service, brief())
    assert outcome.status == "published" and "already public" in outcome.message
    assert service.received("PUT")[0].json()["status"] == {"privacyStatus": "public", "embeddable": True}


def test_the_tags_budget_counts_the_mark_of_a_saved_post():
    tags = ["x" * 98] * 5  # 490 + 4 commas: fits alone, not with ",refrain-post-7"
    assert "tags_too_long" not in codes(check("youtube", "d", title="t", extra={"tags": tags}))
    saved = check("youtube", "d", title="t", extra={"tags": tags}, id=7)
    assert "tags_too_long" in codes(saved)
    assert "refrain-post-7" in next(p.message for p in saved.problems if p.code == "tags_too_long")


def test_an_adapted_video_leaves_room_for_the_mark():
    source = post("blog", "Text.", title="A post", extra={"tags": [letter * 99 for letter in "abcdef"]})
    adapted = registry.get("youtube").adapt(source)
    assert adapted.extra["tags"] == ["a" * 99, "b" * 99, "c" * 99, "d" * 99], "five would fill the 500 alone"
    assert "tags_too_long" not in codes(registry.get("youtube").validate(replace(adapted, id=10**9)))


# --- withdraw -------------------------------------------------------------------------------------------


def withdraw(service, content):
    return registry.get("youtube").withdraw(content, context(service))


def test_withdrawing_sets_the_marked_video_back_to_private_without_a_publish_time(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["refrain-post-7"], **SCHEDULED))
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    outcome = withdraw(service, brief(remote_id=VIDEO))
    assert (outcome.status, outcome.remote_id) == ("published", VIDEO)
    [sent] = service.received("PUT")
    assert sent.query == {"part": ["status"]}
    assert sent.json() == {
        "id": VIDEO,
        "status": {"privacyStatus": "private", "embeddable": False, "license": "youtube"},
    }


def test_a_lost_handover_is_withdrawn_from_the_named_video_when_it_carries_the_mark(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["refrain-post-7"], **SCHEDULED))
    service.answer("PUT", VIDEOS, 200, {"id": VIDEO})
    assert withdraw(service, brief()).status == "published"
    assert service.received("PUT")


@pytest.mark.parametrize("tags", [[], ["atlas"], ["refrain-post-8"]])
def test_a_video_without_the_posts_mark_is_never_withdrawn(service, tags):
    service.answer("GET", VIDEOS, 200, listed(tags=tags, **SCHEDULED))
    outcome = withdraw(service, brief(remote_id=VIDEO))
    assert outcome.status == "rejected" and "refrain-post-7" in outcome.message
    assert not service.received("PUT")


def test_a_public_video_is_not_taken_down(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["refrain-post-7"], privacyStatus="public"))
    outcome = withdraw(service, brief(remote_id=VIDEO))
    assert outcome.status == "rejected" and "already public" in outcome.message and not service.received("PUT")


def test_a_video_no_longer_scheduled_or_gone_needs_no_change(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["refrain-post-7"]))
    service.answer("GET", VIDEOS, 200, {"items": []})
    assert withdraw(service, brief(remote_id=VIDEO)).status == "published"
    assert withdraw(service, brief(remote_id=VIDEO)).status == "published"
    assert not service.received("PUT")


def test_nothing_handed_over_is_nothing_to_take_back(service):
    assert withdraw(service, brief(extra={})).status == "published" and not service.requests


def test_a_withdrawal_whose_answer_was_lost_is_tried_again(service):
    service.answer("GET", VIDEOS, 200, listed(tags=["refrain-post-7"], **SCHEDULED))
    service.answer("PUT", VIDEOS, drop=True)
    assert withdraw(service, brief(remote_id=VIDEO)).status == "retry"


def test_a_refused_token_when_withdrawing_is_unauthorized(service):
    service.answer("GET", VIDEOS, 401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    service.answer("POST", "/token", 400, {"error": "invalid_grant", "error_description": "revoked"})
    assert withdraw(service, brief(remote_id=VIDEO)).status == "unauthorized"


def test_nothing_is_withdrawn_from_youtube_in_outbox_mode(service, tmp_path):
    outbox = DeliveryContext("outbox", tmp_path)
    assert registry.get("youtube").withdraw(brief(remote_id=VIDEO), outbox).status == "published"
    assert not service.requests
