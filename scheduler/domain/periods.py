"""Commitment periods, in the plan's time zone.

"Four posts a day" means a day as the team lives it: local midnight to local midnight, which is
23 or 25 hours long when the clocks change. Periods are made of whole local days, clipped to the
plan's dates, and carry their UTC bounds so stored (UTC) times can be bucketed with a bisect.
"""
from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

PERS = ("day", "week", "month", "quarter")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    first_day: date  # inclusive, local
    last_day: date  # inclusive, local

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def utc_bounds(self, tz: str | tzinfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of the first day to that after the last day."""
        return day_start_utc(self.first_day, tz), day_start_utc(self.last_day + ONE_DAY, tz)


def zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def plan_periods(starts_on: date, ends_on: date, per: str) -> list[Period]:
    """The plan's periods for a commitment 'per' day, ISO week, calendar month or whole plan."""
    if per not in PERS:
        raise ValueError(f"unknown period {per!r}; expected one of {', '.join(PERS)}")
    if ends_on < starts_on:
        raise ValueError("the plan ends before it starts")
    periods, first = [], starts_on
    while first <= ends_on:
        last = min(_period_end(first, per, ends_on), ends_on)
        periods.append(Period(first, last))
        first = last + ONE_DAY
    return periods


def iso_weeks(starts_on: date, ends_on: date) -> list[Period]:
    """ISO weeks (Monday first) clipped to the plan."""
    return plan_periods(starts_on, ends_on, "week")


def period_of(day: date, periods: list[Period]) -> Period | None:
    """The period (of a sorted partition) holding the day, or None outside them."""
    index = bisect_right([p.first_day for p in periods], day) - 1
    if index >= 0 and day <= periods[index].last_day:
        return periods[index]
    return None


def local_day(instant_utc: datetime, tz: str | tzinfo) -> date:
    """The local date of an instant (a naive instant is taken as UTC)."""
    if instant_utc.tzinfo is None:
        instant_utc = instant_utc.replace(tzinfo=timezone.utc)
    return instant_utc.astimezone(zone(tz)).date()


def day_start_utc(day: date, tz: str | tzinfo) -> datetime:
    return local_to_utc(datetime.combine(day, time()), tz)


def day_bounds_utc(day: date, tz: str | tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day in UTC; 23 or 25 hours long on clock-change days."""
    return day_start_utc(day, tz), day_start_utc(day + ONE_DAY, tz)


def local_to_utc(local: datetime, tz: str | tzinfo) -> datetime:
    """A wall-clock time in the zone, as an aware UTC datetime.

    A time that does not exist (skipped when clocks spring forward) is moved forward by the gap:
    02:30 in Paris on 2031-03-30 becomes 03:30 local (01:30 UTC). An ambiguous time (repeated when
    clocks fall back) is its first occurrence. An aware datetime is simply converted.
    """
    if local.tzinfo is not None:
        return local.astimezone(timezone.utc)
    # PEP 495: with fold=0 a skipped time is read with the offset in force before the gap,
    # which lands the gap's length later on the clock; an ambiguous one is its first occurrence.
    return local.replace(tzinfo=zone(tz), fold=0).astimezone(timezone.utc)


def _period_end(first: date, per: str, ends_on: date) -> date:
    if per == "day":
        return first
    if per == "week":
        return first + timedelta(days=6 - first.weekday())
    if per == "month":
        return first.replace(day=monthrange(first.year, first.month)[1])
    return ends_on


def offset_segments(starts_on: date, ends_on: date, tz: str | tzinfo, step: timedelta = timedelta(minutes=15)):
    """The plan's span cut where the zone's UTC offset changes: [(start_utc, end_utc, offset_seconds)].

    Within a segment the local day of an instant is a plain division, ``(epoch + offset) // 86400``,
    which a database can compute for a GROUP BY; clock changes fall on quarter hours in every zone.
    """
    tz = zone(tz)
    start, end = day_start_utc(starts_on, tz), day_start_utc(ends_on + ONE_DAY, tz)
    segments, begin = [], start
    offset = _offset(begin, tz)
    probe = begin + step
    while probe < end:
        if _offset(probe, tz) != offset:
            segments.append((begin, probe, offset))
            begin, offset = probe, _offset(probe, tz)
        probe += step
    segments.append((begin, end, offset))
    return segments


def _offset(instant: datetime, tz: tzinfo) -> int:
    return int(instant.astimezone(tz).utcoffset().total_seconds())
