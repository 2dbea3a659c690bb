"""The last quarter's retrospective on constructed quarters: which plan it looks back on, on-theme posts
against the rest per channel, one-note channels and commitments as the report counts them, the
strongest patterns of the quarter's interactions and the words of the best posts."""

from datetime import date

import pytest

from scheduler.services import reports, retrospective
from scheduler.services.errors import Malformed
from tests.factories import make_plan
from tests.retrospective.builders import logged, posts_on, published, spring_plan


@pytest.fixture
def after_spring(clock_at):
    clock_at("2031-06-10T12:00:00+02:00")


def by_channel(found):
    return {row["channel"]: row for row in found["channels"]}


def test_it_looks_back_on_the_plan_that_ended_last_else_the_one_running(app, after_spring):
    assert retrospective.retrospective()["plan"] is None
    running = make_plan(name="Été", starts_on="2031-06-01", ends_on="2031-08-31")
    assert retrospective.retrospective()["plan"]["id"] == running.id
    assert retrospective.retrospective()["plan"]["ended"] is False
    make_plan(name="Hiver", starts_on="2030-12-01", ends_on="2031-02-28")
    spring = make_plan(name="Printemps", starts_on="2031-03-01", ends_on="2031-05-31")
    found = retrospective.retrospective()
    assert (found["plan"]["id"], found["plan"]["ended"]) == (spring.id, True)
    assert retrospective.retrospective("2031-04-01")["plan"]["name"] == "Hiver"


def test_a_before_that_is_not_a_date_is_refused(app):
    with pytest.raises(Malformed) as refused:
        retrospective.retrospective("last spring")
    assert "before" in refused.value.fields


def test_on_theme_did_better_on_one_channel_and_not_on_another_and_too_few_says_so(app, after_spring):
    plan = spring_plan()
    posts_on(plan, "twitter", date(2031, 3, 2), on=8, off=8, on_clicks=45, off_clicks=10)
    posts_on(plan, "newsletter", date(2031, 3, 3), on=6, off=6, on_clicks=20, off_clicks=20)
    posts_on(plan, "blog", date(2031, 3, 4), on=2, off=3, on_clicks=30, off_clicks=10)
    published(plan, "blog", "Remboursement : les chiffres arrivent", date(2031, 5, 20), clicks=None)

    rows = by_channel(retrospective.retrospective())
    twitter, newsletter, blog = rows["twitter"], rows["newsletter"], rows["blog"]
    assert twitter["verdict"] == "better"
    assert (twitter["on_theme"]["posts"], twitter["rest"]["posts"]) == (8, 8)
    assert twitter["interval"][0] > 0 and twitter["difference"] == pytest.approx(50, abs=5)
    assert newsletter["verdict"] == "no_clear_difference"
    assert newsletter["interval"][0] < 0 < newsletter["interval"][1]
    assert blog["verdict"] == "too_few" and blog["interval"] is None
    assert blog["on_theme"]["mean"] > blog["rest"]["mean"], "the means it saw are still told"
    assert blog["unscored"] == 1, "a post the library has no figures for is counted apart"


def test_one_note_channels_and_commitments_met_are_the_reports(app, after_spring):
    plan = spring_plan(commitments=("twitter", "newsletter"))
    posts_on(plan, "twitter", date(2031, 3, 2), on=10, off=4, on_clicks=30, off_clicks=30)
    posts_on(plan, "newsletter", date(2031, 3, 5), on=3, off=3, on_clicks=30, off_clicks=30)
    report = {row["channel"]: row for row in reports.compliance(plan)["channels"]}

    rows = by_channel(retrospective.retrospective())
    assert rows["twitter"]["one_note"] is True and report["twitter"]["status"] == "one_note"
    assert rows["newsletter"]["one_note"] is False
    for channel in ("twitter", "newsletter"):
        periods = report[channel]["periods"]
        assert rows[channel]["periods"] == {"met": periods["met"], "total": periods["total"]}
        assert rows[channel]["committed"] is True
    assert rows["newsletter"]["periods"]["total"] == 14  # the weeks touching the quarter


def test_the_strongest_patterns_of_the_quarter_come_first_with_their_words(app, after_spring):
    spring_plan(commitments=())
    logged("chat", "refund request", 30, 24, date(2031, 4, 2))
    logged("email_support", "question", 80, 8, date(2031, 4, 3), comment="Where is the export button?")
    logged("in_person", "complaint", 2, 2, date(2031, 4, 4), comment="Rude at the counter")
    logged("twitter", "complaint", 40, 40, date(2031, 6, 5), comment="Outage again")  # after the quarter

    patterns = retrospective.retrospective()["patterns"]
    assert [(p["channel"], p["kind"], p["flagged"]) for p in patterns] == [
        ("chat", "refund request", True),
        ("email_support", "question", False),
    ]
    chat = patterns[0]
    assert (chat["count"], chat["negative"]) == (30, 24)
    assert chat["interval"][0] > chat["overall_negative_share"]
    keywords = {s["keyword"]: s for s in chat["suggestions"]}
    assert "remboursement" in keywords
    assert keywords["remboursement"]["in_pattern"] == 24


def test_the_words_of_the_best_posts_are_suggested_with_the_figures_behind_them(app, after_spring):
    plan = spring_plan(commitments=("twitter",), keywords=["printemps"])
    posts_on(plan, "twitter", date(2031, 3, 2), on=0, off=12, on_clicks=0, off_clicks=10)
    for n, body in enumerate(["Refund in a day, guaranteed", "Our refund guarantee explained", "Refund FAQ"]):
        published(plan, "twitter", body, date(2031, 4, 10 + n), clicks=80 + n)

    topics = {t["keyword"]: t for t in retrospective.retrospective()["topics"]}
    refund = topics["refund"]
    assert (refund["in_top"], refund["top_posts"], refund["in_rest"], refund["rest_posts"]) == (3, 4, 0, 11)
    assert refund["mean_score"] > 80 and refund["was_keyword"] is False
    assert len(refund["post_ids"]) == 3
