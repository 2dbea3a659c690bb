"""A plan's indicators: targets set by managers, actuals entered, imported or computed, and the
dashboard that compares them month by month with the previous plan (rules in ``domain.kpis``).

Every change of figures judges the indicator again: when its alert turns on, the managers are told
once (``kpi_alerts``, after the change is committed); when it turns off, the next time it turns on is
news again.
"""

from __future__ import annotations

import dataclasses
import math

from sqlalchemy import select

from scheduler.domain import kpis as rules
from scheduler.domain import kpis_csv
from scheduler.domain.language import _
from scheduler.models import Kpi, Plan
from scheduler.models.database import db
from scheduler.services import clock, kpi_alerts, kpi_figures, metrics
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader

NAME_LIMIT = 60
UNIT_LIMIT = 20
TYPED, CSV, COMPUTED = "typed", "csv", "computed"
LARGEST_FIGURE = 1e15  # a figure past this is a typing accident, not a month's sales


def presets() -> list[rules.Preset]:
    return list(rules.PRESETS.values())


def preset_shown(preset: rules.Preset) -> rules.Preset:
    """The preset in the reader's language (its label, its unit's word, where Refrain computes it from)."""
    return dataclasses.replace(
        preset,
        label=_(preset.label),
        unit=_(preset.unit),
        computed_from=_(preset.computed_from) if preset.computed_from else "",
    )


def list_kpis(plan: Plan) -> list[Kpi]:
    return list(db.session.scalars(select(Kpi).where(Kpi.plan_id == plan.id).order_by(Kpi.id)))


def find_kpi(plan: Plan, name: str) -> Kpi | None:
    key = rules.key_of(name or "")
    return db.session.scalar(select(Kpi).where(Kpi.plan_id == plan.id, Kpi.key == key)) if key else None


def get_kpi(plan: Plan, name: str) -> Kpi:
    kpi = find_kpi(plan, name)
    if kpi is None:
        raise NotFound(
            "indicator",
            _("indicator %(name)s of plan %(plan)s not found", name=repr(name), plan=plan.id),
        )
    return kpi


def _name(raw) -> str:
    name = " ".join(str(raw or "").split())
    if not name or not rules.key_of(name):
        raise Invalid({"name": _("is required: a name such as sales or site_traffic")})
    if len(name) > NAME_LIMIT:
        raise Invalid(
            {"name": _("must be at most %(most)s characters (it has %(has)s)", most=NAME_LIMIT, has=len(name))}
        )
    if any(ord(c) < 32 for c in name):
        raise Invalid({"name": _("must not contain control characters")})
    return name


