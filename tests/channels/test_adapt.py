"""Adapting a post from each channel to each other channel gives a draft that passes validation,
and the "Use on…" routes give each channel its own shape."""

from itertools import permutations
from urllib.parse import parse_qs, urlsplit

import pytest

from channels import registry
from channels.base import PostContent
from channels.bluesky import MAX_GRAPHEMES
from channels.shaping import grapheme_count
from channels.twitter.threads import weighted_length

ENGLISH = {
    "twitter": PostContent(
        "twitter",
        "Our guide to planning a quarter around one theme. It takes an afternoon. https://example.com/guides/quarter",
        link="https://example.com/guides/quarter",
        campaign="q3",
    ),
    "youtube": PostContent(
        "youtube",
        "A four-minute tour of the winter launch: calendars, alerts, reports.\n\nChapters: 0:00 intro <3",
        title="Atlas 2.0 in 4 minutes",
        link="https://example.com/video",
        extra={"tags": ["atlas", "content planning"]},
    ),
    "newsletter": PostContent(
        "newsletter",
        "## What changed in June\n\nThree things changed this month. Calendars "
        "sync both ways. Reports arrive on Monday.\n\n## Coming next\n\nMore.",
        title="The June letter",
        link="https://example.com/letter",
    ),
    "blog": PostContent(
        "blog",
        "Planning a quarter around **one idea** keeps a team honest. " * 20
        + "\n\n## How\n\nStart with the theme, then the channels.",
        title="How to plan a quarter around one theme, without going one-note on every channel",
        link="https://example.com/blog/plan",
    ),
    "ppc": PostContent(
        "ppc",
        "Plan every channel around one theme. Try it free.",
        title="Atlas 2.0",
        link="https://example.com/atlas",
        extra={
            "headlines": ["Atlas 2.0", "Plan a quarter", "Stay on theme"],
            "descriptions": ["Plan every channel.", "Try it free."],
        },
    ),
    "mastodon": PostContent(
        "mastodon",
        "Our summer board, in one picture. Three columns, one theme. #planning "
        "@atlas@mastodon.social https://example.com/board",
        link="https://example.com/board",
        title="Our summer board, in one picture.",
        extra={
            "media": [
                {
                    "url": "https://files.example.social/board.png",
                    "type": "image",
                    "alt": "A whiteboard with three columns",
                }
            ]
        },
    ),
    "bluesky": PostContent(
        "bluesky",
        "Shipping the calendar sync today 🎉 @atlas.bsky.social #planning",
        link="https://bsky.app/profile/atlas.bsky.social/post/3kxyz",
        title="Shipping the calendar sync today 🎉",
    ),
    "facebook": PostContent(
        "facebook",
        "Our summer board is up: three columns, one theme, every channel.\n\nTell us what you would plan first.",
        link="https://example.com/board",
        extra={
            "media": [
                {"url": "https://cdn.example.com/board.jpg", "type": "image", "alt": "A whiteboard with three columns"}
            ]
        },
    ),
    "pinterest": PostContent(
        "pinterest",
        "Three columns, one theme: a planning board to copy for your quarter.",
        title="Quarter planning board",
        link="https://example.com/board",
        extra={
            "media": [
                {
                    "url": "https://cdn.example.com/pin.png",
                    "type": "image",
                    "alt": "A planning board with three columns",
                }
            ]
        },
    ),
    "webhook": PostContent(
        "webhook",
        "## Release notes\n\nCalendars sync both ways. Reports arrive on Monday.",
        title="Atlas 2.1",
        link="https://example.com/releases/2.1",
    ),
}
FRENCH_AND_CHINESE = {
    "twitter": PostContent(
        "twitter",
        "L'offre d'été est là : trois idées pour tenir le thème tout l'été. " * 3,
        link="https://example.com/ete",
    ),
    "youtube": PostContent(
        "youtube",
        "视频介绍：如何围绕一个主题规划整个季度。" * 20,
        title="季度规划入门",
        link="https://example.com/zh/video",
    ),
    "newsletter": PostContent(
        "newsletter",
        "## L'offre d'été\n\nTout ce qu'il faut savoir sur l'offre. Trois idées pour l'été.",
        title="La lettre de juin",
        link="https://example.com/lettre",
    ),
    "blog": PostContent(
        "blog",
        "围绕一个主题规划内容，可以让团队保持一致。" * 30,
        title="夏季优惠：如何规划一个季度的内容",
        link="https://example.com/zh/blog",
    ),
    "ppc": PostContent(
        "ppc",
        "Planifiez chaque canal autour d'un thème. Essai gratuit.",
        title="Atlas 2.0 en français",
        link="https://example.com/fr/atlas",
    ),
    "mastodon": PostContent(
        "mastodon",
        "夏季优惠来了！👨‍👩‍👧‍👦 全家一起规划。 #夏季 " + "Café crème, thème d'été. " * 12,
        link="https://mastodon.example/@atlas/111",
        title="夏季优惠来了！",
        extra={"media": [{"url": "https://files.example.social/ete.jpg", "type": "image", "alt": ""}]},
    ),
    "bluesky": PostContent(
        "bluesky", "L'été de Ce\u0301cile 🇫🇷 : 三个想法 #été", link="https://bsky.app/profile/a.bsky.social/post/3k"
    ),
    "facebook": PostContent("facebook", "夏季优惠来了！Trois idées pour l'été. " * 40, link="https://example.com/ete"),
    "pinterest": PostContent(
        "pinterest",
        "Un tableau pour l'été : 三个想法。",
        title="Tableau d'été 夏季",
        link="https://example.com/fr/tableau",
        extra={
            "media": [{"url": "https://cdn.example.com/ete.png", "type": "image", "alt": "Un tableau à trois colonnes"}]
        },
    ),
    "webhook": PostContent(
        "webhook",
        "Notes de version : 日历双向同步。" * 200,
        title="Atlas 2.1 en français",
        link="https://example.com/fr/notes",
    ),
}
PAIRS = list(permutations(registry.names(), 2))


