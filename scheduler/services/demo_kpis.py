"""The demo's indicators: the plan's targets and actuals month by month, beside the quarter before's,
with exactly one alert to show what it looks like.

Actuals are entered for the months that have begun (the current one "so far"), as a team would. The
quarter before is a plan of its own, so every chart has its "previous" line (``demo_retrospective``
then gives it a theme and published posts, for the new-plan form's look back). The alert is on
acquisition cost, which rose above its target two months running: on the demo's plan once two of its
months have begun, else (in a quarter's first month, when the plan has a single month of figures) on
the quarter before, where the team would have seen it. It is shown, not mailed: the demo's people have
made-up addresses.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from scheduler.domain import kpis as rules
from scheduler.models import Plan
from scheduler.models.database import db
from scheduler.services import kpi_alerts, kpis, plans

PREVIOUS_NAME = "Demo: the quarter before"
EARLIER_NAMES = (PREVIOUS_NAME, "Demo: the quarter before (indicators only)")  # as demos before 0.15 named it

# per indicator: (unit, better, targets of the quarter's three months, what came as a share of them)
INDICATORS = {
    "sales": ("€", "higher", (42_000, 45_000, 50_000), (1.03, 0.97, 1.02)),
    "newsletter_signups": ("signups", "higher", (300, 320, 350), (1.10, 0.95, 1.05)),
    "engagement_rate": ("%", "higher", (2.4, 2.5, 2.6), (1.05, 0.98, 1.01)),
    "bounce_rate": ("%", "lower", (45, 44, 43), (0.96, 1.02, 0.99)),
    "acquisition_cost": ("€", "lower", (38, 37, 36), (1.00, 1.04, 1.06)),
}
ALERTING = "acquisition_cost"
MISSING_BY = (1.18, 1.24)  # the alert's two months: costs 18 % and 24 % over target


def load(plan: Plan, today: date) -> Plan:
    """The indicators of ``plan`` and of the quarter before (made again); returns that earlier plan."""
    for earlier in db.session.scalars(select(Plan).where(Plan.name.in_(EARLIER_NAMES))):
        db.session.delete(earlier)
    db.session.flush()
    ends_on = plan.starts_on - timedelta(days=1)
    previous = plans.create_plan(
        {
            "name": PREVIOUS_NAME,
            "theme": "Atlas 1.9 autumn release",
            "key_message": "The quarter before the demo's: its indicators are the dashboard's previous line.",
            "starts_on": date(ends_on.year, 3 * ((ends_on.month - 1) // 3) + 1, 1).isoformat(),
            "ends_on": ends_on.isoformat(),
            "timezone": plan.timezone,
        }
    )
    begun = [m for m in kpis.plan_months(plan) if m <= rules.month_of(today)]
    with kpi_alerts.silenced():  # shown on the plan's page; nobody is mailed about a demo
        _fill(previous, kpis.plan_months(previous), alert=len(begun) < 2, scale=0.9)
        _fill(plan, begun, alert=len(begun) >= 2, scale=1.0)
    return previous


def _fill(plan: Plan, months: list[str], *, alert: bool, scale: float) -> None:
    all_months = kpis.plan_months(plan)
    for name, (unit, better, targets, shares) in INDICATORS.items():
        target_of = {month: round(t * scale, 1) for month, t in zip(all_months, targets)}
        kpis.set_kpi(plan, name, {"unit": unit, "better": better, "targets": target_of})
        actuals = {m: round(target_of[m] * share, 1) for m, share in zip(all_months, shares) if m in months}
        if alert and name == ALERTING and len(months) >= 2:
            for month, share in zip(months[-2:], MISSING_BY):
                actuals[month] = round(target_of[month] * share, 1)
        if actuals:
            kpis.record_actuals(plan, name, actuals)
