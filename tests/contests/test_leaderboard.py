"""Leaderboards: people ranked by their published posts in the window, each entry scored within its
channel; ties share a rank; late metrics count until the end, then the result is frozen."""

import pytest

from scheduler.services import contests
from tests.contests.helpers import contest, library, metrics, published
from tests.factories import make_person, make_plan


@pytest.fixture
def team(app):
    return {name: make_person(f"{name}@example.com", "creator", name.title()) for name in ("ann", "bo", "cy", "dee")}


@pytest.fixture
def plan(app):
    return make_plan()


def board(c):
    return [(row["rank"], row["person"], row["entries"], row["score"]) for row in contests.leaderboard(c)]


def test_equal_scores_share_a_rank_and_the_next_rank_skips(plan, team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    library("twitter", "2031-05-20T10:00:00+02:00", [{"likes": n} for n in (1, 2, 3, 4, 5, 6)])
    for name, likes in (("ann", 10), ("bo", 10), ("cy", 3)):
        post = published(plan, team[name], "2031-06-05T10:00:00+02:00")
        metrics(post, "2031-06-06", likes=likes, impressions=1000)
    c = contest()
    rows = contests.leaderboard(c)
    assert [set(row) >= {"rank", "person", "entries", "score"} for row in rows] == [True] * 3
    # among 1..6 and the three entries: 10 has 7 below and 2 equal, (7 + 2/2) / 9; 3 has 2 below, 2 equal
    assert board(c) == [(1, "Ann", 1, 88.9), (1, "Bo", 1, 88.9), (3, "Cy", 1, 33.3)]


def test_a_persons_entries_add_up_and_each_is_one_click_away(plan, team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    first = published(plan, team["ann"], "2031-06-03T10:00:00+02:00", body="First of Ann's")
    second = published(plan, team["ann"], "2031-06-04T10:00:00+02:00", body="Second of Ann's")
    other = published(plan, team["bo"], "2031-06-04T11:00:00+02:00")
    for post, likes in ((first, 4), (second, 8), (other, 6)):
        metrics(post, "2031-06-05", likes=likes)
    c = contest()
    assert board(c) == [(1, "Ann", 2, 100.0), (2, "Bo", 1, 50.0)]  # 83.3 + 16.7: their percentiles
    mine = contests.entries(c, team["ann"].id)
    assert [(e["post_id"], e["figure"], e["score"], e["text"]) for e in mine] == [
        (second.id, 8.0, 83.3, "Second of Ann's"),
        (first.id, 4.0, 16.7, "First of Ann's"),
    ]


def test_a_tweet_and_a_video_are_each_measured_against_their_own_channel(plan, team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    library("twitter", "2031-05-25T10:00:00+02:00", [{"likes": n} for n in (1, 2, 3)])
    library("youtube", "2031-05-25T10:00:00+02:00", [{"likes": n} for n in (100, 300, 500)])
    tweet = published(plan, team["ann"], "2031-06-05T10:00:00+02:00")
    video = published(plan, team["bo"], "2031-06-05T10:00:00+02:00", channel="youtube")
    metrics(tweet, "2031-06-06", likes=9)  # the best tweet lately
    metrics(video, "2031-06-06", likes=200)  # many more likes, an ordinary video
    c = contest(channels=["twitter", "youtube"])
    assert [row[1] for row in board(c)] == ["Ann", "Bo"]


def test_posts_outside_the_window_or_the_contest_do_not_count(plan, team, clock_at):
    clock_at("2031-07-15T12:00:00+02:00")
    counted = published(plan, team["ann"], "2031-06-01T00:30:00+02:00")  # the first minutes, on Paris time
    early = published(plan, team["bo"], "2031-05-31T23:30:00+02:00")
    late = published(plan, team["cy"], "2031-07-01T00:10:00+02:00")
    elsewhere = published(plan, team["dee"], "2031-06-10T10:00:00+02:00", channel="mastodon")
    for post in (counted, early, late, elsewhere):
        metrics(post, "2031-06-10", likes=5)
    c = contest()
    assert [row[1] for row in board(c)] == ["Ann"]
    assert [e["post_id"] for e in contests.entries(c)] == [counted.id]


def test_only_the_participants_take_part_each_listed_even_without_entries(plan, team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    for name in ("ann", "bo"):
        metrics(published(plan, team[name], "2031-06-05T10:00:00+02:00"), "2031-06-06", likes=3)
    c = contest(participants=[team["bo"].id, team["cy"].id])
    assert board(c) == [(1, "Bo", 1, 50.0), (2, "Cy", 0, 0.0)]


def test_late_metrics_count_until_the_end_and_then_the_result_is_frozen(plan, team, clock_at):
    clock_at("2031-06-10T12:00:00+02:00")
    ann = published(plan, team["ann"], "2031-06-05T10:00:00+02:00")
    bo = published(plan, team["bo"], "2031-06-05T11:00:00+02:00")
    metrics(ann, "2031-06-06", likes=5)
    metrics(bo, "2031-06-06", likes=3)
    c = contest()
    assert [row[1] for row in board(c)] == ["Ann", "Bo"]
    clock_at("2031-06-28T12:00:00+02:00")
    metrics(bo, "2031-06-28", likes=12)  # Bo's export came in late, before the end: it counts
    assert [row[1] for row in board(c)] == ["Bo", "Ann"]
    clock_at("2031-07-03T09:00:00+02:00")
    metrics(ann, "2031-07-02", likes=50)  # after the end: too late
    assert c.frozen_at is None
    assert [row[1] for row in board(c)] == ["Bo", "Ann"], "as it stood at the end"
    assert c.frozen_at is not None and c.result["as_of"] == "2031-07-01T00:00:00+02:00"
    kept = contests.leaderboard(c)
    metrics(bo, "2031-07-04", likes=0)
    assert contests.leaderboard(c) == kept and contests.state(c) == "over"


def test_a_post_without_figures_is_an_entry_that_scores_nothing(plan, team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    published(plan, team["ann"], "2031-06-05T10:00:00+02:00")
    c = contest()
    assert board(c) == [(1, "Ann", 1, 0.0)]
    assert contests.entries(c)[0]["figure"] is None