@pytest.mark.parametrize("sources", [ENGLISH, FRENCH_AND_CHINESE], ids=["english", "french-chinese"])
@pytest.mark.parametrize("source, target", PAIRS, ids=[f"{s}-to-{t}" for s, t in PAIRS])
def test_adapt_between_channels_gives_a_valid_draft(sources, source, target):
    adapter = registry.get(target)
    adapted = adapter.adapt(sources[source])
    assert adapted.channel == target and adapted.campaign == sources[source].campaign
    result = adapter.validate(adapted)
    if target == "pinterest" and not adapted.extra.get("media"):
        # a pin is a picture: from a source without one, the draft asks for it and for nothing else
        assert [p.code for p in result.problems if p.severity == "error"] == ["missing_image"]
        return
    assert result.valid, [p.message for p in result.problems]


def test_every_channel_has_sources_in_both_languages():
    shipped = {name for name in registry.names() if type(registry.get(name)).__module__.startswith("channels.")}
    assert set(ENGLISH) == set(FRENCH_AND_CHINESE) == shipped and len(PAIRS) == 90  # not the tests' own channels


def use_on(target, source):
    """A route as the app takes it: adapt, then validate; the draft must be valid."""
    result = registry.get(target).validate(registry.get(target).adapt(source))
    assert result.valid, [p.message for p in result.problems]
    return result


def test_a_blog_post_becomes_a_thread_headline_and_link_then_key_sentences():
    blog = ENGLISH["blog"]
    adapted = registry.get("twitter").adapt(blog)
    assert adapted.extra["thread"] is True
    tweets = use_on("twitter", blog).draft.payload["tweets"]
    assert tweets == [
        f"{blog.title} {blog.link} 1/3",
        "Planning a quarter around one idea keeps a team honest. 2/3",
        "Start with the theme, then the channels. 3/3",
    ]


def test_a_long_article_gives_at_most_four_key_sentences_each_a_tweet():
    body = "\n\n".join(
        f"Point {n} is the first sentence of paragraph {n}. It has a second sentence, too." for n in range(1, 8)
    )
    article = PostContent("blog", body, title="Seven points", link="https://example.com/seven")
    tweets = use_on("twitter", article).draft.payload["tweets"]
    assert len(tweets) == 5 and tweets[0] == "Seven points https://example.com/seven 1/5"
    assert [t.split(" ")[1] for t in tweets[1:]] == ["1", "2", "3", "4"]
    assert all(weighted_length(t) <= 280 for t in tweets)


def test_a_long_blog_sentence_is_shortened_to_one_tweet():
    body = ("This sentence goes on " * 30 + "and ends.") + "\n\nA second paragraph. " + "Another one. " * 3
    long_post = PostContent("blog", body, title="Long", link="https://e.com/l")
    tweets = use_on("twitter", long_post).draft.payload["tweets"]
    assert tweets[2:] == ["A second paragraph. 3/4", "Another one. 4/4"]  # repeats dropped
    assert tweets[1].endswith("… 2/4") and weighted_length(tweets[1]) <= 280


