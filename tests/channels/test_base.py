"""What every adapter shares: outbox delivery, typed outcomes, problems as data, the registry."""

import json
import time

import pytest

import channels.base
import channels.outbox
from channels import registry
from channels.base import DeliveryContext, Media, Outcome, PostContent, Problem
from channels.registry import UnknownChannel
from tests.channels.helpers import check


def deliver(tmp_path, post, mode="outbox"):
    adapter = registry.get(post.channel)
    return adapter.deliver(adapter.validate(post).draft, post, DeliveryContext(mode=mode, outbox_dir=tmp_path))


def test_outbox_delivery_writes_one_file_named_by_post_id(tmp_path):
    post = PostContent("twitter", "Hello", id=42)
    first, second = deliver(tmp_path, post), deliver(tmp_path, post)
    assert first.status == second.status == "published" and first.remote_id == "42.json"
    files = list((tmp_path / "twitter").iterdir())
    assert [f.name for f in files] == ["42.json"]  # no second file, no temporary file left behind
    assert first.url == files[0].as_uri()
    record = json.loads(files[0].read_text())
    assert set(record) == {"post_id", "channel", "delivered_at", "draft"}
    assert (record["post_id"], record["channel"], record["draft"]) == (42, "twitter", {"tweets": ["Hello"]})


