"""Where a post can go: the slots of a channel's cadence, and the first one no post has taken yet.

A time already past cannot be scheduled (CONTRACT.md), so a refusal offers a time instead: the next
*free slot*. A commitment of ``n`` posts per period is read as a cadence: ``n`` slots spread evenly
over the period's posting hours, from ``WINDOW_START`` for ``WINDOW`` each local day, in the plan's
time zone ("4 tweets a day": 10:00, 13:00, 16:00 and 19:00; "1 a week": Monday 10:00 (or the first
day of a period the plan's dates clip); "4 a month": the 1st, 8th, 16th and 24th at 10:00). A
channel without a commitment gets one slot a day.

Each post sits in the slot of its period nearest to it (a tweet at 12:55 holds the 13:00 slot; a
tie goes to the earlier slot); a slot that no post holds is free. Only slots inside the plan count.
Pure: the times of the posts already there come in, a UTC instant (or None: nothing left) goes out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from scheduler.domain.periods import Period, local_day, local_to_utc, period_of, plan_periods

WINDOW_START = time(10, 0)  # the first slot of a posting day, and the editor's old default
WINDOW = timedelta(hours=12)  # posting hours: 10:00 to 22:00 on the plan's clock


@dataclass(frozen=True)
class Cadence:
    posts: int  # per period, at least 1
    per: str  # day | week | month | quarter (periods.PERS)


EVERY_DAY = Cadence(1, "day")  # a channel the plan makes no commitment for


def period_slots(period: Period, posts: int, tz: str | tzinfo) -> list[datetime]:
    """The period's ``posts`` slots, sorted, as aware UTC instants.

    With no more posts than days, one slot on each chosen day at ``WINDOW_START`` (days spread evenly);
    with more, the days' posting hours are laid end to end and cut into equal parts, each slot on
    the whole minute (on the second when they are less than a minute apart). A wall-clock time the
    zone skips goes out when the clock shows it again (``periods.local_to_utc``)."""
    posts = max(posts, 1)
    days, window = period.days, int(WINDOW.total_seconds())
    span = days * window
    slots = set()
    for index in range(posts):
        if posts <= days:
            day, second = index * days // posts, 0
        else:
            day, second = divmod(index * span // posts, window)
            if span // posts >= 60:
                second -= second % 60
        wall = datetime.combine(period.first_day + timedelta(days=day), WINDOW_START) + timedelta(seconds=second)
        slots.add(local_to_utc(wall, tz))
    return sorted(slots)


def nearest_slot(slots: list[datetime], at: datetime) -> int:
    """The index of the slot nearest ``at`` (the earlier on a tie); ``slots`` sorted, not empty."""
    index = bisect_left(slots, at)
    if index == 0:
        return 0
    if index == len(slots):
        return len(slots) - 1
    return index if slots[index] - at < at - slots[index - 1] else index - 1


def next_free_slot(
    starts_on: date,
    ends_on: date,
    tz: str | tzinfo,
    cadence: Cadence,
    taken: Iterable[datetime],
    not_before: datetime,
    last_day: date | None = None,
) -> datetime | None:
    """The first slot at or after ``not_before`` that no time of ``taken`` holds, inside the plan's
    dates; None when there is none. ``last_day``: look only at the periods that end by that day (the
    caller read ``taken`` only that far)."""
    not_before = _aware(not_before)
    last_day = min(last_day or ends_on, ends_on)
    if ends_on < starts_on:
        return None
    periods = plan_periods(starts_on, ends_on, cadence.per)
    first = max(local_day(not_before, tz), starts_on)
    if first > ends_on:
        return None
    held = _held_by_period(periods, tz, cadence.posts, taken)
    start = periods.index(period_of(first, periods))
    for period in periods[start:]:
        if period.last_day > last_day and period.first_day > first:
            return None
        slots = period_slots(period, cadence.posts, tz)
        taken_here = held.get(period, set())
        for index in range(bisect_left(slots, not_before), len(slots)):
            if index not in taken_here:
                return slots[index]
    return None


def _held_by_period(periods: list[Period], tz, posts: int, taken: Iterable[datetime]) -> dict[Period, set[int]]:
    """For each period, the indexes of the slots its posts hold."""
    held: dict[Period, set[int]] = {}
    slots_of: dict[Period, list[datetime]] = {}
    firsts = [p.first_day for p in periods]
    for at in taken:
        at = _aware(at)
        day = local_day(at, tz)
        index = bisect_right(firsts, day) - 1
        if index < 0 or day > periods[index].last_day:
            continue  # outside the plan: it holds none of its slots
        period = periods[index]
        if period not in slots_of:
            slots_of[period] = period_slots(period, posts, tz)
        held.setdefault(period, set()).add(nearest_slot(slots_of[period], at))
    return held


def _aware(instant: datetime) -> datetime:
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)
