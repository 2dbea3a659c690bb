"""Twitter: weighted length at the 280 boundary, the link, threads on demand."""

import re

import pytest

from channels import registry
from channels.twitter.threads import weighted_length
from tests.channels.helpers import check, codes, post

URL = "https://example.com/summer-offer"


@pytest.mark.parametrize(
    "body, valid, length",
    [
        ("x" * 280, True, 280),
        ("x" * 281, False, 281),
        ("字" * 140, True, 280),
        ("字" * 141, False, 282),
        ("🌍" * 140, True, 280),
        ("🌍" * 141, False, 282),
        ("a" * 256 + " https://example.com/a/very/long/path/that/is/still/one/link", True, 280),
        ("a" * 257 + " https://example.com/x", False, 281),
        ("Bonjour 🌍 https://example.com", True, 34),
    ],
)
def test_weighted_length_at_the_boundary(body, valid, length):
    result = check("twitter", body)
    assert result.valid is valid
    assert (result.length.value, result.length.max, result.length.unit) == (length, 280, "weighted characters")
    assert ("too_long" in codes(result)) is not valid


def test_too_long_says_by_how_much_where_and_suggests_a_thread():
    problem = check("twitter", "x" * 283).problems[0]
    assert problem.code == "too_long" and problem.severity == "error"
    assert problem.message.startswith("3 weighted characters over") and "thread" in problem.message
    assert (problem.start, problem.end) == (280, 283)


def test_the_link_is_appended_once_and_counts_23():
    result = check("twitter", "Read this", link="https://example.com/" + "x" * 100)
    assert result.draft.payload == {"tweets": ["Read this https://example.com/" + "x" * 100]}
    assert result.length.value == len("Read this ") + 23
    already = check("twitter", f"Read {URL} today", link=URL)
    assert already.draft.payload["tweets"] == [f"Read {URL} today"]


def test_a_link_pushes_a_full_tweet_over():
    assert check("twitter", "x" * 256, link=URL).length.value == 280
    assert not check("twitter", "x" * 257, link=URL).valid


def test_empty_tweet_is_an_error():
    assert "empty" in codes(check("twitter", "   "))
    assert "empty" in codes(check("twitter", "", link=URL))


def thread(body, **fields):
    result = check("twitter", body, extra={"thread": True}, **fields)
    assert result.valid, [p.message for p in result.problems]
    return result.draft.payload["tweets"]


def without_numbering(tweets):
    return [re.sub(r" \d+/\d+$", "", t) for t in tweets]


def test_thread_parts_fit_keep_order_and_are_numbered():
    text = " ".join(f"Sentence {n} about the offre d'été." for n in range(40)) + f" {URL}"
    assert "thread" in check("twitter", text).problems[0].message
    tweets = thread(text)
    assert len(tweets) > 1 and all(weighted_length(t) <= 280 for t in tweets)
    assert [t.rsplit(" ", 1)[1] for t in tweets] == [f"{n}/{len(tweets)}" for n in range(1, len(tweets) + 1)]
    assert " ".join(without_numbering(tweets)) == " ".join(text.split())
    assert sum(URL in t for t in tweets) == 1


def test_thread_cuts_between_sentences_when_they_are_short():
    text = " ".join(f"Idea number {n} is worth a full sentence of its own, and here it ends." for n in range(12))
    assert all(part.endswith("ends.") for part in without_numbering(thread(text)))


def test_thread_puts_the_link_in_the_first_tweet_and_never_breaks_it():
    long_link = "https://example.com/" + "path/" * 60
    tweets = thread("word " * 120, link=long_link)
    assert long_link in tweets[0] and all(long_link not in t for t in tweets[1:])
    assert all(weighted_length(t) <= 280 for t in tweets)
    inside = thread("word " * 50 + long_link + " word" * 50)
    assert sum(long_link in t for t in inside) == 1


def test_a_text_that_fits_stays_one_tweet_even_with_thread_on():
    assert thread("Short and sweet.") == ["Short and sweet."]


def test_thread_of_unspaced_chinese():
    tweets = thread("夏季优惠来了。" * 60)
    assert len(tweets) > 1 and all(weighted_length(t) <= 280 for t in tweets)
    assert "".join(without_numbering(tweets)) == "夏季优惠来了。" * 60


def test_a_long_thread_numbers_past_nine_and_still_fits():
    tweets = thread("Thirty-odd words to say, again and again, in a long thread. " * 60)
    assert len(tweets) >= 10 and tweets[-1].endswith(f" {len(tweets)}/{len(tweets)}")
    assert all(weighted_length(t) <= 280 for t in tweets)


def test_limits_for_the_channel_list():
    assert registry.get("twitter").limits == {"weighted_length": 280, "url_length": 23}
    assert (
        registry.get("twitter").validate(post("twitter", "hi", extra={"thread": "yes"})).problems[0].code
        == "invalid_thread"
    )


def test_dashes_cut_a_thread_where_the_author_chose():
    tweets = thread("Headline\n---\nFirst point.\n---\nSecond point.", link=URL)
    assert tweets == [f"Headline {URL} 1/3", "First point. 2/3", "Second point. 3/3"]
    assert check("twitter", "Headline\n---\nPoint.").draft.payload["tweets"] == ["Headline\n---\nPoint."]


def test_attached_media_are_in_the_payload_and_at_most_four():
    picture = {"url": "https://e.com/p.png", "type": "image", "alt": "A picture"}
    assert check("twitter", "Look", extra={"media": [picture]}).draft.payload == {
        "tweets": ["Look"],
        "media": [picture],
    }
    assert "too_many_media" in codes(check("twitter", "Look", extra={"media": [picture] * 5}))
