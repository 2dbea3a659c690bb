from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scheduler.domain.patterns import feature_values, find_patterns, link_domain, link_path, noise_threshold
from scheduler.domain.ranking import ItemFacts

MONDAY = datetime(2024, 1, 1, tzinfo=timezone.utc)  # a Monday, in winter (Paris is UTC+1)


def spread_time(i):
    """Publication times that cycle through every weekday and 3-hour slot, whatever the group."""
    return MONDAY + timedelta(days=(i * 3) % 28, hours=(i * 5) % 24)


def tweet(item_id, replies, link="", channel="twitter", published_at=None, **extra):
    metrics = {"impressions": 1000.0, "replies": float(replies), "likes": float(5 + item_id % 3)}
    metrics.update({key: float(value) for key, value in extra.pop("metrics", {}).items()})
    return ItemFacts(item_id, channel, published_at or spread_time(item_id), metrics, link=link, **extra)


def around(mean, count):
    """count values averaging exactly mean: mean - 1, mean + 1, ... (and mean itself if count is odd)."""
    return ([mean - 1, mean + 1] * count)[: count - count % 2] + [mean] * (count % 2)


def guides_and_others(guides, others=60, channel="twitter"):
    """Guide tweets with 3 replies on average, others (linking nowhere) with 1."""
    items = [
        tweet(i, replies, "https://www.example.com/guides/setup", channel)
        for i, replies in enumerate(around(3, guides))
    ]
    return items + [tweet(1000 + i, replies, "", channel) for i, replies in enumerate(around(1, others))]


def test_tweets_linking_to_guides_get_three_times_the_replies():
    patterns = find_patterns(guides_and_others(40))
    guides = [p for p in patterns if p.value == "/guides/"]
    assert len(guides) == 1
    pattern = guides[0]
    assert (pattern.channel, pattern.feature, pattern.metric) == ("twitter", "link_path", "replies")
    assert pattern.lift == pytest.approx(3.0)
    assert (pattern.n, pattern.n_other) == (40, 60)
    assert pattern.sentence == "tweets linking to /guides/ get 3.0× the replies of other tweets (n = 40)"


def test_the_same_items_under_another_name_are_shown_once():
    # every link to example.com goes to /guides/: the domain pattern would repeat the path's
    patterns = find_patterns(guides_and_others(40))
    assert [p.value for p in patterns] == ["/guides/"]


def test_too_few_guide_tweets_show_no_pattern():
    assert find_patterns(guides_and_others(5, others=95)) == []
    assert find_patterns(guides_and_others(9, others=95), min_n=10) == []
    assert [p.n for p in find_patterns(guides_and_others(9, others=95), min_n=9)] == [9]


def test_random_noise_shows_no_pattern():
    for seed in range(5):
        rng = np.random.default_rng(seed)
        items = [
            ItemFacts(
                i,
                "twitter",
                MONDAY + timedelta(minutes=int(rng.integers(0, 60 * 24 * 90))),
                {
                    "impressions": float(rng.integers(500, 5000)),
                    "replies": float(rng.poisson(2)),
                    "clicks": float(rng.poisson(6)),
                    "likes": float(rng.poisson(10)),
                    "shares": float(rng.poisson(1)),
                },
                link=f"https://example.com/{rng.choice(['guides', 'blog', 'docs'])}/x",
                content_type=str(rng.choice(["text", "image", "link"])),
                on_theme=bool(rng.integers(0, 2)),
            )
            for i in range(300)
        ]
        assert find_patterns(items) == [], seed


def test_a_real_but_small_difference_is_not_a_pattern():
    items = [tweet(i, 12, "https://example.com/guides/x") for i in range(100)]
    items += [tweet(100 + i, 10) for i in range(200)]  # 1.2×, far beyond noise
    assert find_patterns(items) == []
    assert [p.lift for p in find_patterns(items, min_lift=1.1)] == [pytest.approx(1.2)]


def test_high_variance_hides_a_large_lift():
    viral = [tweet(i, 60 if i == 0 else 0, "https://example.com/guides/x") for i in range(20)]  # mean 3, one item
    others = [tweet(100 + i, [0, 1, 2][i % 3]) for i in range(60)]
    assert find_patterns(viral + others) == []


def test_worse_performers_read_as_a_fraction():
    items = [
        ItemFacts(i, "twitter", spread_time(i), {"clicks": float([0, 1, 2][i % 3])}, content_type="image")
        for i in range(30)
    ]
    items += [
        ItemFacts(
            100 + i,
            "twitter",
            spread_time(100 + i),
            {"clicks": float([4, 5, 6][i % 3])},
            content_type=["text", "link"][i % 2],
        )
        for i in range(60)
    ]
    images = [p for p in find_patterns(items) if p.value == "image"]
    assert len(images) == 1
    assert images[0].lift == pytest.approx(0.2)
    assert images[0].sentence == "tweets with an image get 0.2× the clicks of other tweets (n = 30)"


def test_on_theme_is_compared_with_off_theme_once_from_the_better_side():
    items = [tweet(i, [3, 4, 5][i % 3], on_theme=True) for i in range(30)]
    items += [tweet(100 + i, [1, 2, 3][i % 3], on_theme=False) for i in range(30)]
    items += [tweet(200 + i, 40, on_theme=None) for i in range(30)]  # unknown: left out
    patterns = find_patterns(items)
    assert [(p.feature, p.value) for p in patterns] == [("on_theme", "on theme")]
    assert patterns[0].lift == pytest.approx(2.0) and (patterns[0].n, patterns[0].n_other) == (30, 30)
    assert patterns[0].sentence == "on-theme tweets get 2.0× the replies of off-theme tweets (n = 30)"
    flipped = [
        ItemFacts(x.id, x.channel, x.published_at, x.metrics, on_theme=not x.on_theme)
        for x in items
        if x.on_theme is not None
    ]
    assert [p.sentence for p in find_patterns(flipped)] == [
        "off-theme tweets get 2.0× the replies of on-theme tweets (n = 30)"
    ]