def test_a_blog_post_with_one_point_is_one_tweet():
    blog = ENGLISH["blog"]
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


def test_a_blog_post_becomes_an_ad_group_with_a_tracked_final_url():
    ad = use_on("ppc", ENGLISH["blog"]).draft.payload
    assert len(ad["headlines"]) >= 3 and len(ad["descriptions"]) >= 2
    query = parse_qs(urlsplit(ad["final_url"]).query)
    assert ad["final_url"].startswith(ENGLISH["blog"].link + "?")
    assert (query["utm_source"], query["utm_medium"]) == (["google"], ["cpc"])


VIDEO = PostContent(
    "youtube",
    "A four-minute tour of the winter launch. Calendars sync both ways.",
    title="Atlas 2.0 in 4 minutes",
    link="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    extra={
        "media": [
            {
                "url": "https://i1.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
                "type": "image",
                "alt": "Atlas 2.0 in 4 minutes",
            }
        ]
    },
)


def test_a_video_becomes_a_tweet_with_the_video_link_and_no_picture_over_its_card():
    payload = use_on("twitter", VIDEO).draft.payload
    assert payload == {"tweets": [f"{VIDEO.title} {VIDEO.link}"]}


def test_a_video_becomes_a_blog_post_showing_its_thumbnail_linked_to_the_video():
    markdown = use_on("blog", VIDEO).draft.payload["markdown"]
    block = (
        "[![Atlas 2.0 in 4 minutes (video)](https://i1.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg)]"
        "(https://www.youtube.com/watch?v=dQw4w9WgXcQ)"
    )
    assert block in markdown and markdown.index(block) < markdown.index("A four-minute tour")
    assert "<iframe" not in markdown
    bare = PostContent("youtube", "Tour.", title="Tour", link="https://youtu.be/dQw4w9WgXcQ")
    assert (
        "(https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg)](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"
        in registry.get("blog").adapt(bare).body
    )


PICTURE = {"url": "https://cdn.example.com/board.png", "type": "image", "alt": "A whiteboard with three columns"}
VISUAL = PostContent(
    "mastodon",
    "Our summer board, in one picture. Three columns, one theme.",
    link="https://example.com/board",
    extra={"media": [PICTURE]},
)


@pytest.mark.parametrize("target", ["twitter", "mastodon", "bluesky"])
def test_a_visual_is_attached_with_its_alt_text_on_social_channels(target):
    assert use_on(target, VISUAL).draft.payload["media"] == [PICTURE]


def test_a_visual_illustrates_the_newsletter_feature_the_blog_the_ad_and_the_video():
    section = use_on("newsletter", VISUAL).draft.payload["sections"][0]
    assert section["image"] == {"url": PICTURE["url"], "alt": PICTURE["alt"]}
    blog = use_on(
        "blog", PostContent("mastodon", VISUAL.body, title="The board", link=VISUAL.link, extra=VISUAL.extra)
    ).draft.payload["markdown"]
    assert f"![{PICTURE['alt']}]({PICTURE['url']})" in blog
    assert use_on("ppc", VISUAL).draft.payload["images"] == [{"url": PICTURE["url"], "alt": PICTURE["alt"]}]
    video = use_on("youtube", PostContent("blog", VISUAL.body, title="The board", extra=VISUAL.extra))
    assert video.draft.payload["thumbnail"] == {"url": PICTURE["url"], "alt": PICTURE["alt"]}


def test_a_picture_without_alt_text_carries_over_with_a_warning():
    bare = PostContent("mastodon", "Look.", link="https://e.com", extra={"media": [{**PICTURE, "alt": ""}]})
    result = use_on("bluesky", bare)
    assert [(p.code, p.severity) for p in result.problems] == [("image_without_alt", "warning")]


def test_a_long_source_fits_a_toot_and_a_skeet_with_its_link():
    toot = use_on("mastodon", ENGLISH["blog"]).draft.payload["status"]
    assert toot.startswith(ENGLISH["blog"].title + "\n\n") and toot.endswith("\n\n" + ENGLISH["blog"].link)
    skeet = use_on("bluesky", FRENCH_AND_CHINESE["blog"]).draft.payload["text"]
    assert grapheme_count(skeet) <= MAX_GRAPHEMES and skeet.endswith(FRENCH_AND_CHINESE["blog"].link)
    assert skeet.count(FRENCH_AND_CHINESE["blog"].link) == 1


def test_a_short_source_still_makes_a_valid_ad():
    adapted = registry.get("ppc").adapt(PostContent("twitter", "Nouveau !", link="https://example.com"))
    assert registry.get("ppc").validate(adapted).valid
