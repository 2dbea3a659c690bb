from datetime import date, datetime, timedelta, timezone

import pytest

from scheduler.domain.periods import (
    Period,
    day_bounds_utc,
    iso_weeks,
    local_day,
    local_to_utc,
    period_of,
    plan_periods,
)

PARIS = "Europe/Paris"
UTC = timezone.utc


def hours(bounds):
    start, end = bounds
    return (end - start) / timedelta(hours=1)


def assert_partition(periods, starts_on, ends_on):
    assert periods[0].first_day == starts_on and periods[-1].last_day == ends_on
    for before, after in zip(periods, periods[1:]):
        assert after.first_day == before.last_day + timedelta(days=1)


def test_a_quarter_crossing_the_autumn_clock_change_has_92_local_days():
    days = plan_periods(date(2031, 10, 1), date(2031, 12, 31), "day")
    assert len(days) == 92
    assert_partition(days, date(2031, 10, 1), date(2031, 12, 31))


def test_clock_change_days_are_25_and_23_hours_long():
    autumn = day_bounds_utc(date(2031, 10, 26), PARIS)
    assert autumn == (datetime(2031, 10, 25, 22, tzinfo=UTC), datetime(2031, 10, 26, 23, tzinfo=UTC))
    assert hours(autumn) == 25
    assert hours(Period(date(2031, 3, 30), date(2031, 3, 30)).utc_bounds(PARIS)) == 23
    assert hours(day_bounds_utc(date(2031, 10, 27), PARIS)) == 24


def test_weeks_and_months_are_clipped_to_the_plan():
    starts_on, ends_on = date(2031, 10, 15), date(2031, 12, 10)  # a Wednesday, a Wednesday
    weeks = iso_weeks(starts_on, ends_on)
    assert (weeks[0].first_day, weeks[0].last_day) == (date(2031, 10, 15), date(2031, 10, 19))
    assert weeks[1].first_day.weekday() == 0 and weeks[1].days == 7
    assert (weeks[-1].first_day, weeks[-1].last_day) == (date(2031, 12, 8), date(2031, 12, 10))
    months = plan_periods(starts_on, ends_on, "month")
    assert [(m.first_day.day, m.last_day.day) for m in months] == [(15, 31), (1, 30), (1, 10)]
    assert plan_periods(starts_on, ends_on, "quarter") == [Period(starts_on, ends_on)]
    for per in ("day", "week", "month", "quarter"):
        assert_partition(plan_periods(starts_on, ends_on, per), starts_on, ends_on)


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        plan_periods(date(2031, 1, 1), date(2031, 1, 31), "fortnight")


def test_local_day_and_period_lookup():
    weeks = iso_weeks(date(2031, 10, 1), date(2031, 10, 31))
    late_evening = datetime(2031, 10, 5, 22, 30, tzinfo=UTC)  # Monday 00:30 in Paris
    assert local_day(late_evening, PARIS) == date(2031, 10, 6)
    assert period_of(date(2031, 10, 6), weeks).first_day == date(2031, 10, 6)
    assert period_of(date(2031, 11, 1), weeks) is None


def test_skipped_time_moves_forward_and_repeated_time_is_the_first():
    assert local_to_utc(datetime(2031, 3, 30, 2, 30), PARIS) == datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
    assert local_to_utc(datetime(2031, 10, 26, 2, 30), PARIS) == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)
