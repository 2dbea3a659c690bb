"""The retrospective's comparison of on-theme posts with the rest, on data whose answer is known by
construction, Welch's interval against published values, and the topics of the best posts."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.retrospective import (
    BETTER,
    MIN_PER_SIDE,
    NO_CLEAR_DIFFERENCE,
    TOO_FEW,
    WORSE,
    compare,
    t_quantile,
    top_topics,
    welch_interval,
)

# R's datasets::sleep: t.test(extra ~ group, data = sleep) gives df 17.776, 95 % CI (-3.3654832, 0.2054832)
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

noise = st.floats(min_value=-8, max_value=8, allow_nan=False)
sizes = st.integers(min_value=MIN_PER_SIDE, max_value=40)


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(1, 12.7062), (2, 4.3027), (3, 3.1824), (4, 2.7764), (10, 2.2281), (30, 2.0423), (1000, 1.9623)],
)
def test_the_t_quantile_matches_the_tables(df, quantile):
    assert t_quantile(0.975, df) == pytest.approx(quantile, abs=4e-3)
    assert t_quantile(0.025, df) == pytest.approx(-quantile, abs=4e-3)


def test_welchs_interval_matches_r_on_the_sleep_data():
    difference, low, high = welch_interval(SLEEP_1, SLEEP_2)
    assert difference == pytest.approx(-1.58)
    assert (low, high) == pytest.approx((-3.3654832, 0.2054832), abs=2e-3)


@settings(max_examples=60, deadline=None)
@given(st.lists(noise, min_size=MIN_PER_SIDE, max_size=40), st.lists(noise, min_size=MIN_PER_SIDE, max_size=40))
def test_on_theme_posts_clearly_better_give_an_interval_above_zero(on_noise, rest_noise):
    found = compare([70 + e for e in on_noise], [35 + e for e in rest_noise])
    assert found.verdict == BETTER
    assert 0 < found.low <= found.difference <= found.high
    assert found.difference == pytest.approx(35 + sum(on_noise) / len(on_noise) - sum(rest_noise) / len(rest_noise))


@settings(max_examples=60, deadline=None)
@given(st.lists(noise, min_size=MIN_PER_SIDE, max_size=40), sizes)
def test_on_theme_posts_clearly_worse_give_an_interval_below_zero(rest_noise, n):
    found = compare([20.0 + (i % 3) for i in range(n)], [60 + e for e in rest_noise])
    assert found.verdict == WORSE and found.high < 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=MIN_PER_SIDE, max_size=40), st.randoms()
)
def test_the_same_scores_on_both_sides_give_an_interval_spanning_zero(scores, rng):
    shuffled = list(scores)
    rng.shuffle(shuffled)
    found = compare(scores, shuffled)
    assert found.verdict == NO_CLEAR_DIFFERENCE
    assert found.low <= 0 <= found.high
    assert found.difference == pytest.approx(0, abs=1e-9)


@given(
    st.lists(st.floats(min_value=0, max_value=100), max_size=MIN_PER_SIDE - 1),
    st.lists(st.floats(min_value=0, max_value=100), max_size=60),
)
def test_too_few_posts_on_either_side_is_too_few_to_say(few, many):
    for on_theme, rest in ((few, many), (many, few)):
        found = compare(on_theme, rest)
        assert found.verdict == TOO_FEW and found.interval is None
        assert (found.on_theme, found.rest) == (len(on_theme), len(rest))


def test_too_few_still_tells_the_means_it_saw():
    found = compare([90, 80], [10, 20, 30, 40, 50, 60])
    assert found.verdict == TOO_FEW
    assert (found.on_theme_mean, found.rest_mean, found.difference) == (85, 35, 50)


@settings(max_examples=40, deadline=None)
@given(st.lists(noise, min_size=MIN_PER_SIDE, max_size=30), st.lists(noise, min_size=MIN_PER_SIDE, max_size=30))
def test_swapping_the_sides_mirrors_the_interval(a, b):
    forward, backward = compare(a, b), compare(b, a)
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-9)
    assert (backward.low, backward.high) == pytest.approx((-forward.high, -forward.low), abs=1e-9)


def test_the_95_percent_interval_holds_the_true_difference_95_times_in_100():
    rng = random.Random(15)
    runs, held = 2000, 0
    for _ in range(runs):
        a = [rng.gauss(50, 10) for _ in range(rng.randint(6, 25))]
        b = [rng.gauss(45, 25) for _ in range(rng.randint(6, 25))]
        _, low, high = welch_interval(a, b)
        held += low <= 5 <= high
    assert 0.93 <= held / runs <= 0.97


# --- the topics of the best posts -------------------------------------------------------------------

BEST = [
    "Remboursé en 24 h : notre nouvelle garantie",
    "Refund in a day, guaranteed",
    "退款一天到账 refund guaranteed",
    "La garantie remboursement expliquée",
    "Our refund guarantee, explained",
]
OTHERS = [
    "Office tour: meet the team",
    "Five editorial calendars we admire",
    "Le calendrier éditorial de la semaine",
    "本周的团队活动",
    "Q&A with the team",
    "How we plan a quarter",
    "Les nouveautés du calendrier",
    "Meet the team behind the calendar",
    "A customer story from Lyon",
    "Customer story: Lumen",
    "What we learned from the team retreat",
    "Calendrier : trois astuces",
    "冬季团队照片",
    "Behind the scenes of the calendar",
    "Thanks to our customers",
]


def posts_scored():
    best = [(i, text, 95 - i) for i, text in enumerate(BEST)]
    rest = [(100 + i, text, 50 - i) for i, text in enumerate(OTHERS)]
    return best + rest


def test_the_words_of_the_top_scoring_posts_are_suggested_with_their_figures():
    topics = top_topics(posts_scored())
    by_term = {t.term: t for t in topics}
    assert "refund" in by_term and "garantie" in by_term and "guaranteed" in by_term
    refund = by_term["refund"]
    assert (refund.top_posts, refund.rest_posts) == (5, 15)  # the top quarter of 20 posts
    assert (refund.in_top, refund.in_rest) == (3, 0)
    assert refund.mean_score == pytest.approx((94 + 93 + 91) / 3)
    assert set(refund.post_ids) == {1, 2, 4}
    assert "team" not in by_term and "calendar" not in by_term  # what the ordinary posts say


def test_too_few_scored_posts_suggest_no_topic():
    assert top_topics(posts_scored()[:3]) == []
