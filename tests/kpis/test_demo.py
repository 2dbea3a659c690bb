"""`refrain demo` shows the indicators (targets, actuals, the quarter before, exactly one alert) and
the contests (one running, with entries; an ideas contest), whatever day of the quarter it is built on."""

from pathlib import Path

import pytest

from scheduler.cli import cli
from scheduler.services import contests, demo, demo_contests, demo_kpis, kpis, plans


def alerts_everywhere():
    return [(plan.name, kpi["name"]) for plan in plans.all_plans() for kpi in kpis.alerts(plan)]


@pytest.mark.parametrize(
    "today, alerting_plan",
    [("2031-05-10", demo.DEMO_NAME), ("2031-04-03", demo_kpis.PREVIOUS_NAME)],
)
def test_the_demo_has_indicators_with_exactly_one_alert_and_a_running_contest(runner, clock_at, today, alerting_plan):
    clock_at(f"{today}T12:00:00+02:00")
    assert runner.invoke(cli, ["demo", "--today", today], catch_exceptions=False).exit_code == 0
    plan = next(p for p in plans.all_plans() if p.name == demo.DEMO_NAME)
    board = {k["name"]: k for k in kpis.dashboard(plan)}
    assert set(board) == set(demo_kpis.INDICATORS)
    assert all(m["target"] is not None for k in board.values() for m in k["months"])
    assert any(m["actual"] is not None and m["previous"] is not None for m in board["sales"]["months"])
    assert alerts_everywhere() == [(alerting_plan, "acquisition_cost")]

    running = next(c for c in contests.list_contests() if c.name == demo_contests.RUNNING)
    assert contests.state(running) == "running"
    leaderboard = contests.leaderboard(running)
    assert {row["person"] for row in leaderboard} == {"Chloé Martin", "Wang Wei"}
    assert all(row["entries"] > 0 and row["score"] > 0 for row in leaderboard)
    ideas = next(c for c in contests.list_contests() if c.name == demo_contests.IDEAS)
    assert [row["entries"] > 0 for row in contests.leaderboard(ideas)] == [True, True], "each idea was tried"

    again = runner.invoke(cli, ["demo", "--today", today], catch_exceptions=False)
    assert again.exit_code == 0 and len(contests.list_contests()) == 2 and len(alerts_everywhere()) == 1


def test_the_demos_alert_is_shown_not_mailed(app, runner, clock_at):
    clock_at("2031-05-10T12:00:00+02:00")
    runner.invoke(cli, ["demo", "--today", "2031-05-10"], catch_exceptions=False)
    outbox = Path(app.config["INSTANCE_PATH"]) / "outbox" / "newsletter-mail"
    assert not list(outbox.glob("*.eml"))