def test_weekday_and_slot_follow_the_time_zone():
    late_monday = datetime(2024, 1, 1, 23, 30, tzinfo=timezone.utc)
    item = tweet(1, 0, published_at=late_monday)
    assert feature_values("weekday", [item], ZoneInfo("UTC")) == ["Monday"]
    assert feature_values("weekday", [item], ZoneInfo("Asia/Shanghai")) == ["Tuesday"]
    assert feature_values("weekday", [item], ZoneInfo("Europe/Paris")) == ["Tuesday"]
    assert feature_values("hour", [item], ZoneInfo("UTC")) == ["21:00–24:00"]
    assert feature_values("hour", [item], ZoneInfo("Asia/Shanghai")) == ["06:00–09:00"]
    assert feature_values("hour", [item], ZoneInfo("Europe/Paris")) == ["00:00–03:00"]


def test_weekday_patterns_are_found_in_the_team_time_zone():
    late_mondays = [
        tweet(i, [2, 3, 4][i % 3], published_at=datetime(2024, 1, 1, 23, 30, tzinfo=timezone.utc) + timedelta(weeks=i))
        for i in range(30)
    ]
    wednesdays = [
        tweet(
            100 + i, [0, 1, 2][i % 3], published_at=datetime(2024, 1, 3, 14, tzinfo=timezone.utc) + timedelta(weeks=i)
        )
        for i in range(30)
    ]
    fridays = [
        tweet(
            200 + i, [0, 1, 2][i % 3], published_at=datetime(2024, 1, 5, 14, tzinfo=timezone.utc) + timedelta(weeks=i)
        )
        for i in range(30)
    ]
    items = late_mondays + wednesdays + fridays

    def weekday_values(time_zone):
        return [p.value for p in find_patterns(items, time_zone=time_zone) if p.feature == "weekday"]

    # (Wednesdays and Fridays are also patterns, at 0.5×: they do worse than the rest)
    assert "Monday" in weekday_values("UTC") and "Tuesday" not in weekday_values("UTC")
    assert "Tuesday" in weekday_values("Asia/Shanghai") and "Monday" not in weekday_values("Asia/Shanghai")
    assert "Tuesday" in weekday_values("Europe/Paris") and "Monday" not in weekday_values("Europe/Paris")
    paris = find_patterns(items, time_zone="Europe/Paris")
    assert "tweets published on Tuesday get 3.0× the replies of other tweets (n = 30)" in [p.sentence for p in paris]


def test_each_feature_value_shows_its_strongest_metric_only():
    items = guides_and_others(40)
    boosted = [
        ItemFacts(x.id, x.channel, x.published_at, {**x.metrics, "clicks": 20.0 if x.id < 40 else 10.0}, link=x.link)
        for x in items
    ]
    patterns = [p for p in find_patterns(boosted) if p.value == "/guides/"]
    assert [p.metric for p in patterns] == ["replies"]  # 3× beats the clicks' 2×


def test_items_missing_a_metric_are_left_out_of_that_comparison():
    guide_replies = iter(around(3, 30))
    items = [
        ItemFacts(
            i,
            "twitter",
            spread_time(i),
            {"replies": float(next(guide_replies))} if i % 2 else {},
            link="https://example.com/guides/x",
        )
        for i in range(60)
    ]
    items += [
        ItemFacts(100 + i, "twitter", spread_time(100 + i), {"replies": float(replies)})
        for i, replies in enumerate(around(1, 40))
    ]
    [pattern] = find_patterns(items)
    assert (pattern.value, pattern.n, pattern.n_other) == ("/guides/", 30, 40)
    assert pattern.lift == pytest.approx(3.0)


def test_channel_nouns_sorting_and_limit():
    items = guides_and_others(40, channel="youtube") + guides_and_others(20, channel="linkedin")
    items = [
        ItemFacts(x.id + (10_000 if x.channel == "linkedin" else 0), x.channel, x.published_at, x.metrics, link=x.link)
        for x in items
    ]
    patterns = find_patterns(items)
    assert [p.sentence for p in patterns] == [
        "videos linking to /guides/ get 3.0× the replies of other videos (n = 40)",
        "linkedin posts linking to /guides/ get 3.0× the replies of other linkedin posts (n = 20)",
    ]
    assert [p.channel for p in find_patterns(items, limit=1)] == ["youtube"]
    assert find_patterns([]) == []


def test_links_are_reduced_to_their_domain_and_first_path_segment():
    assert link_domain("https://www.Example.com/guides/setup?x=1") == "example.com"
    assert link_domain("http://blog.example.com") == "blog.example.com"
    assert link_domain("") is None and link_domain("not a link") is None
    assert link_path("https://example.com/guides/setup") == "/guides/"
    assert link_path("https://example.com/Pricing") == "/pricing"
    assert link_path("https://example.com/") is None and link_path("") is None
    assert link_path("not a link") is None and link_domain("mailto:team@example.com") is None
    assert (link_domain("www.example.com/guides/a"), link_path("www.example.com/guides/a")) == (
        "example.com",
        "/guides/",
    )


def test_the_noise_threshold_grows_with_the_number_of_comparisons():
    assert noise_threshold(1) == 2.0
    assert noise_threshold(10) == pytest.approx(2.807, abs=0.01)
    assert noise_threshold(100) > noise_threshold(10)
