"""The report tells the truth early: no alarm while a channel has too few posts to judge, periods to
come shown as planned, colours that follow the band, and one CSV table a spreadsheet can read."""

import csv
import io

import pytest

from scheduler.cli import cli
from scheduler.services import posts
from tests.factories import commit, make_plan, make_post

NOW = "2031-06-03T12:00:00+02:00"


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-05-20T12:00:00+02:00")  # the posts are scheduled while to come
    plan = make_plan()
    commit(plan, "twitter")
    return plan


def test_one_tweet_of_270_is_too_early_to_judge_in_the_json_and_on_the_page(client, plan, clock_at):
    posts.schedule_post(make_post(plan, when="2031-06-02T10:00:00+02:00"))
    clock_at(NOW)
    report = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()
    row = report["channels"][0]
    assert (row["coverage_ratio"], row["status"], row["judged"]) == (1.0, "one_note", False), "the contract's status"
    assert report["judged"] is False and row["standing"] == "early"
    page = client.get(f"/plans/{plan.id}/report").get_data(as_text=True)
    summary = page[page.index('<section class="summary">') : page.index("</section>")]
    assert summary.count("too early to judge") == 2 and "one note" not in summary and "100%" not in summary
    assert "1 of the 4 posts it commits to a day so far" in summary
    assert 'class="bar early"' in page and 'class="status status-early"' in page


def test_a_one_note_channel_is_explained_in_plain_words_where_it_first_shows(client, plan, clock_at):
    for hour in (10, 13, 16, 19):
        posts.schedule_post(make_post(plan, when=f"2031-06-02T{hour}:00:00+02:00"))
    clock_at(NOW)
    page = client.get(f"/plans/{plan.id}/report").get_data(as_text=True)
    summary = page[page.index('<section class="summary">') : page.index("</section>")]
    assert "more than 50% of its posts carry the theme: the audience hears one note" in summary
    assert page.index("the audience hears one note") < page.index("one-note ceiling (dashed line)")
    assert 'class="bar above_ceiling"' in page
    legend = page[page.index('id="coverage-legend"') :]
    assert "below the floor" in legend and "in the band" in legend and "above the one-note ceiling" in legend


def test_periods_gone_by_now_and_to_come_are_told_apart(client, plan, clock_at):
    for hour in (10, 13, 16, 19):
        posts.schedule_post(make_post(plan, on_theme=hour == 10, when=f"2031-06-02T{hour}:00:00+02:00"))
    clock_at(NOW)
    row = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()["channels"][0]
    assert row["periods"]["short"] == 91, "the contract's count: every day but one is short"
    assert row["periods_by_timing"]["past"] == {"total": 2, "met": 1, "below_floor": 0, "one_note": 0, "short": 1}
    assert row["periods_by_timing"]["future"]["total"] == 89
    assert (row["status"], row["standing"]) == ("behind", "behind"), "1 June went by without a post"
    page = client.get(f"/plans/{plan.id}/report").get_data(as_text=True)
    assert "89 planned" in page and "in progress" in page and 'g class="week future"' in page
    assert 'class="share in_band"' in page, "each week's coverage beside its volume"


def test_the_csv_is_one_table_per_channel_and_week_with_the_plan_from_the_api_and_the_cli(client, plan, runner):
    posts.schedule_post(make_post(plan, when="2031-06-02T10:00:00+02:00"))
    posts.schedule_post(make_post(plan, body="Rien à voir", when="2031-06-02T13:00:00+02:00"))
    posts.schedule_post(make_post(plan, body="Toujours rien", when="2031-06-02T16:00:00+02:00"))
    answer = client.get(f"/api/v1/plans/{plan.id}/compliance?format=csv")
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == 14 and {r["plan"] for r in rows} == {"Offre d'été 2031"}
    assert {(r["plan_starts_on"], r["plan_ends_on"]) for r in rows} == {("2031-06-01", "2031-08-31")}
    assert rows[1]["coverage_ratio"] == "0.333" and rows[1]["judged"] == "false"
    printed = runner.invoke(cli, ["report", str(plan.id), "--format", "csv"], catch_exceptions=False).output
    assert printed == answer.get_data(as_text=True)


def test_the_list_of_plans_does_not_call_one_tweet_100_percent_on_theme(client, plan):
    posts.schedule_post(make_post(plan, when="2031-06-02T10:00:00+02:00"))
    listing = client.get("/").get_data(as_text=True)
    assert "too early to judge" in listing and "100%" not in listing
