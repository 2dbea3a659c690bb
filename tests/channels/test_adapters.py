"""Each channel's draft and its limits at the boundary, adaptation between channels, outbox delivery."""
import json
from datetime import datetime, timezone
from itertools import permutations

import pytest

from channels import registry
from channels.base import DeliveryContext, PostContent
from channels.registry import UnknownChannel

WHEN = datetime(2031, 9, 1, 8, 0, tzinfo=timezone.utc)


def check(channel, body="", **fields):
    extra = fields.pop("extra", {})
    return registry.get(channel).validate(PostContent(channel=channel, body=body, extra=extra, scheduled_at=WHEN,
                                                      campaign="rentree-2031", **fields))


def codes(validation):
    return {p.code for p in validation.problems}


@pytest.mark.parametrize("body, valid, length", [
    ("x" * 280, True, 280), ("x" * 281, False, 281),
    ("字" * 140, True, 280), ("字" * 141, False, 282),
    ("🌍" * 140, True, 280), ("🌍" * 141, False, 282),
    ("a" * 256 + " https://example.com/a/very/long/path/that/is/still/one/link", True, 280),
    ("a" * 257 + " https://example.com/x", False, 281),
    ("Bonjour 🌍 https://example.com", True, 34),
])
def test_twitter_weighted_length_at_the_boundary(body, valid, length):
    result = check("twitter", body)
    assert result.valid is valid and result.length.value == length and result.length.max == 280
    assert ("too_long" in codes(result)) is not valid


def test_twitter_link_is_appended_and_counts_23():
    result = check("twitter", "Read this", link="https://example.com/" + "x" * 100)
    assert result.draft.payload["tweets"] == ["Read this https://example.com/" + "x" * 100]
    assert result.length.value == len("Read this ") + 23


def test_twitter_thread_splits_on_demand_keeping_links_whole_and_order():
    text = " ".join(f"Sentence {n} about the offre d'été." for n in range(40)) + " https://example.com/summer-offer"
    without = check("twitter", text)
    assert not without.valid and "thread" in without.problems[0].message
    thread = check("twitter", text, extra={"thread": True})
    tweets = thread.draft.payload["tweets"]
    assert thread.valid and len(tweets) > 1 and thread.length.value <= 280
    assert tweets[0].endswith(f" 1/{len(tweets)}") and tweets[-1].endswith(f" {len(tweets)}/{len(tweets)}")
    assert any("https://example.com/summer-offer" in t for t in tweets)
    joined = " ".join(t.rsplit(" ", 1)[0] for t in tweets)
    assert joined == " ".join(text.split())


def test_twitter_thread_of_unspaced_chinese():
    tweets = check("twitter", "夏季优惠" * 100, extra={"thread": True}).draft.payload["tweets"]
    assert len(tweets) == 3 and all(registry.get("twitter").validate(
        PostContent(channel="twitter", body=t)).valid for t in tweets)


def test_empty_tweet_is_an_error():
    assert "empty" in codes(check("twitter", "   "))


@pytest.mark.parametrize("title, valid", [("t" * 100, True), ("t" * 101, False), ("é" * 100, True)])
def test_youtube_title_limit_in_characters(title, valid):
    assert check("youtube", "A tour", title=title).valid is valid


@pytest.mark.parametrize("body, valid", [("é" * 2500, True), ("é" * 2500 + "x", False), ("x" * 5000, True)])
def test_youtube_description_limit_in_bytes(body, valid):
    result = check("youtube", body, title="Tour")
    assert result.valid is valid and result.length.unit == "bytes"


def test_youtube_refuses_angle_brackets_and_long_tags():
    result = check("youtube", "Fast <3", title="Speed > all")
    bad = [p for p in result.problems if p.code == "angle_brackets"]
    assert {p.field for p in bad} == {"title", "body"} and bad[0].start == 6
    ok_tags = ["x" * 99] * 5  # 495 + 4 commas = 499
    assert check("youtube", "d", title="t", extra={"tags": ok_tags}).valid
    assert not check("youtube", "d", title="t", extra={"tags": ok_tags + ["y"]}).valid  # 501
    assert not check("youtube", "d", title="t", extra={"tags": ["two words" * 1, "x" * 489]}).valid  # 11+1+489


def test_youtube_draft_is_the_data_api_shape():
    draft = check("youtube", "Description", title="Title", link="https://example.com", extra={"tags": ["a b"]}).draft
    assert draft.payload["snippet"]["description"] == "Description\n\nhttps://example.com"
    assert draft.payload["status"] == {"privacyStatus": "private", "publishAt": WHEN.isoformat()}
    assert "missing_title" in codes(check("youtube", "no title"))


def test_newsletter_issue_has_subject_preheader_and_feature_sections():
    body = "Our lead story. More lines.\n\n## L'offre d'été\n\nTout savoir.\n\n## 本周精选\n\n三篇文章。"
    result = check("newsletter", body, title="Refrain weekly",
                   link="https://example.com/ete?utm_source=newsletter&utm_medium=email")
    issue = result.draft.payload
    assert result.valid and issue["subject"] == "Refrain weekly" and issue["preheader"] == "Our lead story."
    assert [s["heading"] for s in issue["sections"]] == ["Refrain weekly", "L'offre d'été", "本周精选"]
    assert issue["sections"][0]["link"].startswith("https://example.com/ete")
    assert "untracked_link" not in codes(result)


