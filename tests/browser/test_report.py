"""The compliance report: server-side SVG charts with real bars, a CSV that downloads as one table, and
no false alarm while a channel has too few posts to judge."""

import csv
import io
from datetime import datetime, timezone

from scheduler.domain.compliance_csv import CSV_COLUMNS
from scheduler.services import posts
from tests.browser.conftest import expect
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post


def test_report_charts_and_csv_download(page, seed, pinned_clock, clock_at):
    pinned_clock(datetime.fromisoformat(BEFORE_THE_PLAN))  # the pages' today, and the seed's below
    clock_at(BEFORE_THE_PLAN)

    def quarter():
        plan = make_plan(name="Rapport (browser)")
        commit(plan, "twitter")
        commit(plan, "blog")
        for day, body in (
            (2, "Profitez de l'Offre d'été !"),
            (3, "Une journée ordinaire."),
            (10, "Summer offer, day ten"),
        ):
            posts.schedule_post(make_post(plan, body=body, when=f"2031-06-{day:02d}T10:00:00+02:00"))
        posts.schedule_post(
            make_post(
                plan, "blog", title="L'offre d'été", body="Tout sur l'offre d'été.", when="2031-06-04T09:00:00+02:00"
            )
        )
        return plan.id

    plan_id = seed(quarter)

    page.goto(f"/plans/{plan_id}/report")
    expect(page.locator("h1")).to_have_text("Compliance report")
    coverage = page.locator('svg.chart[aria-label="theme coverage by channel"]')
    expect(coverage).to_have_count(1)
    expect(coverage.locator("text.label")).to_have_text(["X / Twitter", "Blog"])
    expect(coverage.locator("rect.bar")).to_have_count(2)  # one coverage bar per channel with posts
    expect(coverage.locator("text.value")).to_have_text(["67%", "100%"])
    weekly = page.locator('svg.chart[aria-label="posts per week"]')
    expect(weekly).to_have_count(2)
    for chart in weekly.all():
        expect(chart).to_be_visible()
        heights = chart.locator("rect.scheduled").evaluate_all("rects => rects.map(r => r.getBBox().height)")
        assert len(heights) >= 13 and sum(1 for h in heights if h > 0) >= 1, heights
        assert chart.locator("circle.share").count() >= 1, "each week's coverage beside its volume"
    assert coverage.bounding_box()["width"] > 300

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"compliance-plan-{plan_id}.csv"
    with open(download.path(), encoding="utf-8") as csv_file:
        rows = list(csv.DictReader(io.StringIO(csv_file.read())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["channel"] for r in rows] == ["twitter"] * 14 + ["blog"] * 14, "a row per channel and ISO week"
    assert {r["plan"] for r in rows} == {"Rapport (browser)"}
    assert (rows[0]["week_start"], rows[0]["week_end"], rows[0]["coverage_ratio"]) == ("2031-06-01", "2031-06-01", "")
    assert (rows[1]["week_start"], rows[1]["posts"], rows[1]["coverage_ratio"]) == ("2031-06-02", "2", "0.5")


def test_a_channel_with_too_few_posts_is_too_early_to_judge_and_days_to_come_are_planned(
    page, seed, pinned_clock, clock_at
):
    clock_at(BEFORE_THE_PLAN)  # the seed schedules in this thread; the pages' today is pinned below

    def plan_with_one_tweet():
        plan = make_plan(name="Early days")
        commit(plan, "twitter")
        posts.schedule_post(make_post(plan, when="2031-06-02T10:00:00+02:00"))
        return plan.id

    plan_id = seed(plan_with_one_tweet)
    pinned_clock(datetime(2031, 6, 3, 12, 0, tzinfo=timezone.utc))
    page.goto(f"/plans/{plan_id}/report")

    summary = page.locator("section.summary")
    expect(summary.locator(".metric").first).to_contain_text("too early to judge")
    expect(summary.locator(".metric.early", has_text="X / Twitter")).to_contain_text(
        "1 of the 4 posts it commits to a day so far"
    )
    expect(summary).not_to_contain_text("one note")
    expect(page.locator("#words")).to_contain_text("the audience hears one note")
    bar = page.locator('svg.chart[aria-label="theme coverage by channel"] rect.bar')
    expect(bar).to_have_class("bar early")
    expect(page.locator("#coverage-legend")).to_contain_text("below the floor")
    row = page.locator("table.report tbody tr").first
    expect(row.locator("td.timing")).to_contain_text("in progress")
    expect(row.locator("td.timing")).to_contain_text("89 planned")
    expect(row.locator("td").nth(8)).to_contain_text("of 2")  # 1 and 2 June: gone by, short
    expect(row.locator("td").last).to_have_text("too early to judge")
    future = page.locator('svg.chart[aria-label="posts per week"] g.week.future')
    assert future.count() == 12, "the weeks after this one are drawn as planned"
