from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from scheduler.domain.ranking import (
    FALLBACK_STRENGTH,
    MAX_STRENGTH,
    ItemFacts,
    Ranked,
    channel_prior,
    engagement,
    rank_items,
    top,
)

AS_OF = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)


def item(item_id, channel="twitter", days_ago=1, **metrics):
    return ItemFacts(item_id, channel, AS_OF - timedelta(days=days_ago), {k: float(v) for k, v in metrics.items()})


def typical_tweets(count=50, start_id=1000, rate=0.02):
    """Tweets with 1,000-5,000 impressions around a typical rate, spread +-50%."""
    tweets = []
    for i in range(count):
        impressions = 1000 + (i * 397) % 4000
        spread = 0.5 + (i * 7919 % 100) / 100  # 0.5..1.5
        tweets.append(item(start_id + i, impressions=impressions, clicks=round(impressions * rate * spread)))
    return tweets


def by_id(ranked):
    return {r.item_id: r for r in ranked}


# engagement ---------------------------------------------------------------------------------------


def test_exposures_are_impressions_else_views_else_opens():
    assert engagement({"impressions": 100, "views": 900, "clicks": 3}) == (3.0, 100.0)
    assert engagement({"views": 900, "opens": 50, "likes": 9}) == (9.0, 900.0)
    assert engagement({"opens": 50, "clicks": 5}) == (5.0, 50.0)


def test_engagements_sum_whatever_is_present_and_missing_is_not_zero_exposure():
    metrics = {"impressions": 1000, "clicks": 1, "likes": 2, "replies": 3, "shares": 4, "conversions": 5}
    assert engagement(metrics) == (15.0, 1000.0)
    assert engagement({"likes": 7}) == (7.0, 0.0)
    assert engagement({}) == (0.0, 0.0)
    assert engagement({"impressions": None, "views": 40, "clicks": None}) == (0.0, 40.0)


# shrinkage ----------------------------------------------------------------------------------------


def test_a_lucky_one_out_of_one_does_not_beat_a_solid_500_out_of_5000():
    tweets = typical_tweets() + [item(1, impressions=1, clicks=1), item(2, impressions=5000, clicks=500)]
    ranked = rank_items(tweets, as_of=AS_OF)
    lucky, solid = by_id(ranked)[1], by_id(ranked)[2]
    assert lucky.engagement_rate == 1.0 and solid.engagement_rate == 0.1
    assert solid.adjusted_rate > lucky.adjusted_rate
    assert solid.score > lucky.score
    assert [r.item_id for r in ranked].index(2) < [r.item_id for r in ranked].index(1)
    assert lucky.adjusted_rate < 0.05  # pulled back near the channel's 2%
    assert solid.adjusted_rate > 0.08  # keeps most of its own rate


def test_a_lucky_one_out_of_one_does_not_win_on_a_channel_with_few_items_either():
    ranked = rank_items(
        [item(1, impressions=1, clicks=1), item(2, impressions=5000, clicks=500), item(3, impressions=3000, clicks=30)],
        as_of=AS_OF,
    )
    assert ranked[0].item_id == 2


def test_the_prior_is_the_pooled_rate_and_its_strength_is_recovered_from_the_spread():
    rng = np.random.default_rng(7)
    exposures = rng.integers(2000, 20000, 2000).astype(float)
    rates = rng.beta(0.05 * 200, 0.95 * 200, 2000)  # mean 5%, strength 200
    engagements = rng.binomial(exposures.astype(int), rates).astype(float)
    mean, strength = channel_prior(engagements, exposures, fallback_mean=0.5)
    assert mean == pytest.approx(0.05, rel=0.05)
    assert 130 < strength < 300


def test_the_prior_falls_back_to_a_fixed_strength_with_too_few_items_and_caps_it_without_spread():
    mean, strength = channel_prior(np.array([10.0, 30.0]), np.array([1000.0, 1000.0]), fallback_mean=0.5)
    assert (mean, strength) == (pytest.approx(0.02), FALLBACK_STRENGTH)
    mean, strength = channel_prior(np.full(20, 20.0), np.full(20, 1000.0), fallback_mean=0.5)
    assert (mean, strength) == (pytest.approx(0.02), MAX_STRENGTH)
    assert channel_prior(np.array([]), np.array([]), fallback_mean=0.03) == (pytest.approx(0.03), FALLBACK_STRENGTH)


# scores -------------------------------------------------------------------------------------------


def test_the_best_item_of_a_channel_scores_near_100_and_the_worst_near_0():
    ranked = rank_items([item(i, impressions=2000, clicks=10 + i) for i in range(50)], as_of=AS_OF)
    assert ranked[0].item_id == 49 and ranked[0].score >= 98
    assert ranked[-1].item_id == 0 and ranked[-1].score <= 2
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


