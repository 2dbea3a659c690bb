"""Patterns in customer interactions, not incidents: which channel × kind is negative more often than
the rest, with enough evidence to say so.

The input is what the database counts (``Tally``: per channel, kind and day, how many interactions and
how many of them negative); the output, per channel × kind in the window:

* ``count``, ``negative`` and ``negative_share``;
* ``interval``: the 95 % Wilson score interval of the negative share. Unlike the textbook
  ``p ± 1.96·√(p(1-p)/n)``, it stays inside [0, 1] and is honest about small counts: two angry
  messages out of two give (0.34, 1.0), not (1.0, 1.0);
* ``flagged``: ``count`` ≥ ``MIN_COUNT`` (10) and the interval's low bound above the negative share
  of every interaction in the window. A kind that is as negative as everything else, or too rare to
  tell, is not flagged, however angry its few messages;
* ``weeks``: the trend, one point per week (Monday to Sunday) touching the window, empty weeks
  included so the sparklines of all patterns line up.

Patterns come flagged first, then by their low bound (the most certainly negative first), then by
count: the order a team should read them in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

Z_95 = 1.959963984540054  # the normal quantile of 97.5 %: a two-sided 95 % interval
MIN_COUNT = 10  # fewer interactions than this: "too few to say", never flagged


@dataclass(frozen=True)
class Tally:
    """What the database counts: interactions of one channel and kind on one day."""

    channel: str
    kind: str
    day: date
    count: int
    negative: int


@dataclass(frozen=True)
class Week:
    starts_on: date
    count: int
    negative: int

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.count if self.count else None


@dataclass(frozen=True)
class Pattern:
    channel: str
    kind: str
    count: int
    negative: int
    low: float
    high: float
    flagged: bool
    weeks: tuple[Week, ...] = field(default=())

    @property
    def negative_share(self) -> float:
        return self.negative / self.count if self.count else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def too_few(self) -> bool:
        """Too few interactions to say anything about its share, whatever it is."""
        return self.count < MIN_COUNT


@dataclass(frozen=True)
class PatternReport:
    since: date
    until: date
    count: int
    negative: int
    patterns: tuple[Pattern, ...]

    @property
    def negative_share(self) -> float:
        """The share of every interaction in the window that was negative: what a pattern must beat."""
        return self.negative / self.count if self.count else 0.0

    @property
    def flagged(self) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if p.flagged)


def wilson_interval(negative: int, count: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``negative / count``; (0, 1) when nothing was counted."""
    if count <= 0:
        return (0.0, 1.0)
    if not 0 <= negative <= count:
        raise ValueError(f"{negative} negative out of {count} is not a share")
    share = negative / count
    z2 = z * z
    centre = share + z2 / (2 * count)
    spread = z * math.sqrt(share * (1 - share) / count + z2 / (4 * count * count))
    denominator = 1 + z2 / count
    low, high = (centre - spread) / denominator, (centre + spread) / denominator
    # at the edges the formula's exact answer is 0 or 1; floating point may miss it by a hair
    return (0.0 if negative == 0 else max(0.0, low), 1.0 if negative == count else min(1.0, high))


def is_flagged(count: int, low: float, overall_share: float) -> bool:
    """A pattern, not an isolated incident: enough interactions, and surely more negative than all."""
    return count >= MIN_COUNT and low > overall_share


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_of(since: date, until: date) -> list[date]:
    """The Mondays of the weeks that touch [since, until]."""
    first, last = week_start(since), week_start(until)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def find_patterns(tallies: Iterable[Tally], since: date, until: date) -> PatternReport:
    """Every channel × kind counted in [since, until] (days outside are ignored), flagged or not."""
    if until < since:
        raise ValueError("the window ends before it starts")
    mondays = weeks_of(since, until)
    totals: dict[tuple[str, str], list[int]] = {}
    weekly: dict[tuple[str, str], dict[date, list[int]]] = {}
    for tally in tallies:
        if not since <= tally.day <= until or tally.count <= 0:
            continue
        key = (tally.channel, tally.kind)
        total = totals.setdefault(key, [0, 0])
        total[0] += tally.count
        total[1] += tally.negative
        week = weekly.setdefault(key, {}).setdefault(week_start(tally.day), [0, 0])
        week[0] += tally.count
        week[1] += tally.negative
    count = sum(c for c, _ in totals.values())
    negative = sum(n for _, n in totals.values())
    overall = negative / count if count else 0.0
    patterns = []
    for (channel, kind), (n, bad) in totals.items():
        low, high = wilson_interval(bad, n)
        weeks = tuple(Week(m, *weekly[(channel, kind)].get(m, (0, 0))) for m in mondays)
        patterns.append(Pattern(channel, kind, n, bad, low, high, is_flagged(n, low, overall), weeks))
    patterns.sort(key=lambda p: (not p.flagged, p.too_few, -p.low, -p.count, p.channel, p.kind))
    return PatternReport(since, until, count, negative, tuple(patterns))


def compare_periods(before: tuple[int, int], after: tuple[int, int]) -> dict:
    """How a pattern moved (a script was written between the periods): each period's count, negative
    count, share and interval, and the change of share (None when a period counted nothing)."""

    def period(count: int, negative: int) -> dict:
        low, high = wilson_interval(negative, count)
        return {
            "count": count,
            "negative": negative,
            "negative_share": negative / count if count else None,
            "interval": [low, high],
            "too_few": count < MIN_COUNT,
        }

    first, second = period(*before), period(*after)
    change = None
    if first["negative_share"] is not None and second["negative_share"] is not None:
        change = second["negative_share"] - first["negative_share"]
    return {"before": first, "after": second, "change": change}
