"""The indicators' page in a real browser: a chart per indicator with its legend, its bars and lines
drawn, and actuals entered on the page turning the alert on."""

from scheduler.services import kpis
from tests.browser.conftest import expect
from tests.factories import make_plan


def test_the_dashboard_charts_each_indicator_and_an_entered_month_raises_the_alert(page, seed):
    def quarter():
        earlier = make_plan(name="Printemps 2031", starts_on="2031-03-01", ends_on="2031-05-31")
        kpis.set_kpi(earlier, "sales", {"unit": "€"})
        kpis.record_actuals(earlier, "sales", {"2031-03": 900, "2031-04": 950, "2031-05": 990})
        plan = make_plan(name="Été 2031 (browser)")
        kpis.set_kpi(plan, "sales", {"unit": "€", "targets": {"2031-06": 1000, "2031-07": 1100, "2031-08": 1200}})
        kpis.record_actuals(plan, "sales", {"2031-06": 850})
        kpis.set_kpi(plan, "bounce_rate", {"unit": "%", "better": "lower", "targets": {"2031-06": 40}})
        return plan.id

    plan_id = seed(quarter)
    page.goto(f"/plans/{plan_id}/kpis")
    expect(page.locator("h1")).to_have_text("Indicators")
    charts = page.locator("svg.kpi-chart")
    expect(charts).to_have_count(2)
    sales = page.locator('svg.kpi-chart[aria-label="Sales: actual, target and previous plan by month"]')
    expect(sales.locator("text.legend")).to_have_text(["Actual", "Missed by more than 10 %", "Target", "Previous plan"])
    expect(sales.locator("rect.actual")).to_have_count(1)
    expect(sales.locator("circle.target")).to_have_count(3)
    expect(sales.locator("circle.previous")).to_have_count(3)
    assert sales.locator("rect.actual").evaluate("r => r.getBBox().height") > 10
    assert sales.locator("polyline.target").evaluate("p => p.getBBox().width") > 200
    assert sales.bounding_box()["width"] > 300
    expect(page.locator(".kpi-alert")).to_have_count(0)

    page.locator("#kpi-sales summary", has_text="Enter actuals").click()
    page.locator('#kpi-sales input[name="actual-2031-07"]').fill("900")
    page.locator("#kpi-sales").get_by_role("button", name="Save actuals").click()
    expect(page.locator(".flash").first).to_have_text("sales: actuals saved.")
    expect(page.locator(".kpi-alert")).to_contain_text("Sales missed its target by more than 10 % two months running")
    expect(sales.locator("rect.actual.missed")).to_have_count(2)
    rows = page.locator("#kpi-sales table.kpi-table tbody tr")
    expect(rows.nth(1).locator("td")).to_have_text(["2031-07", "1,100 €", "900 €", "-18.2%", "950 €", "typed"])

    page.goto(f"/plans/{plan_id}")
    expect(page.locator(".kpi-alert")).to_contain_text("missed its target")
