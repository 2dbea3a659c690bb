"""``refrain kpis PLAN_ID``: a plan's indicators in the terminal, month by month, alerts first said."""

import json

import click
from flask.cli import with_appcontext

from scheduler.domain.language import _


def _figure(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def as_table(board: list[dict]) -> str:
    """Each indicator, then its months: target, actual, gap, the previous plan's same month."""
    if not board:
        return _("no indicator chosen for this plan yet")
    lines = []
    for kpi in board:
        unit = f"{kpi['unit']}, " if kpi["unit"] else ""
        better = _("lower is better") if kpi["better"] == "lower" else _("higher is better")
        head = f"{kpi['label']} ({unit}{better})"
        lines.append(head + ("   " + _("ALERT: missed by more than 10 % two months running") if kpi["alert"] else ""))
        lines.append(f"  {'month':<9}{'target':>14}{'actual':>14}{'gap':>9}{'previous':>14}")
        for m in kpi["months"]:
            gap = "—" if m["gap"] is None else f"{m['gap']:+.1%}"
            mark = "  " + _("missed") if m["missed"] else ""
            lines.append(
                f"  {m['month']:<9}{_figure(m['target']):>14}{_figure(m['actual']):>14}{gap:>9}"
                f"{_figure(m['previous']):>14}{mark}"
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n")


@click.command("kpis")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def kpis_command(plan_id, fmt):
    """Print a plan's indicators: each month's target, actual, gap and the previous plan's same month."""
    from scheduler.services import kpis, plans
    from scheduler.services.errors import NotFound

    try:
        plan = plans.get_plan(plan_id)
    except NotFound as error:
        raise click.ClickException(error.message)
    board = kpis.dashboard(plan)
    click.echo(json.dumps(board, indent=2, ensure_ascii=False) if fmt == "json" else as_table(board))
