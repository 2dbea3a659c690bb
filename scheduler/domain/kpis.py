"""A plan's indicators month by month: what was hoped for (the target), what came (the actual), the
same month of the previous plan, the gap, and the alert that says "two months running, well short".

Months are written ``YYYY-MM``. A plan's months are the calendar months its dates touch; an indicator
shows those and any other month that holds a target or an actual.

- ``gap`` = (actual − target) / target, as the contract says: −0.2 is 20 % under the target. It is
  None while either figure is missing, or when the target is 0 (no share of nothing).
- A month *misses* when it lies more than ``MISS_THRESHOLD`` (10 %) on the worse side of its target:
  below it when higher is better (sales), above it when lower is better (acquisition cost, bounce
  rate). The distance is measured against the target's size, |target|, so a negative target (a ROI
  still under water) is judged the right way round; for a positive target it is the gap itself.
- The *alert* is on when the last two months that have an actual both miss. One bad month is an
  incident, not a trend; a month without an actual is not judged (the figures are not in yet).
- ``previous`` is the previous plan's actual for the month at the same position: the first month of
  this plan faces the first month of the previous one, the second the second, and so on. For the
  quarterly plans Refrain is made for, that is the same month of the previous quarter (April faces
  January); comparing with the same calendar month a year ago would need a plan a year old.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from scheduler.domain.language import N_, _

BETTER = ("higher", "lower")
MISS_THRESHOLD = 0.10
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Preset:
    """An indicator the method names, with the unit and direction it is usually read in."""

    key: str
    label: str
    unit: str
    better: str
    computed_from: str = ""  # where Refrain can compute it, in words; "" when it must be entered


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset("roi", N_("ROI"), "%", "higher"),
        Preset("acquisition_cost", N_("Acquisition cost"), "€", "lower"),
        Preset("site_traffic", N_("Site traffic"), N_("visits"), "higher"),
        Preset("sales", N_("Sales"), "€", "higher"),
        Preset("conversion_rate", N_("Conversion rate"), "%", "higher"),
        Preset("engagement_rate", N_("Engagement rate"), "%", "higher", N_("the library's metrics")),
        Preset("newsletter_signups", N_("Newsletter signups"), N_("signups"), "higher", N_("confirmed subscribers")),
        Preset("click_through", N_("Click-through rate"), "%", "higher", N_("the library's metrics")),
        Preset("bounce_rate", N_("Bounce rate"), "%", "lower"),
    )
}
ALIASES = {
    "ctr": "click_through",
    "click_through_rate": "click_through",
    "clickthrough": "click_through",
    "signups": "newsletter_signups",
    "newsletter_sign_ups": "newsletter_signups",
    "cac": "acquisition_cost",
    "cost_per_acquisition": "acquisition_cost",
    "traffic": "site_traffic",
    "return_on_investment": "roi",
}


def key_of(name: str) -> str:
    """An indicator's name folded for comparing: "Click-through", "click_through" and "CLICK THROUGH"
    are one indicator."""
    return re.sub(r"[\W_]+", "_", str(name).casefold()).strip("_")


def preset_for(name: str) -> Preset | None:
    key = key_of(name)
    return PRESETS.get(ALIASES.get(key, key))


# --- months ----------------------------------------------------------------------------------------


def parse_month(text) -> str | None:
    """``YYYY-MM`` as written, or None when it is not one."""
    return text if isinstance(text, str) and MONTH.match(text) else None


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _number(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _month(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def shift(month: str, by: int) -> str:
    return _month(_number(month) + by)


def offset(month: str, origin: str) -> int:
    """How many months ``month`` lies after ``origin`` (negative before it)."""
    return _number(month) - _number(origin)


def months_between(first: date, last: date) -> list[str]:
    """The calendar months the days from ``first`` to ``last`` touch, in order."""
    start, end = _number(month_of(first)), _number(month_of(last))
    return [_month(n) for n in range(start, end + 1)]


# --- gaps and the alert ----------------------------------------------------------------------------


def gap(actual: float | None, target: float | None) -> float | None:
    if actual is None or target is None or target == 0:
        return None
    return (actual - target) / target


def shortfall(actual: float | None, target: float | None, better: str) -> float | None:
    """How far the actual lies on the worse side of the target, as a share of the target's size
    (negative: on the better side); None when it cannot be said."""
    if actual is None or target is None or target == 0:
        return None
    worse_by = (target - actual) if better == "higher" else (actual - target)
    return worse_by / abs(target)


def misses(actual: float | None, target: float | None, better: str, threshold: float = MISS_THRESHOLD) -> bool:
    short = shortfall(actual, target, better)
    return short is not None and short > threshold


@dataclass(frozen=True)
class MonthRow:
    month: str
    target: float | None
    actual: float | None
    previous: float | None
    gap: float | None
    missed: bool


def alert(rows: list[MonthRow]) -> bool:
    """On when the last two months with an actual both missed."""
    judged = [row for row in rows if row.actual is not None][-2:]
    return len(judged) == 2 and all(row.missed for row in judged)


def previous_month(month: str, first_month: str, previous_first_month: str | None) -> str | None:
    """The previous plan's month at the same position as ``month`` in this plan."""
    if previous_first_month is None:
        return None
    return shift(previous_first_month, offset(month, first_month))