def test_a_failed_write_keeps_the_previous_file_whole(tmp_path, monkeypatch):
    """Atomic: the old file is replaced only by a complete new one."""
    deliver(tmp_path, PostContent("twitter", "First", id=7))

    def broken_fsync(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(channels.outbox.os, "fsync", broken_fsync)
    outcome = deliver(tmp_path, PostContent("twitter", "Second", id=7))
    assert outcome.status == "retry" and "No space left" in outcome.message
    assert [f.name for f in (tmp_path / "twitter").iterdir()] == ["7.json"]
    assert json.loads((tmp_path / "twitter" / "7.json").read_text())["draft"] == {"tweets": ["First"]}


def test_an_unwritable_outbox_is_a_retry_not_an_exception(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    outcome = deliver(blocker, PostContent("twitter", "Hello", id=1))
    assert outcome.status == "retry" and "outbox" in outcome.message


def test_live_mode_without_an_account_asks_for_one_and_sends_nothing(tmp_path):
    for adapter in registry.all_channels():
        outcome = adapter.deliver(None, PostContent(adapter.name, "x", id=1), DeliveryContext("live", tmp_path))
        if adapter.account_fields:
            assert outcome.status == "unauthorized" and "Accounts page" in outcome.message
        else:
            assert outcome.status == "rejected" and "REFRAIN_DELIVERY=outbox" in outcome.message
    assert not list(tmp_path.iterdir())


def test_an_unsaved_post_is_not_delivered(tmp_path):
    assert deliver(tmp_path, PostContent("twitter", "Hello")).status == "rejected"


def test_problems_and_validations_as_json():
    assert Problem("too_long", "m").to_dict() == {"code": "too_long", "message": "m", "severity": "error"}
    assert Problem("x", "m", "warning", "body", 0, 3).to_dict() == {
        "code": "x",
        "message": "m",
        "severity": "warning",
        "field": "body",
        "start": 0,
        "end": 3,
    }
    as_dict = check("twitter", "Hello").to_dict()
    assert as_dict["valid"] is True and as_dict["problems"] == []
    assert as_dict["length"] == {"value": 5, "max": 280, "unit": "weighted characters"}
    assert as_dict["draft"] == {"tweets": ["Hello"]}
    assert check("youtube", "no title").to_dict()["length"] is None


def test_outcomes_are_typed():
    assert Outcome.retry("slow down", retry_after=30).retry_after == 30
    assert {Outcome.unauthorized("x").status, Outcome.unconfirmed("x").status} == {"unauthorized", "unconfirmed"}


def test_extra_fields_of_the_wrong_type_are_problems():
    result = check("ppc", "", link="https://e.com", extra={"headlines": "not a list"})
    assert [p.code for p in result.problems] == ["invalid_headlines"] and not result.valid


def test_registry_lookups():
    assert registry.names() == [
        "blog",
        "bluesky",
        "facebook",
        "mastodon",
        "newsletter",
        "pinterest",
        "ppc",
        "twitter",
        "webhook",
        "youtube",
    ]
    assert registry.names() == sorted(registry.names())
    assert [c.name for c in registry.all_channels()] == registry.names()
    assert registry.get("ppc").label and registry.get("ppc") is registry.get("ppc")
    with pytest.raises(UnknownChannel, match=r"unknown channel 'myspace'; known: .*twitter") as caught:
        registry.get("myspace")
    assert isinstance(caught.value, LookupError)


def test_every_channel_states_its_limits_and_fields():
    for adapter in registry.all_channels():
        assert adapter.limits and adapter.label
        assert all(isinstance(kind, type) for kind in adapter.extra_fields.values())
        assert adapter.feed_content_type in ("article", "video", "image", "link", "text", "email")
    assert registry.get("youtube").limits == {"title": 100, "description_bytes": 5000, "tags_total": 500}
    assert registry.get("ppc").limits == {
        "headlines": [3, 15],
        "headline_length": 30,
        "descriptions": [2, 4],
        "description_length": 90,
        "path_length": 15,
    }


def test_read_feed_entry_gives_one_shape():
    entry = {
        "title": "T",
        "link": "https://e.com/1",
        "summary": "S",
        "published_parsed": time.struct_time((2031, 9, 1, 8, 0, 0, 0, 244, 0)),
        "media_thumbnail": [{"url": "https://e.com/t.jpg"}],
        "enclosures": [{"href": "https://e.com/a.mp3", "type": "audio/mpeg"}, {"href": "https://e.com/t.jpg"}],
    }
    item = registry.get("ppc").read_feed_entry(entry)
    assert item == {
        "remote_id": "https://e.com/1",
        "title": "T",
        "link": "https://e.com/1",
        "summary": "S",
        "published_at": item["published_at"],
        "content_type": "link",
        "media": [
            {"url": "https://e.com/t.jpg", "type": "image", "alt": ""},
            {"url": "https://e.com/a.mp3", "type": "audio", "alt": ""},
        ],
        "metrics": {},
    }
    assert item["published_at"].isoformat() == "2031-09-01T08:00:00+00:00"
    for adapter in registry.all_channels():
        empty = adapter.read_feed_entry({})
        assert empty["published_at"] is None and empty["remote_id"] == "" and empty["media"] == []


MEDIA_PROBLEMS = [
    ("not a list", "invalid_media", "list of attachments"),
    (["https://e.com/p.png"], "invalid_media", "attachment 1 must be an object"),
    ([{"type": "image", "alt": "x"}], "invalid_media", "attachment 1 needs a url"),
    ([{"url": "https://e.com/p.png", "type": "picture", "alt": "x"}], "invalid_media", "has type 'picture'"),
    ([{"url": "https://e.com/p.png", "type": "image", "alt": 3}], "invalid_media", "alt text"),
]


@pytest.mark.parametrize("media, code, words", MEDIA_PROBLEMS)
def test_malformed_media_is_an_error_that_says_what_is_wrong(media, code, words):
    result = check("twitter", "Look", extra={"media": media})
    assert not result.valid and result.draft is None
    assert [p.code for p in result.problems] == [code] and words in result.problems[0].message
    assert result.problems[0].field == "media"


def test_media_is_a_kind_any_list_of_objects_is_an_instance_of():
    assert isinstance([], Media) and isinstance([{"url": "u"}], Media)
    assert not isinstance(["u"], Media) and not isinstance("u", Media)


def test_an_image_without_alt_text_is_a_warning_and_the_draft_still_renders():
    media = [
        {"url": "https://e.com/p.png", "type": "image"},
        {"url": "https://e.com/v.mp4", "type": "video"},
        {"url": "https://e.com/q.png", "type": "image", "alt": "  "},
    ]
    result = check("twitter", "Look", extra={"media": media})
    assert result.valid and [(p.code, p.severity) for p in result.problems] == [("image_without_alt", "warning")] * 2
    assert "image 3 (https://e.com/q.png) has no alt text" in result.problems[1].message
    assert result.draft.payload["media"][0] == {"url": "https://e.com/p.png", "type": "image", "alt": ""}
