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

from scheduler.domain import formats
from scheduler.domain.language import _

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


@dataclass(frozen=True)
class WallClockReading:
    """Where a time typed on the plan's clock goes out, and what to tell the user if a clock change
    moved it (a skipped time) or chose for them (a repeated one): never a silent shift."""

    utc: datetime
    notice: str | None = None


def read_wall_clock(local: datetime, tz: str | tzinfo) -> WallClockReading:
    """A naive wall-clock time in the zone: its instant (see ``local_to_utc``) and the notice, if any."""
    instant = local_to_utc(local, tz)
    return WallClockReading(instant, clock_change_notice(local, instant, tz))


def clock_change_notice(written: datetime, instant: datetime, tz: str | tzinfo) -> str | None:
    """What a user must be told when the wall-clock time they wrote is skipped or repeated in the zone.

    ``written`` is the time as typed (its offset, if any, is ignored: it is the clock reading that
    can be missing or doubled); ``instant`` is where it was actually put. The message names the
    time the plan's clock will show when the post goes out, which is what the calendar shows too.
    """
    tz = zone(tz)
    wall = written.replace(tzinfo=None, fold=0)
    shown = instant.astimezone(tz)
    if is_skipped(wall, tz):
        return _(
            "%(time)s does not exist on %(date)s in %(zone)s (clocks go forward); it will go out at %(when)s",
            time=_clock(wall),
            date=_long_date(wall),
            zone=_zone_name(tz),
            when=_clock_on(shown, wall),
        )
    if is_repeated(wall, tz):
        return _(
            "%(time)s happens twice on %(date)s in %(zone)s (clocks go back); it will go out at %(when)s",
            time=_clock(wall),
            date=_long_date(wall),
            zone=_zone_name(tz),
            when=_which_occurrence(wall, instant, tz),
        )
    return None


def is_skipped(wall: datetime, tz: str | tzinfo) -> bool:
    """A wall-clock time the zone's clocks jump over (spring forward): no instant shows it."""
    wall = wall.replace(tzinfo=None, fold=0)
    return local_to_utc(wall, tz).astimezone(zone(tz)).replace(tzinfo=None) != wall


def is_repeated(wall: datetime, tz: str | tzinfo) -> bool:
    """A wall-clock time the zone's clocks show twice (fall back)."""
    wall, tz = wall.replace(tzinfo=None), zone(tz)
    first, second = (wall.replace(tzinfo=tz, fold=fold).utcoffset() for fold in (0, 1))
    return first != second and not is_skipped(wall, tz)


def _which_occurrence(wall: datetime, instant: datetime, tz: tzinfo) -> str:
    first = local_to_utc(wall, tz)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(timezone.utc)
    shown = instant.astimezone(tz)
    label = f"{_clock_on(shown, wall)} ({_utc_offset(shown)})"
    if instant == first:
        return _("the first %(time)s, before the clocks go back", time=label)
    if instant == second:
        return _("the second %(time)s, after the clocks go back", time=label)
    return label


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S" if moment.second or moment.microsecond else "%H:%M")


def _clock_on(shown: datetime, written: datetime) -> str:
    """The clock reading, with its date when that differs from the date written (a whole day skipped)."""
    if shown.date() == written.date():
        return _clock(shown)
    return _("%(time)s on %(date)s", time=_clock(shown), date=_long_date(shown))


def _long_date(day: date | datetime) -> str:
    return formats.day(day, LONG_DATE)  # 8 March 2026: no leading zero


LONG_DATE = ("d MMMM y", "yMMMMd", "")


def _utc_offset(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_name(tz: tzinfo) -> str:
    return getattr(tz, "key", None) or str(tz)


def _period_end(first: date, per: str, ends_on: date) -> date:
    if per == "day":
        return first
    if per == "week":
        return first + timedelta(days=6 - first.weekday())
    if per == "month":
        return first.replace(day=monthrange(first.year, first.month)[1])
    return ends_on


def offset_segments(starts_on: date, ends_on: date, tz: str | tzinfo, step: timedelta = timedelta(hours=6)):
    """The plan's span cut where the zone's UTC offset changes: [(start_utc, end_utc, offset_seconds)].

    Within a segment the local day of an instant is a plain division, ``(epoch + offset) // 86400``,
    which a database can compute for a GROUP BY. Each cut is the exact second of the clock change:
    most zones change on a quarter hour, but not all (Goose Bay and St John's changed at 00:01 until
    2011, Casey at 16:01 UTC in 2020-2022), and a cut on the probing grid would give the minutes
    after such a change the old offset, and sometimes the wrong day. ``step`` is only how often
    the offset is probed, so it must be shorter than the time between two changes (never under a
    week in any zone since 1970, by the tz database): six hours leaves room and costs well under a
    millisecond for a quarter.
    """
    tz = zone(tz)
    start, end = day_start_utc(starts_on, tz), day_start_utc(ends_on + ONE_DAY, tz)
    segments, begin = [], start
    offset = _offset(begin, tz)
    last = end - timedelta(seconds=1)  # probed too: a change in the span's last hours is still a cut
    probe = begin
    while probe < last:
        after = min(probe + step, last)
        if _offset(after, tz) != offset:
            change = _first_instant_with_new_offset(probe, after, tz)
            segments.append((begin, change, offset))
            begin, offset = change, _offset(change, tz)
        probe = after
    segments.append((begin, end, offset))
    return segments


def _first_instant_with_new_offset(before: datetime, after: datetime, tz: tzinfo) -> datetime:
    """Bisect to the whole second at which the offset in force at ``before`` stops (zones change on seconds)."""
    old = _offset(before, tz)
    low, high = 0, int((after - before).total_seconds())  # old offset at low, a new one at high
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(before + timedelta(seconds=middle), tz) == old:
            low = middle
        else:
            high = middle
    return before + timedelta(seconds=high)


def _offset(instant: datetime, tz: tzinfo) -> int:
    return int(instant.astimezone(tz).utcoffset().total_seconds())