def test_newsletter_flags_untracked_links_and_a_missing_subject():
    result = check("newsletter", "See https://example.com/guide", title="Weekly")
    assert result.valid and "untracked_link" in codes(result)
    assert not check("newsletter", "body only").valid


def test_blog_markdown_with_safe_front_matter():
    title = 'Rentrée: "tout" change'
    result = check("blog", "word " * 60, title=title, extra={"tags": ["planning"]})
    payload = result.draft.payload
    assert result.valid and payload["slug"] == "rentree-tout-change"
    assert payload["filename"] == "2031-09-01-rentree-tout-change.md"
    head = payload["markdown"].split("---\n")[1]
    assert f"title: {json.dumps(title, ensure_ascii=False)}" in head
    assert "short_post" in codes(check("blog", "Too short.", title="Hi"))
    assert check("blog", "中文博客", title="夏季优惠").draft.payload["slug"].startswith("post-")


def test_ppc_responsive_search_ad_limits():
    ad = {"headlines": ["Offre d'été", "Plan a quarter", "x" * 30], "descriptions": ["d" * 90, "Short one"],
          "path1": "summer", "path2": "offer"}
    ok = check("ppc", "", link="https://example.com/offer?ref=ads", extra=ad)
    assert ok.valid
    url = ok.draft.payload["final_url"]
    assert url.startswith("https://example.com/offer?ref=ads&") and "utm_source=google" in url
    assert "utm_medium=cpc" in url and "utm_campaign=rentree-2031" in url
    assert "headline_too_long" in codes(check("ppc", "", link="https://e.com", extra={**ad, "headlines": [
        "Offre d'été", "Plan a quarter", "x" * 31]}))
    assert "headline_too_long" in codes(check("ppc", "", link="https://e.com", extra={**ad, "headlines": [
        "Offre", "Plan", "夏" * 16]}))
    assert check("ppc", "", link="https://e.com", extra={**ad, "headlines": ["Offre", "Plan", "夏" * 15]}).valid
    assert "too_few_descriptions" in codes(check("ppc", "", link="https://e.com",
                                                 extra={**ad, "descriptions": ["only one"]}))
    assert "path_too_long" in codes(check("ppc", "", link="https://e.com", extra={**ad, "path1": "p" * 16}))
    assert "missing_link" in codes(check("ppc", "", extra=ad))
    tagged = check("ppc", "", link="https://e.com/?utm_source=bing", extra=ad).draft.payload["final_url"]
    assert tagged.count("utm_source") == 1 and "utm_source=bing" in tagged


SOURCES = {
    "twitter": PostContent("twitter", "Our guide to planning a quarter around one theme. "
                                      "It takes an afternoon.", link="https://example.com/guides/quarter"),
    "youtube": PostContent("youtube", "A four-minute tour of the winter launch: calendars, alerts, reports.",
                           title="Atlas 2.0 in 4 minutes", link="https://example.com/video"),
    "newsletter": PostContent("newsletter", "## L'offre d'été\n\nTout ce qu'il faut savoir sur l'offre. "
                                            "Trois idées pour l'été.", title="La lettre de juin",
                              link="https://example.com/lettre"),
    "blog": PostContent("blog", "Planning a quarter around one idea keeps a team honest. " * 10,
                        title="How to plan a quarter around one theme", link="https://example.com/blog/plan"),
    "ppc": PostContent("ppc", "Plan every channel around one theme. Try it free.", title="Atlas 2.0",
                       link="https://example.com/atlas",
                       extra={"headlines": ["Atlas 2.0", "Plan a quarter", "Stay on theme"],
                              "descriptions": ["Plan every channel.", "Try it free."]}),
}


@pytest.mark.parametrize("source, target", list(permutations(SOURCES, 2)))
def test_adapt_between_channels_gives_a_valid_draft(source, target):
    adapter = registry.get(target)
    adapted = adapter.adapt(SOURCES[source])
    assert adapted.channel == target
    result = adapter.validate(adapted)
    assert result.valid, [p.message for p in result.problems]


def test_outbox_delivery_is_atomic_and_named_by_post_id(tmp_path):
    twitter = registry.get("twitter")
    post = PostContent("twitter", "Hello", id=42)
    context = DeliveryContext(mode="outbox", outbox_dir=tmp_path)
    draft = twitter.validate(post).draft
    first = twitter.deliver(draft, post, context)
    second = twitter.deliver(draft, post, context)
    assert first.status == second.status == "published"
    files = list((tmp_path / "twitter").iterdir())
    assert [f.name for f in files] == ["42.json"]
    assert json.loads(files[0].read_text())["draft"] == {"tweets": ["Hello"]}


def test_outbox_write_failure_is_a_retry_not_an_exception(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    post = PostContent("twitter", "Hello", id=1)
    outcome = registry.get("twitter").deliver(registry.get("twitter").validate(post).draft, post,
                                              DeliveryContext(mode="outbox", outbox_dir=blocker))
    assert outcome.status == "retry" and "outbox" in outcome.message


def test_registry_lookups():
    assert {"twitter", "youtube", "newsletter", "blog", "ppc"} <= set(registry.names())
    assert registry.get("ppc").label
    with pytest.raises(UnknownChannel, match="known: .*twitter"):
        registry.get("myspace")
