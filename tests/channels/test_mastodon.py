"""Mastodon: 500 characters as Mastodon counts them (graphemes, links 23, remote mentions by user name)."""

import pytest

from channels import registry
from tests.channels.helpers import check, codes

LONG_LINK = "https://example.com/" + "x" * 200


@pytest.mark.parametrize(
    "body, length",
    [
        ("x" * 500, 500),
        (f"Read {LONG_LINK}", 5 + 23),
        (f"Two links: {LONG_LINK} and http://e.co.", 11 + 23 + 5 + 23 + 1),  # the full stop is not the link's
        ("Hi @alice@mastodon.example.social", 3 + len("@alice")),
        ("👨‍👩‍👧‍👦 e\u0301 🇫🇷", 5),  # a ZWJ family, e + combining accent and a flag are one character each
        ("夏季优惠", 4),
    ],
)
def test_length_as_mastodon_counts_it(body, length):
    assert check("mastodon", body).length.value == length


def test_the_limit_is_500_and_links_count_23_whatever_their_length():
    assert check("mastodon", "x" * 477 + " " + LONG_LINK[:-1]).length.value == 501
    assert check("mastodon", "x" * 476 + " " + LONG_LINK).valid
    result = check("mastodon", "x" * 501)
    problem = result.problems[0]
    assert not result.valid and problem.code == "too_long" and (problem.start, problem.end) == (500, 501)
    assert "23" in problem.message


def test_the_link_is_added_once_and_the_content_warning_counts():
    draft = check("mastodon", "Read this", link=LONG_LINK).draft.payload
    assert draft == {"status": f"Read this\n\n{LONG_LINK}", "spoiler_text": "", "visibility": "public", "media": []}
    assert check("mastodon", "x" * 490, extra={"spoiler_text": "Spoilers!!"}).length.value == 500
    warned = check("mastodon", "x" * 491, extra={"spoiler_text": "Spoilers!!"})
    assert "too_long" in codes(warned)
    assert warned.draft.preview.startswith("CW: Spoilers!!\n\n")


def test_visibility_media_and_empty_posts():
    assert "invalid_visibility" in codes(check("mastodon", "Hi", extra={"visibility": "everyone"}))
    assert check("mastodon", "Hi", extra={"visibility": "unlisted"}).valid
    picture = {"url": "https://e.com/p.png", "type": "image", "alt": "A picture"}
    assert "too_many_media" in codes(check("mastodon", "Hi", extra={"media": [picture] * 5}))
    assert check("mastodon", "", extra={"media": [picture]}).valid  # a picture alone is a post
    assert "empty" in codes(check("mastodon", "  "))
    assert registry.get("mastodon").limits == {"characters": 500, "url_length": 23, "media": 4}
