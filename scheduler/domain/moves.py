"""Where a rescheduled post goes: shifted by a duration, or set to another date at the same time of day.

People move posts on the plan's calendar, so days are calendar days on the plan's clock: a post at 10:00
moved by one day is at 10:00 the next day, even across a clock change (then 23 or 25 hours later).
Hours and minutes are elapsed time. A wall-clock time the clocks skip or show twice is placed as the
editor places it (``periods.read_wall_clock``), and its notice says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from scheduler.domain.language import _, ngettext
from scheduler.domain.periods import WallClockReading, read_wall_clock, zone

# ISO 8601 durations of weeks, days, hours and minutes, with a sign in front for going back: P1D, -PT2H, P1W2DT30M
DURATION = re.compile(r"^([+-])?P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?)?$")
LONGEST = timedelta(days=3660)  # a move of more than ten years is a typing slip


@dataclass(frozen=True)
class Shift:
    days: int = 0  # calendar days on the plan's clock (weeks are 7 of them)
    minutes: int = 0  # elapsed minutes

    def __bool__(self) -> bool:
        return bool(self.days or self.minutes)

    def in_words(self) -> str:
        sign = "-" if (self.days or self.minutes) < 0 else "+"
        days, minutes = abs(self.days), abs(self.minutes)
        parts = [ngettext("%(num)s day", "%(num)s days", days)] if days else []
        if minutes // 60:
            parts.append(_("%(hours)s h", hours=minutes // 60))
        if minutes % 60:
            parts.append(_("%(minutes)s min", minutes=minutes % 60))
        return sign + " ".join(parts) if parts else _("no shift")


def read_shift(text: str) -> Shift:
    """``P1D``, ``-PT2H30M``, ``P1W``...; ValueError in words for anything else."""
    found = DURATION.match((text or "").strip().upper())
    if not found or not any(found.groups()[1:]):
        raise ValueError(_("must be a duration such as P1D (a day later), -PT2H (two hours earlier) or P1W"))
    sign = -1 if found.group(1) == "-" else 1
    weeks, days, hours, minutes = (int(part or 0) for part in found.groups()[1:])
    shift = Shift(sign * (7 * weeks + days), sign * (60 * hours + minutes))
    if abs(timedelta(days=shift.days, minutes=shift.minutes)) > LONGEST:
        raise ValueError(_("must be at most ten years"))
    return shift


def shift_from(amount: int, unit: str) -> Shift:
    """The form's "3 days" or "-2 hours"."""
    units = {"minutes": (0, 1), "hours": (0, 60), "days": (1, 0), "weeks": (7, 0)}
    if unit not in units:
        raise ValueError(_("must be one of %(choices)s", choices=", ".join(units)))
    days, minutes = units[unit]
    shift = Shift(amount * days, amount * minutes)
    if abs(timedelta(days=shift.days, minutes=shift.minutes)) > LONGEST:
        raise ValueError(_("must be at most ten years"))
    return shift


def shifted(instant: datetime, tz: str, shift: Shift) -> WallClockReading:
    """``instant`` moved by ``shift``: its days on the wall clock of ``tz``, its minutes elapsed."""
    place = zone(tz)
    wall = instant.astimezone(place).replace(tzinfo=None) + timedelta(days=shift.days)
    reading = read_wall_clock(wall, place) if shift.days else WallClockReading(instant.astimezone(timezone.utc))
    if not shift.minutes:
        return reading
    return WallClockReading(reading.utc + timedelta(minutes=shift.minutes), reading.notice)


def on_day(instant: datetime, tz: str, day: date) -> WallClockReading:
    """``instant``'s time of day on the wall clock of ``tz``, on ``day`` instead."""
    wall = instant.astimezone(zone(tz)).replace(tzinfo=None)
    return read_wall_clock(datetime.combine(day, wall.time()), tz)