def _figure(value) -> float | None | str:
    """A figure from JSON or a form; a string saying why when it is not one."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _("must be a number")
    if not math.isfinite(value) or abs(value) > LARGEST_FIGURE:
        return _("must be a finite number below %(most)s", most=format(LARGEST_FIGURE, ".0e"))
    return float(value)


def _months(raw, field: str) -> dict[str, float | None]:
    """``{"YYYY-MM": number or null}`` checked; problems named by ``field`` (``targets``) or, with
    ``field`` None, by each month (the actuals' body is the months themselves)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid({field or "body": _('must be an object of months, such as {"2031-06": 1200}')})
    found, problems = {}, {}
    for month, value in raw.items():
        name = field or str(month)
        if rules.parse_month(month) is None:
            problems.setdefault(name, _("%(month)s is not a month: write it as 2031-06", month=repr(str(month)[:20])))
            continue
        figure = _figure(value)
        if isinstance(figure, str):
            problems.setdefault(name, _("%(month)s %(problem)s", month=month, problem=figure) if field else figure)
            continue
        found[month] = figure
    if problems:
        raise Invalid(problems)
    return found


@unit_of_work
def set_kpi(plan: Plan, name: str, data) -> tuple[Kpi, bool]:
    """The indicator as given (PUT): its unit, which way is better, and its targets, which replace the
    earlier ones; actuals are kept. Returns (kpi, created)."""
    name = _name(name)
    reader = Reader(data)
    preset = rules.preset_for(name)
    unit = reader.text("unit", required=False, max_length=UNIT_LIMIT, default=None)
    better = reader.choice("better", rules.BETTER, required=False, default="higher")
    targets = {}
    try:
        targets = _months(reader.data.get("targets"), "targets")
    except Invalid as refused:
        for field, problem in refused.fields.items():
            reader.fail(field, problem)
    reader.done()
    kpi = find_kpi(plan, name)
    created = kpi is None
    if created:
        kpi = Kpi(plan_id=plan.id, key=rules.key_of(name), actuals={}, sources={}, alerting=False)
        db.session.add(kpi)
    kpi.name = name
    if created and not unit:  # a preset's unit unless another is given
        kpi.unit = _(preset.unit) if preset else ""
    elif unit is not None:
        kpi.unit = unit
    kpi.better = better
    kpi.targets = {month: value for month, value in sorted(targets.items()) if value is not None}
    db.session.flush()
    _judge(plan, kpi)
    return kpi, created


@unit_of_work
def record_actuals(plan: Plan, name: str, data, source: str = TYPED) -> Kpi:
    """Adds (or replaces, or with null removes) the actuals of the months given."""
    kpi = get_kpi(plan, name)
    figures = _months(data, None)
    if not figures:
        raise Invalid({"body": _('give at least one month\'s figure, such as {"2031-06": 1200}')})
    _store(kpi, figures, source)
    _judge(plan, kpi)
    return kpi


def _store(kpi: Kpi, figures: dict[str, float | None], source: str) -> None:
    actuals, sources = dict(kpi.actuals or {}), dict(kpi.sources or {})
    for month, value in figures.items():
        if value is None:
            actuals.pop(month, None)
            sources.pop(month, None)
        else:
            actuals[month], sources[month] = value, source
    kpi.actuals, kpi.sources = dict(sorted(actuals.items())), dict(sorted(sources.items()))


@unit_of_work
def remove_kpi(plan: Plan, name: str) -> None:
    db.session.delete(get_kpi(plan, name))


def store_many(plan: Plan, values: dict[str, dict[str, float]], source: str) -> int:
    """Figures for several indicators at once (an import); how many were stored. Joins the caller's unit."""
    stored = 0
    for key, figures in values.items():
        kpi = db.session.scalar(select(Kpi).where(Kpi.plan_id == plan.id, Kpi.key == key))
        if kpi is None or not figures:
            continue
        _store(kpi, figures, source)
        _judge(plan, kpi)
        stored += len(figures)
    return stored


@unit_of_work
def compute_actuals(plan: Plan, name: str) -> tuple[Kpi, int]:
    """The indicator's actuals computed from Refrain's own data, for the plan's months that are over
    (a month still running would look short); (kpi, how many months were computed)."""
    kpi = get_kpi(plan, name)
    if not kpi_figures.computable(kpi.name):
        raise Invalid(
            {
                "name": _(
                    "Refrain computes only %(computable)s; enter or import this one's actuals",
                    computable=", ".join(kpi_figures.COMPUTABLE),
                )
            }
        )
    figures = kpi_figures.compute(kpi.name, plan, [m for m in plan_months(plan) if _over(plan, m)])
    _store(kpi, figures, COMPUTED)
    _judge(plan, kpi)
    return kpi, len(figures)


def _over(plan: Plan, month: str) -> bool:
    return month < rules.month_of(clock.today(plan.timezone))


@unit_of_work
def import_actuals(plan: Plan, data: bytes, only: str | None = None) -> dict:
    """Actuals from a CSV file (``domain.kpis_csv``): a month column and a column per indicator, or a
    ``value`` column for ``only``. Good rows are kept, each bad one reported; importing the same file
    again changes nothing. ``{"imported": figures stored, "errors": [{line, field, message}]}``."""
    keys = [kpi.key for kpi in list_kpis(plan)]
    if only:
        only = get_kpi(plan, only).key
    if not keys:
        raise Invalid({"file": _("the plan has no indicators yet: a manager adds them first")})
    table = metrics.read_upload(data)
    header_line = table.rows[0][0] - 1 if table.rows else 1
    parsed = kpis_csv.parse_actuals(table, keys, only=only, header_line=header_line)
    imported = store_many(plan, parsed.values, CSV)
    errors = [{"line": e.line, "field": e.field, "message": e.message} for e in parsed.errors]
    return {"imported": imported, "errors": errors[: metrics.ERRORS_KEPT]}


# --- the dashboard ---------------------------------------------------------------------------------


def plan_months(plan: Plan) -> list[str]:
    return rules.months_between(plan.starts_on, plan.ends_on)


def previous_plan(plan: Plan) -> Plan | None:
    """The plan before this one in time: the latest to start before it starts."""
    return db.session.scalar(
        select(Plan)
        .where(Plan.starts_on < plan.starts_on, Plan.id != plan.id)
        .order_by(Plan.starts_on.desc(), Plan.id.desc())
        .limit(1)
    )


def rows_of(plan: Plan, kpi: Kpi, previous: Plan | None = None, earlier: Kpi | None = None) -> list[rules.MonthRow]:
    if previous is not None and earlier is None:
        earlier = db.session.scalar(select(Kpi).where(Kpi.plan_id == previous.id, Kpi.key == kpi.key))
    return rules.month_rows(
        months=plan_months(plan),
        targets=dict(kpi.targets or {}),
        actuals=dict(kpi.actuals or {}),
        better=kpi.better,
        previous_actuals=dict(earlier.actuals or {}) if earlier is not None else None,
        previous_first_month=rules.month_of(previous.starts_on) if previous is not None else None,
    )


def dashboard(plan: Plan) -> list[dict]:
    """Every indicator of the plan as the contract's ``GET /plans/<id>/kpis`` gives it."""
    previous = previous_plan(plan)
    return [kpi_dict(plan, kpi, previous) for kpi in list_kpis(plan)]


def kpi_dict(plan: Plan, kpi: Kpi, previous: Plan | None = None, *, find_previous: bool = False) -> dict:
    if find_previous:
        previous = previous_plan(plan)
    rows = rows_of(plan, kpi, previous)
    preset = rules.preset_for(kpi.name)
    sources = kpi.sources or {}
    return {
        "name": kpi.name,
        "key": kpi.key,
        "label": _(preset.label) if preset and rules.key_of(kpi.name) in rules.PRESETS else kpi.name,
        "unit": kpi.unit,
        "better": kpi.better,
        "months": [
            {
                "month": row.month,
                "target": row.target,
                "actual": row.actual,
                "previous": row.previous,
                "gap": row.gap,
                "missed": row.missed,
                "source": sources.get(row.month),
            }
            for row in rows
        ],
        "alert": rules.alert(rows),
        "computable": kpi_figures.computable(kpi.name),
        "previous_plan_id": previous.id if previous is not None else None,
    }


def alerts(plan: Plan) -> list[dict]:
    """The plan's indicators whose alert is on (what the plan's page shows)."""
    return [k for k in dashboard(plan) if k["alert"]]


# --- the alert -------------------------------------------------------------------------------------


def _judge(plan: Plan, kpi: Kpi) -> None:
    """Whether the alert is on now; the managers are told when it turns on (after the commit)."""
    rows = rows_of(plan, kpi)
    on = rules.alert(rows)
    if on and not kpi.alerting:
        kpi.alerting, kpi.alerted_at = True, clock.now()
        if kpi_alerts.told():
            notice = kpi_alerts.notice_for(plan, kpi, rows)
            after_commit(lambda: kpi_alerts.notify(notice))
    elif not on and kpi.alerting:
        kpi.alerting = False
