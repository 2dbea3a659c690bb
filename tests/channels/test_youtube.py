"""YouTube: title in characters, description in bytes, angle brackets, the tags budget, the Data API shape."""

from datetime import datetime, timedelta, timezone

import pytest

from channels.youtube import tags_length
from tests.channels.helpers import WHEN, check, codes


@pytest.mark.parametrize(
    "title, valid", [("t" * 100, True), ("t" * 101, False), ("é" * 100, True), ("视" * 100, True), ("视" * 101, False)]
)
def test_title_is_counted_in_characters(title, valid):
    result = check("youtube", "A tour", title=title)
    assert result.valid is valid and ("title_too_long" in codes(result)) is not valid


@pytest.mark.parametrize(
    "body, valid",
    [
        ("é" * 2500, True),
        ("é" * 2500 + "x", False),
        ("x" * 5000, True),
        ("x" * 5001, False),
        ("视" * 1666, True),
        ("视" * 1667, False),
    ],
)
def test_description_is_counted_in_utf8_bytes(body, valid):
    result = check("youtube", body, title="Tour")
    assert result.valid is valid and ("description_too_long" in codes(result)) is not valid
    assert (result.length.value, result.length.max, result.length.unit) == (len(body.encode()), 5000, "bytes")


def test_the_link_counts_in_the_description():
    link = "https://example.com/v"  # 21 bytes + 2 for the blank line
    assert check("youtube", "x" * 4977, title="t", link=link).valid
    assert not check("youtube", "x" * 4978, title="t", link=link).valid


def test_angle_brackets_are_refused_by_field():
    result = check("youtube", "Fast <3", title="Speed > all", extra={"tags": ["a<b"]})
    found = {p.field: p for p in result.problems if p.code == "angle_brackets"}
    assert set(found) == {"title", "body", "tags"} and not result.valid
    assert found["title"].start == 6 and "title" in found["title"].message
    assert "description" in found["body"].message


@pytest.mark.parametrize(
    "tags, total, valid",
    [
        (["x" * 99] * 5, 499, True),  # 495 + 4 commas
        (["x" * 100] * 5, 504, False),
        (["x" * 98] * 5 + ["y" * 5], 500, True),  # 495 + 5 commas
        (["x" * 98] * 5 + ["y" * 6], 501, False),
        (["two words", "x" * 487], 499, True),  # 9 + 2 quotes + 1 comma + 487
        (["two words", "x" * 489], 501, False),
    ],
)
def test_tags_total_at_the_boundary(tags, total, valid):
    assert tags_length(tags) == total
    result = check("youtube", "d", title="t", extra={"tags": tags})
    assert result.valid is valid and ("tags_too_long" in codes(result)) is not valid


def test_draft_is_the_data_api_shape():
    result = check("youtube", "Description", title=" Title ", link="https://example.com", extra={"tags": ["a b"]})
    assert result.draft.payload == {
        "snippet": {
            "title": "Title",
            "description": "Description\n\nhttps://example.com",
            "tags": ["a b"],
            "categoryId": "22",
        },
        "status": {"privacyStatus": "private", "publishAt": WHEN.isoformat()},
    }
    assert check("youtube", "d", title="t", scheduled_at=None).draft.payload["status"]["publishAt"] is None


def test_a_missing_title_is_a_problem_not_an_exception():
    result = check("youtube", "no title")
    assert codes(result) == {"missing_title"} and result.draft is None and not result.valid


def test_publish_time_is_sent_in_utc_with_its_offset():
    paris = datetime(2031, 9, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    assert (
        check("youtube", "d", title="t", scheduled_at=paris).draft.payload["status"]["publishAt"]
        == "2031-09-01T08:00:00+00:00"
    )
    naive = datetime(2031, 9, 1, 8, 0)
    assert (
        check("youtube", "d", title="t", scheduled_at=naive).draft.payload["status"]["publishAt"]
        == "2031-09-01T08:00:00+00:00"
    )
