"""Contest standings: entries scored within their channel like the library's top performers, people
(or ideas) ranked, equal scores sharing a rank."""

from datetime import date, datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain import contests
from scheduler.domain.contests import Entry, figure, metric_named, score_entries, standings, values_as_of, window


def test_a_metric_is_found_by_its_name_or_a_common_alias():
    assert metric_named("clicks_comments_likes") == metric_named("Engagement") == "clicks_comments_likes"
    assert metric_named("newsletter_signups") == "signups" and metric_named("followers") == "follower_growth"
    assert metric_named("shares") is None and metric_named(None) is None


def test_clicks_comments_and_likes_add_up_whichever_are_known():
    assert figure({"clicks": 3, "replies": 2, "likes": 5, "views": 900}, "clicks_comments_likes") == 10
    assert figure({"likes": 5}, "clicks_comments_likes") == 5
    assert figure({"impressions": 900}, "clicks_comments_likes") is None, "unknown is not zero"
    assert figure({"views": 900}, "views") == 900


def test_later_readings_override_earlier_ones_counter_by_counter():
    readings = [((2, 0), {"likes": 9}), ((1, 0), {"likes": 3, "clicks": 4}), ((3, 0), {"clicks": None})]
    assert values_as_of(readings) == {"likes": 9, "clicks": 4}


def test_the_window_runs_from_the_first_days_midnight_to_the_midnight_after_the_last_on_its_clock():
    start, end = window(date(2031, 6, 1), date(2031, 6, 30), "Europe/Paris")
    assert start.astimezone(timezone.utc) == datetime(2031, 5, 31, 22, tzinfo=timezone.utc)
    assert end.astimezone(timezone.utc) == datetime(2031, 6, 30, 22, tzinfo=timezone.utc)


def test_a_tweet_and_a_video_are_scored_against_their_own_channel():
    """Ten likes are a lot for a tweet and little for a video: the tweet scores higher."""
    entries = [Entry(1, 10, "twitter", 10.0), Entry(2, 20, "youtube", 500.0)]
    references = {"twitter": [1.0, 2.0, 3.0, 4.0], "youtube": [800.0, 900.0, 1000.0, 2000.0]}
    scored = {s.entry.post_id: s.score for s in score_entries(entries, references)}
    assert scored[1] > 75 > 25 > scored[2]


def test_an_entry_without_a_figure_scores_nothing():
    scored = score_entries([Entry(1, 10, "twitter", None), Entry(2, 10, "twitter", 3.0)], {})
    assert [s.score for s in scored] == [None, 50.0]


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30))
def test_entry_scores_are_percentiles_between_0_and_100(figures):
    entries = [Entry(n, n % 3, "twitter", f) for n, f in enumerate(figures)]
    scores = [s.score for s in score_entries(entries, {"twitter": [0.0, 10.0]})]
    assert all(0 <= s <= 100 for s in scores)
    for a, b in zip(entries, scores):
        for c, d in zip(entries, scores):
            if a.figure > c.figure:
                assert b > d


scores = st.dictionaries(
    st.integers(min_value=1, max_value=50),
    st.tuples(st.integers(min_value=0, max_value=20), st.sampled_from([0.0, 12.5, 50.0, 50.04, 99.9, 150.0])),
    max_size=20,
)


@given(scores)
def test_standings_go_best_first_and_equal_scores_share_the_rank_of_the_first_of_them(rows):
    ranked = standings(rows)
    assert sorted(s.key for s in ranked) == sorted(rows)
    for position, standing in enumerate(ranked, start=1):
        same = [s for s in ranked if s.score == standing.score]
        assert standing.rank == min(ranked.index(s) for s in same) + 1 <= position
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    if ranked:
        assert ranked[0].rank == 1


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = standings({"ann": (2, 80.0), "bo": (3, 80.0), "cy": (1, 40.0)}, {"ann": "Ann", "bo": "Bo", "cy": "Cy"})
    assert [(s.key, s.rank) for s in ranked] == [("ann", 1), ("bo", 1), ("cy", 3)]


def test_scores_that_round_alike_are_a_tie():
    ranked = standings({1: (1, 50.04), 2: (1, 49.96)})
    assert [s.rank for s in ranked] == [1, 1] and {s.score for s in ranked} == {50.0}


def test_a_persons_score_adds_up_and_an_ideas_is_the_mean():
    assert contests.total([50.0, None, 25.25]) == 75.2
    assert contests.mean([50.0, None, 25.0]) == 37.5 and contests.mean([None]) == 0.0
