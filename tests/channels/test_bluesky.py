"""Bluesky: 300 graphemes with links in full, and facets with UTF-8 byte offsets."""

import pytest

from channels import registry
from channels.bluesky import facets
from tests.channels.helpers import check, codes

FAMILY = "👨‍👩‍👧‍👦"  # four people joined by zero-width joiners: 7 code points, 25 bytes, 1 grapheme
E_ACUTE = "e\u0301"  # e and a combining accent: 2 code points, 1 grapheme


@pytest.mark.parametrize(
    "body, length",
    [
        ("x" * 300, 300),
        (FAMILY * 120, 120),  # 3000 bytes: as many families as Bluesky takes
        ("🌍" * 300, 300),
        (E_ACUTE * 300, 300),
        ("夏" * 300, 300),
        ("https://example.com/" + "x" * 80, 100),  # a link counts in full, as typed
    ],
)
def test_length_is_counted_in_graphemes(body, length):
    result = check("bluesky", body)
    assert result.length.value == length and result.valid


def test_one_grapheme_over_is_an_error_pointing_at_it():
    result = check("bluesky", FAMILY * 301)
    problem = result.problems[0]
    assert not result.valid and problem.code == "too_long" and problem.message.startswith("1 characters over")
    assert problem.start == len(FAMILY) * 300 and problem.end == len(FAMILY) * 301


def test_more_than_3000_bytes_is_too_long_however_few_the_graphemes():
    """The PDS refuses a record whose text passes 3000 bytes of UTF-8 ("string too big"), which 121
    families (25 bytes each) do in 121 graphemes."""
    result = check("bluesky", FAMILY * 121)
    [problem] = result.problems
    assert not result.valid and problem.code == "too_long" and "3000 bytes" in problem.message
    assert problem.start == len(FAMILY) * 120 and problem.end == len(FAMILY) * 121
    assert check("bluesky", "夏" * 300).valid, "300 Chinese characters are 900 bytes"


def test_more_than_three_languages_is_an_error():
    assert "too_many_langs" in codes(check("bluesky", "Bonjour", extra={"langs": ["fr", "en", "de", "es"]}))
    assert check("bluesky", "Bonjour", extra={"langs": ["fr", "en", "de"]}).valid


def spans(text):
    """What each facet covers, read back through its byte offsets, with its feature."""
    data = text.encode("utf-8")
    return [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"][0]) for f in facets(text)
    ]


def test_facets_use_utf8_byte_offsets():
    text = f"Café {FAMILY} 夏季 @alice.bsky.social: #été! https://example.com/été?x=1."
    assert spans(text) == [
        ("@alice.bsky.social", {"$type": "app.bsky.richtext.facet#mention", "handle": "alice.bsky.social"}),
        ("#été", {"$type": "app.bsky.richtext.facet#tag", "tag": "été"}),
        (
            "https://example.com/été?x=1",
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/été?x=1"},
        ),
    ]
    first = facets(text)[0]["index"]
    # "Café " is 6 bytes, the family 25, " 夏季 " 8: the mention starts at byte 39, not at character 13
    assert first == {"byteStart": 39, "byteEnd": 39 + len("@alice.bsky.social")}


def test_what_is_not_a_facet():
    assert facets("mail me at a@b.com, #123 is a number, word#tag, @nodot and x@y.z") == []
    heavy = "a" + "".join(chr(0x301 + n) for n in range(10))  # a letter under ten accents: 1 grapheme, 21 bytes
    assert facets("#" + "a" * 65) == [] and facets("#" + heavy * 31) == [], "over 64 graphemes, over 640 bytes"
    assert len(facets("#" + heavy * 30)) == 1
    assert spans("#夏季优惠 (@bob.test)") == [
        ("#夏季优惠", {"$type": "app.bsky.richtext.facet#tag", "tag": "夏季优惠"}),
        ("@bob.test", {"$type": "app.bsky.richtext.facet#mention", "handle": "bob.test"}),
    ]


def test_the_draft_is_a_post_record_with_facets_langs_and_media():
    picture = {"url": "https://e.com/p.png", "type": "image", "alt": "A picture"}
    result = check(
        "bluesky", "Ready #launch", link="https://example.com/l", extra={"langs": ["en", "fr"], "media": [picture]}
    )
    payload = result.draft.payload
    assert payload["text"] == "Ready #launch\n\nhttps://example.com/l" and payload["langs"] == ["en", "fr"]
    assert [f["features"][0]["$type"].split("#")[1] for f in payload["facets"]] == ["tag", "link"]
    assert payload["media"] == [picture] and result.valid
    assert "too_many_media" in codes(check("bluesky", "x", extra={"media": [picture] * 5}))
    assert "empty" in codes(check("bluesky", " "))
    assert registry.get("bluesky").limits == {"graphemes": 300, "media": 4}