def month_rows(
    *,
    months: list[str],
    targets: dict[str, float],
    actuals: dict[str, float],
    better: str,
    previous_actuals: dict[str, float] | None = None,
    previous_first_month: str | None = None,
) -> list[MonthRow]:
    """One row per month: the plan's ``months`` (in order, the first being where positions count from)
    and every other month holding a target or an actual."""
    first = months[0] if months else min([*targets, *actuals], default=None)
    shown = sorted(set(months) | set(targets) | set(actuals))
    previous_actuals = previous_actuals or {}
    rows = []
    for month in shown:
        target, actual = targets.get(month), actuals.get(month)
        earlier = previous_month(month, first, previous_first_month) if first else None
        rows.append(
            MonthRow(
                month=month,
                target=target,
                actual=actual,
                previous=previous_actuals.get(earlier) if earlier else None,
                gap=gap(actual, target),
                missed=misses(actual, target, better),
            )
        )
    return rows


# --- figures as people type them -------------------------------------------------------------------

MISSING = frozenset({"", "-", "--", "—", "–", "n/a", "na", "none", "null"})
_STRIP = re.compile(r"[\s\u00a0\u202f'’€$£¥%]")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3}){2,}(,\d+)?$")


class BadFigure(ValueError):
    """A figure that can't be read; the message is for the user."""


def parse_figure(text: str) -> float | None:
    """A monthly figure as a spreadsheet writes it: ``1 234,5``, ``1,234.5``, ``2.5%`` (2.5: the unit
    is the indicator's), ``€1,200``, ``-3`` or ``(3)`` for negatives (a ROI may be under water).
    None for an empty cell or a dash; BadFigure otherwise."""
    raw = str(text).strip()
    if raw.casefold() in MISSING:
        return None
    s = _STRIP.sub("", raw).replace("−", "-")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if _GROUPED_COMMA.match(s):
        s = s.replace(",", "")
    elif _GROUPED_DOT.match(s) or ("," in s and "." in s and s.rfind(",") > s.rfind(".")):
        s = s.replace(".", "").replace(",", ".")
    elif s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", s):
        raise BadFigure(_("%(text)s is not a number", text=repr(raw)))
    value = float(s)
    if not math.isfinite(value):
        raise BadFigure(_("%(text)s is not a number", text=repr(raw)))
    return -value if negative else value


_MONTH_NAMES = {
    **{name: n for n, name in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), 1)},
    **{name: n for n, name in enumerate(("janv févr mars avr mai juin juil août sept oct nov déc").split(), 1)},
    "fev": 2,
    "aout": 8,
    "dec": 12,
}


def read_month(text: str) -> str | None:
    """A month as a CSV writes it: ``2031-06``, ``2031-06-01``, ``06/2031``, ``June 2031``, ``juin
    2031``; None when it is not one."""
    s = str(text).strip().casefold()
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t].*)?", s):
        year, number = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", s):
        year, number = int(match[2]), int(match[1])
    elif match := re.fullmatch(r"([^\W\d_]+)\.?\s+(\d{4})", s):
        name = match[1]
        number = next((n for prefix, n in _MONTH_NAMES.items() if name.startswith(prefix)), 0)
        year = int(match[2])
    else:
        return None
    if not 1 <= number <= 12 or not 1900 <= year <= 9999:
        return None
    return f"{year:04d}-{number:02d}"
