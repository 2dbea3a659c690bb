"""Where a rescheduled post goes: days on the plan's wall clock, hours and minutes elapsed."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.domain.moves import Shift, on_day, read_shift, shift_from, shifted

PARIS = "Europe/Paris"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def test_durations_are_read_with_their_sign_and_weeks_are_seven_days():
    assert read_shift("P1D") == Shift(days=1)
    assert read_shift("-PT2H30M") == Shift(minutes=-150)
    assert read_shift("p1w2dt15m") == Shift(days=9, minutes=15)
    for wrong in ("", "P", "1D", "PT", "P1.5D", "P99999999D", "P4000D"):
        with pytest.raises(ValueError):
            read_shift(wrong)


def test_a_day_later_keeps_the_time_of_day_across_a_clock_change():
    before = utc("2031-03-29T10:00:00+01:00")  # the clocks go forward in Paris on 30 March 2031
    after = shifted(before, PARIS, Shift(days=1))
    assert after.utc == utc("2031-03-30T10:00:00+02:00")
    assert after.utc - before == timedelta(hours=23)


def test_hours_are_elapsed_time_across_the_same_change():
    before = utc("2031-03-30T01:30:00+01:00")
    assert shifted(before, PARIS, Shift(minutes=60)).utc == utc("2031-03-30T03:30:00+02:00")


def test_a_skipped_time_is_placed_as_the_editor_places_it_and_said():
    moved = on_day(utc("2031-03-29T02:30:00+01:00"), PARIS, date(2031, 3, 30))
    assert moved.utc == utc("2031-03-30T03:30:00+02:00")
    assert "does not exist" in moved.notice


def test_a_date_set_keeps_each_posts_time_of_day():
    assert on_day(utc("2031-06-02T18:45:00+02:00"), PARIS, date(2031, 7, 14)).utc == utc("2031-07-14T18:45:00+02:00")


def test_the_forms_amounts_and_units():
    assert shift_from(-3, "days") == Shift(days=-3)
    assert shift_from(2, "weeks") == Shift(days=14)
    assert shift_from(90, "minutes").in_words() == "+1 h 30 min"
    assert shift_from(-1, "days").in_words() == "-1 day"
    with pytest.raises(ValueError):
        shift_from(1, "fortnights")


@given(days=st.integers(-400, 400), hour=st.integers(0, 23), minute=st.sampled_from((0, 15, 30, 45)))
def test_a_shift_by_days_and_back_returns_to_the_same_wall_clock_time(days, hour, minute):
    start = datetime(2031, 5, 10, hour, minute, tzinfo=timezone.utc)
    there = shifted(start, PARIS, Shift(days=days))
    back = shifted(there.utc, PARIS, Shift(days=-days))
    if there.notice is None and back.notice is None:
        assert back.utc == start
