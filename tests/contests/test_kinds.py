"""The other contests: newsletter signups by referral code, the follows a manager enters for each
post, and ideas ranked by the posts that tried them."""

from datetime import datetime

import pytest

from scheduler.models import ReferralCode, Subscriber
from scheduler.models.database import db
from scheduler.services import contests
from scheduler.services.actor import acting_as
from scheduler.services.errors import Conflict
from scheduler.services.people import as_actor
from scheduler.services.unit_of_work import unit_of_work
from tests.contests.helpers import contest, metrics, published
from tests.factories import make_person, make_plan


@pytest.fixture
def team(app):
    return {name: make_person(f"{name}@example.com", "creator", name.title()) for name in ("ann", "bo", "cy")}


def board(c):
    return [(row["rank"], row["person"], row["entries"], row["score"]) for row in contests.leaderboard(c)]


def test_signups_count_the_confirmed_subscribers_each_persons_code_brought_in_the_window(team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    with unit_of_work():
        db.session.add(ReferralCode(code="ann", staff_name="someone", user_id=team["ann"].id))
        db.session.add(ReferralCode(code="bo-shop", staff_name="Bo"))  # found by the person's name
        db.session.add(ReferralCode(code="nobody", staff_name="A former colleague"))
        for n, (code, status, confirmed) in enumerate(
            [
                ("ann", "confirmed", "2031-06-02T10:00:00+02:00"),
                ("ann", "confirmed", "2031-06-18T10:00:00+02:00"),
                ("ann", "pending", None),
                ("ann", "confirmed", "2031-05-31T10:00:00+02:00"),  # before the window
                ("bo-shop", "confirmed", "2031-06-03T10:00:00+02:00"),
                ("bo-shop", "unsubscribed", "2031-06-04T10:00:00+02:00"),  # signed up, left since: it counted
                ("nobody", "confirmed", "2031-06-05T10:00:00+02:00"),
            ]
        ):
            at = datetime.fromisoformat(confirmed) if confirmed else None
            db.session.add(Subscriber(email=f"r{n}@example.com", status=status, referral_code=code, confirmed_at=at))
    c = contest(metric="newsletter_signups", channels=[])
    assert c.metric == "signups"
    assert board(c) == [(1, "Ann", 2, 2.0), (1, "Bo", 2, 2.0)]


def test_follower_growth_counts_the_follows_a_manager_entered(team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    plan = make_plan()
    posts = {name: published(plan, team[name], "2031-06-05T10:00:00+02:00") for name in ("ann", "bo", "cy")}
    c = contest(metric="follower_growth")
    for name, follows in (("ann", 3), ("bo", 30)):
        contests.record_follows(c, {"post_id": posts[name].id, "follows": follows})
    assert [row[1:3] for row in board(c)] == [("Bo", 1), ("Ann", 1), ("Cy", 1)]
    contests.record_follows(c, {"post_id": posts["bo"].id, "follows": None})
    assert board(c)[0][1] == "Ann"
    with pytest.raises(Conflict):
        contests.record_follows(contest(metric="likes"), {"post_id": posts["bo"].id, "follows": 1})


def test_ideas_are_ranked_by_the_mean_score_of_the_posts_that_tried_them(team, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    plan = make_plan()
    c = contest(kind="ideas", metric="likes", name="The idea that works")
    with acting_as(as_actor(team["ann"])):
        photo = contests.submit_idea(c, {"text": "A behind-the-scenes photo every Friday"})
    with acting_as(as_actor(team["bo"])):
        poll = contests.submit_idea(c, {"text": "A poll on Mondays"})
        contests.submit_idea(c, {"text": "Nobody tried this one"})
    tried = []
    for author, likes in (("bo", 9), ("cy", 7), ("ann", 2), ("ann", 4)):
        post = published(plan, team[author], "2031-06-06T10:00:00+02:00")
        metrics(post, "2031-06-07", likes=likes)
        tried.append(post.id)
    unlinked = published(plan, team["cy"], "2031-06-08T10:00:00+02:00")
    metrics(unlinked, "2031-06-09", likes=100)
    contests.link_posts(c, photo, {"post_ids": tried[:2]})  # 9 and 7 likes
    contests.link_posts(c, poll, {"post_ids": tried[2:]})  # 2 and 4
    rows = contests.leaderboard(c)
    assert [(r["rank"], r["idea"], r["person"], r["entries"]) for r in rows] == [
        (1, "A behind-the-scenes photo every Friday", "Ann", 2),
        (2, "A poll on Mondays", "Bo", 2),
        (3, "Nobody tried this one", "Bo", 0),
    ]
    # each post's percentile among the channel's (the unlinked post's 100 likes included): 70 and 50, 10 and 30
    assert rows[0]["score"] == 60.0 and rows[1]["score"] == 20.0 and rows[2]["score"] == 0.0
    assert len(contests.entries(c)) == 4, "only the posts linked to an idea are entries"


def test_a_referral_code_added_for_a_team_member_is_theirs(team):
    from scheduler.services.newsletter import subscribers

    assert subscribers.add_referral_code({"staff_name": "Ann", "code": "ann-1"}).user_id == team["ann"].id
    assert subscribers.add_referral_code({"staff_name": "bo@example.com", "code": "bo-1"}).user_id == team["bo"].id
    assert subscribers.add_referral_code({"staff_name": "A visitor", "code": "v-1"}).user_id is None
