"""Adapting a post from each channel to each other channel gives a draft that passes validation."""
from itertools import permutations

import pytest

from channels import registry
from channels.base import PostContent
from channels.twitter import weighted_length

ENGLISH = {
    "twitter": PostContent("twitter", "Our guide to planning a quarter around one theme. It takes an afternoon. "
                                      "https://example.com/guides/quarter", link="https://example.com/guides/quarter",
                           campaign="q3"),
    "youtube": PostContent("youtube", "A four-minute tour of the winter launch: calendars, alerts, reports.\n\n"
                                      "Chapters: 0:00 intro <3", title="Atlas 2.0 in 4 minutes",
                           link="https://example.com/video", extra={"tags": ["atlas", "content planning"]}),
    "newsletter": PostContent("newsletter", "## What changed in June\n\nThree things changed this month. Calendars "
                                            "sync both ways. Reports arrive on Monday.\n\n## Coming next\n\nMore.",
                              title="The June letter", link="https://example.com/letter"),
    "blog": PostContent("blog", "Planning a quarter around **one idea** keeps a team honest. " * 20
                                + "\n\n## How\n\nStart with the theme, then the channels.",
                        title="How to plan a quarter around one theme, without going one-note on every channel",
                        link="https://example.com/blog/plan"),
    "ppc": PostContent("ppc", "Plan every channel around one theme. Try it free.", title="Atlas 2.0",
                       link="https://example.com/atlas",
                       extra={"headlines": ["Atlas 2.0", "Plan a quarter", "Stay on theme"],
                              "descriptions": ["Plan every channel.", "Try it free."]}),
}
FRENCH_AND_CHINESE = {
    "twitter": PostContent("twitter", "L'offre d'été est là : trois idées pour tenir le thème tout l'été. " * 3,
                           link="https://example.com/ete"),
    "youtube": PostContent("youtube", "视频介绍：如何围绕一个主题规划整个季度。" * 20, title="季度规划入门",
                           link="https://example.com/zh/video"),
    "newsletter": PostContent("newsletter", "## L'offre d'été\n\nTout ce qu'il faut savoir sur l'offre. "
                                            "Trois idées pour l'été.", title="La lettre de juin",
                              link="https://example.com/lettre"),
    "blog": PostContent("blog", "围绕一个主题规划内容，可以让团队保持一致。" * 30, title="夏季优惠：如何规划一个季度的内容",
                        link="https://example.com/zh/blog"),
    "ppc": PostContent("ppc", "Planifiez chaque canal autour d'un thème. Essai gratuit.",
                       title="Atlas 2.0 en français", link="https://example.com/fr/atlas"),
}
PAIRS = list(permutations(ENGLISH, 2))


@pytest.mark.parametrize("sources", [ENGLISH, FRENCH_AND_CHINESE], ids=["english", "french-chinese"])
@pytest.mark.parametrize("source, target", PAIRS, ids=[f"{s}-to-{t}" for s, t in PAIRS])
def test_adapt_between_channels_gives_a_valid_draft(sources, source, target):
    adapter = registry.get(target)
    adapted = adapter.adapt(sources[source])
    assert adapted.channel == target and adapted.campaign == sources[source].campaign
    result = adapter.validate(adapted)
    assert result.valid, [p.message for p in result.problems]


def test_a_blog_post_becomes_a_tweet_with_its_link():
    blog = ENGLISH["blog"]
    tweets = registry.get("twitter").validate(registry.get("twitter").adapt(blog)).draft.payload["tweets"]
    assert tweets == [f"{blog.title} {blog.link}"]
    wordy = PostContent("blog", "Body.", title="A title that goes on and on " * 12, link=blog.link)
    tweets = registry.get("twitter").validate(registry.get("twitter").adapt(wordy)).draft.payload["tweets"]
    assert tweets[0].startswith("A title that goes on") and tweets[0].endswith("… " + blog.link)
    assert 270 <= weighted_length(tweets[0]) <= 280


def test_a_tweet_becomes_a_feature_section_with_a_tracked_call_to_action():
    issue = registry.get("newsletter").adapt(ENGLISH["twitter"])
    result = registry.get("newsletter").validate(issue)
    section = result.draft.payload["sections"][0]
    assert section["heading"].startswith("Our guide") and "utm_medium=email" in section["link"]
    assert "untracked_link" not in {p.code for p in result.problems}


def test_youtube_keeps_the_tags_and_drops_angle_brackets():
    video = registry.get("youtube").adapt(ENGLISH["youtube"])
    assert video.extra["tags"] == ["atlas", "content planning"] and "<" not in video.body
    assert registry.get("blog").adapt(ENGLISH["youtube"]).extra["tags"] == ["atlas", "content planning"]


def test_a_short_source_still_makes_a_valid_ad():
    adapted = registry.get("ppc").adapt(PostContent("twitter", "Nouveau !", link="https://example.com"))
    assert registry.get("ppc").validate(adapted).valid