def test_scores_are_comparable_across_channels_with_very_different_typical_rates():
    tweets = [item(1000 + i, "twitter", impressions=3000, clicks=30 + i % 10) for i in range(40)]  # ~1%
    videos = [item(2000 + i, "youtube", views=3000, likes=300 + 2 * (i % 10)) for i in range(40)]  # ~10%
    best_tweet = item(1, "twitter", impressions=3000, clicks=60)  # 2%
    best_video = item(2, "youtube", views=3000, likes=600)  # 20%
    ranked = by_id(rank_items(tweets + videos + [best_tweet, best_video], as_of=AS_OF))
    assert ranked[1].score >= 95 and ranked[2].score >= 95
    typical_video = ranked[2005]
    assert ranked[1].score > typical_video.score  # a great tweet beats an ordinary video
    assert ranked[1].adjusted_rate < typical_video.adjusted_rate  # though its rate is lower


def test_items_without_an_exposure_figure_get_no_score_and_sort_last():
    ranked = rank_items(
        [
            item(1, likes=900),
            item(2, impressions=0, clicks=0),
            item(3, impressions=100, clicks=1),
            item(4, impressions=100, clicks=9),
        ],
        as_of=AS_OF,
    )
    assert [r.item_id for r in ranked] == [4, 3, 1, 2]
    unscored = by_id(ranked)[1]
    assert unscored == Ranked(1, "twitter", None, None, None, 0.0, 900.0)
    assert by_id(ranked)[2].score is None


def test_identical_items_tie_at_their_midrank():
    ranked = by_id(
        rank_items(
            [
                item(1, impressions=1000, clicks=10),
                item(2, impressions=1000, clicks=20),
                item(3, impressions=1000, clicks=20),
                item(4, impressions=1000, clicks=30),
            ],
            as_of=AS_OF,
        )
    )
    assert ranked[2].score == ranked[3].score == 50.0
    assert ranked[1].score == 12.5 and ranked[4].score == 87.5


def test_items_outside_the_window_are_scored_against_the_window():
    recent = [item(i, days_ago=10, impressions=1000, clicks=10 + i) for i in range(20)]
    old_and_great = item(100, days_ago=400, impressions=1000, clicks=200)
    old_and_poor = [item(200 + i, days_ago=400, impressions=1000, clicks=1) for i in range(100)]
    ranked = by_id(rank_items(recent + old_and_poor + [old_and_great], as_of=AS_OF, trailing_days=90))
    assert ranked[100].score == 100.0
    assert ranked[200].score == 0.0
    # the hundred poor old items do not drag the recent ones up: the best recent one is not 100
    assert ranked[19].score == 97.5 and ranked[0].score == 2.5


def test_items_published_after_as_of_are_not_in_the_reference_set():
    recent = [item(i, impressions=1000, clicks=10 + i) for i in range(10)]
    future = item(99, days_ago=-5, impressions=1000, clicks=15)
    ranked = by_id(rank_items(recent + [future], as_of=AS_OF))
    assert ranked[99].score == 55.0  # 5 of the 10 recent below, one equal: (5 + 1/2) / 10


def test_top_per_channel_and_across_channels():
    tweets = [item(i, "twitter", impressions=1000, clicks=10 + i) for i in range(20)]
    issues = [item(100 + i, "newsletter", opens=500, clicks=50 + i) for i in range(20)]
    ranked = rank_items(tweets + issues + [item(999, "blog", likes=5)], as_of=AS_OF)
    assert [r.item_id for r in top(ranked, 2, channel="twitter")] == [19, 18]
    assert [r.item_id for r in top(ranked, 1, channel="newsletter")] == [119]
    assert {r.item_id for r in top(ranked, 2)} == {19, 119}
    assert top(ranked, 5, channel="blog") == []
    assert len(top(ranked, 100)) == 40
    assert top(ranked, 0) == [] and rank_items([], as_of=AS_OF) == []


def test_a_hundred_thousand_items_rank_in_one_vectorised_pass():
    rng = np.random.default_rng(11)
    count = 100_000
    channels = ("twitter", "youtube", "newsletter", "blog", "ppc", "mastodon", "bluesky", "linkedin")
    exposures = rng.integers(1, 50_000, count)
    engagements = rng.binomial(exposures, rng.beta(2, 60, count))
    seconds_ago = rng.integers(0, 200 * 86400, count)
    items = [
        ItemFacts(
            i,
            channels[i % 8],
            AS_OF - timedelta(seconds=int(seconds_ago[i])),
            {"impressions": float(exposures[i]), "clicks": float(engagements[i])} if i % 100 else {},
        )
        for i in range(count)
    ]
    ranked = rank_items(items, as_of=AS_OF)
    assert len(ranked) == count and len({r.item_id for r in ranked}) == count
    assert sum(r.score is None for r in ranked) == count // 100
    assert all(r.score is None for r in ranked[-(count // 100) :])
    scores = [r.score for r in ranked if r.score is not None]
    assert scores == sorted(scores, reverse=True) and 0 <= min(scores) and max(scores) <= 100
