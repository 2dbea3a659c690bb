"""The indicators' page: a chart and a table per indicator, the forms by role, the alert on the plan's
page too, a CSV import with a bad row; and ``refrain kpis PLAN_ID`` in the terminal."""

import io

from scheduler.cli import cli
from scheduler.services import kpis
from tests.factories import make_person, make_plan, signed_in


def page_of(client, plan):
    return client.get(f"/plans/{plan.id}/kpis").get_data(as_text=True)


def test_a_manager_adds_an_indicator_with_its_targets_as_typed(app, client):
    plan = make_plan()
    manager = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    answer = manager.post(
        f"/plans/{plan.id}/kpis",
        data={"name": "bounce_rate", "unit": "", "better": "lower", "target-2031-06": "45 %", "target-2031-07": "42,5"},
    )
    assert answer.status_code == 302
    kpi = kpis.get_kpi(plan, "bounce_rate")
    assert (kpi.unit, kpi.better, kpi.targets) == ("%", "lower", {"2031-06": 45.0, "2031-07": 42.5})
    page = page_of(manager, plan)
    assert "Bounce rate" in page and 'aria-label="Bounce rate: actual, target and previous plan by month"' in page
    assert "Add an indicator" in page and "Change targets" in page


def test_a_target_that_is_not_a_number_is_said_beside_the_form(app, client):
    plan = make_plan()
    answer = client.post(f"/plans/{plan.id}/kpis", data={"name": "sales", "better": "higher", "target-2031-06": "lots"})
    assert answer.status_code == 422
    assert "2031-06 must be a number" in answer.get_data(as_text=True)
    assert kpis.list_kpis(plan) == []


def test_a_creator_enters_actuals_and_the_alert_shows_on_the_dashboard_and_the_plan(app, client):
    plan = make_plan()
    kpis.set_kpi(plan, "Sales", {"unit": "€", "targets": {"2031-06": 1000, "2031-07": 1000}})
    creator = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    page = page_of(creator, plan)
    assert "Enter actuals" in page and "Add an indicator" not in page and "Change targets" not in page
    sent = creator.post(
        f"/plans/{plan.id}/kpis/Sales/actuals", data={"actual-2031-06": "850", "actual-2031-07": "8 80"}
    )
    assert sent.status_code == 302
    page = page_of(creator, plan)
    assert "missed its target by more than 10 % two months running" in page
    assert page.count('class="actual missed"') == 2 and "-15.0%" in page
    plan_page = creator.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "kpi-alert" in plan_page and "Sales</strong> missed its target" in plan_page
    assert creator.post(f"/plans/{plan.id}/kpis", data={"name": "roi"}).status_code == 403


def test_unchanged_months_keep_where_their_figure_came_from(app, client):
    plan = make_plan()
    kpis.set_kpi(plan, "sales", {})
    kpis.record_actuals(plan, "sales", {"2031-06": 5}, source="csv")
    client.post(f"/plans/{plan.id}/kpis/sales/actuals", data={"actual-2031-06": "5", "actual-2031-07": "7"})
    assert kpis.get_kpi(plan, "sales").sources == {"2031-06": "csv", "2031-07": "typed"}


def test_a_csv_imported_on_the_page_lists_the_rows_left_out(app, client):
    plan = make_plan()
    kpis.set_kpi(plan, "sales", {})
    csv = io.BytesIO(b"month,sales\n2031-06,1200\n2031-07,douze\n")
    answer = client.post(
        f"/plans/{plan.id}/kpis/import",
        data={"file": (csv, "sales.csv"), "kpi": ""},
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "1 figure(s) stored" in page
    assert '<td class="num">3</td><td>sales</td><td>&#39;douze&#39; is not a number</td>' in page


def test_the_command_prints_each_indicators_months(app, runner):
    plan = make_plan()
    kpis.set_kpi(plan, "sales", {"unit": "€", "targets": {"2031-06": 1000, "2031-07": 1000}})
    kpis.record_actuals(plan, "sales", {"2031-06": 850, "2031-07": 1200.5})
    result = runner.invoke(cli, ["kpis", str(plan.id)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Sales (€, higher is better)"
    assert lines[2].split() == ["2031-06", "1,000", "850", "-15.0%", "—", "missed"]
    assert lines[3].split() == ["2031-07", "1,000", "1,200.5", "+20.1%", "—"]
    missing = runner.invoke(cli, ["kpis", "999"])
    assert missing.exit_code != 0 and "plan 999 not found" in missing.output
