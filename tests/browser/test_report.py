"""The compliance report: server-side SVG charts with real bars, and a CSV that downloads."""

from scheduler.domain.compliance_csv import CSV_COLUMNS
from scheduler.services import posts
from tests.browser.conftest import expect
from tests.factories import commit, make_plan, make_post


def test_report_charts_and_csv_download(page, seed):
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
    expect(coverage.locator("rect[fill]")).to_have_count(2)  # one coverage bar per channel with posts
    expect(coverage.locator("text.value")).to_have_text(["67%", "100%"])
    weekly = page.locator('svg.chart[aria-label="posts per week"]')
    expect(weekly).to_have_count(2)
    for chart in weekly.all():
        expect(chart).to_be_visible()
        heights = chart.locator("rect.scheduled").evaluate_all("rects => rects.map(r => r.getBBox().height)")
        assert len(heights) >= 13 and sum(1 for h in heights if h > 0) >= 1, heights
    assert coverage.bounding_box()["width"] > 300

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"compliance-plan-{plan_id}.csv"
    with open(download.path(), encoding="utf-8") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert [line.split(",")[0] for line in lines[1:3]] == ["twitter", "blog"]
