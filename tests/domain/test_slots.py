"""The next free slot a refusal offers: the cadence of a commitment, and the first slot nobody holds."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.periods import PERS, local_day, plan_periods
from scheduler.domain.slots import EVERY_DAY, Cadence, nearest_slot, next_free_slot, period_slots

PARIS = ZoneInfo("Europe/Paris")
ZONES = ["Europe/Paris", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "UTC"]


def paris(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2031, month, day, hour, minute, tzinfo=PARIS).astimezone(timezone.utc)


def local_clock(instant: datetime, zone=PARIS) -> str:
    return instant.astimezone(zone).strftime("%a %d %H:%M")


def test_four_tweets_a_day_are_spread_over_the_posting_hours():
    (day,) = plan_periods(date(2031, 6, 2), date(2031, 6, 2), "day")
    assert [local_clock(s) for s in period_slots(day, 4, PARIS)] == [
        "Mon 02 10:00",
        "Mon 02 13:00",
        "Mon 02 16:00",
        "Mon 02 19:00",
    ]


def test_a_weekly_or_monthly_commitment_spreads_its_posts_over_the_days_at_ten():
    week = plan_periods(date(2031, 6, 2), date(2031, 6, 8), "week")[0]
    assert [local_clock(s) for s in period_slots(week, 3, PARIS)] == ["Mon 02 10:00", "Wed 04 10:00", "Fri 06 10:00"]
    month = plan_periods(date(2031, 7, 1), date(2031, 7, 31), "month")[0]
    assert [s.astimezone(PARIS).day for s in period_slots(month, 4, PARIS)] == [1, 8, 16, 24]


def test_the_next_free_slot_skips_the_slots_posts_already_hold():
    four_a_day = Cadence(4, "day")
    taken = [paris(2, 10), paris(2, 12, 55)]  # 12:55 holds the 13:00 slot
    now = paris(2, 9)
    slot = next_free_slot(date(2031, 6, 1), date(2031, 8, 31), PARIS, four_a_day, taken, now)
    assert local_clock(slot) == "Mon 02 16:00"


def test_a_slot_already_past_is_never_offered_and_a_full_day_moves_to_the_next():
    four_a_day = Cadence(4, "day")
    late = paris(2, 19, 30)
    slot = next_free_slot(date(2031, 6, 1), date(2031, 8, 31), PARIS, four_a_day, [], late)
    assert local_clock(slot) == "Tue 03 10:00"


def test_nothing_is_offered_once_the_plan_is_over_or_full():
    after = paris(1, 9, month=9)
    assert next_free_slot(date(2031, 6, 1), date(2031, 8, 31), PARIS, EVERY_DAY, [], after) is None
    last_day = [paris(31, 10, month=8)]
    assert (
        next_free_slot(date(2031, 8, 31), date(2031, 8, 31), PARIS, EVERY_DAY, last_day, paris(31, 8, month=8)) is None
    )


def test_a_plan_not_started_yet_offers_its_first_slot():
    slot = next_free_slot(date(2031, 6, 4), date(2031, 8, 31), PARIS, Cadence(1, "week"), [], paris(1, 9, month=5))
    assert local_clock(slot) == "Wed 04 10:00"  # the first week is clipped to the plan: it starts on a Wednesday


def test_a_skipped_wall_clock_time_goes_out_when_the_clock_shows_it_again():
    (day,) = plan_periods(date(2031, 3, 30), date(2031, 3, 30), "day")
    # Paris springs forward at 02:00; the posting hours are unaffected, and every slot is a real time
    assert [local_clock(s) for s in period_slots(day, 2, PARIS)] == ["Sun 30 10:00", "Sun 30 16:00"]


# --- properties --------------------------------------------------------------------------------------

cadences = st.builds(Cadence, st.integers(min_value=1, max_value=30), st.sampled_from(PERS))
starts = st.dates(min_value=date(2030, 1, 1), max_value=date(2032, 12, 31))


@st.composite
def situations(draw):
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    starts_on = draw(starts)
    ends_on = starts_on + timedelta(days=draw(st.integers(min_value=0, max_value=40)))
    cadence = draw(cadences)
    span = (ends_on - starts_on).days + 3
    origin = datetime.combine(starts_on - timedelta(days=1), datetime.min.time(), zone).astimezone(timezone.utc)
    moment = st.integers(min_value=0, max_value=span * 86400).map(lambda s: origin + timedelta(seconds=s))
    taken = draw(st.lists(moment, max_size=60))
    not_before = draw(moment)
    return zone, starts_on, ends_on, cadence, taken, not_before


def every_slot(starts_on, ends_on, zone, cadence):
    return [
        (period, period_slots(period, cadence.posts, zone)) for period in plan_periods(starts_on, ends_on, cadence.per)
    ]


def held(slots_by_period, zone, taken):
    """By brute force: each post holds the nearest slot of the period its local day falls in."""
    holding = set()
    for at in taken:
        day = local_day(at, zone)
        for period, slots in slots_by_period:
            if period.first_day <= day <= period.last_day:
                holding.add(slots[nearest_slot(slots, at)])
    return holding


@settings(max_examples=150, deadline=None)
@given(situations())
def test_the_offered_slot_is_the_first_free_slot_of_the_cadence_not_before_the_time_asked(situation):
    zone, starts_on, ends_on, cadence, taken, not_before = situation
    slots_by_period = every_slot(starts_on, ends_on, zone, cadence)
    holding = held(slots_by_period, zone, taken)
    free = sorted(s for _, slots in slots_by_period for s in slots if s >= not_before and s not in holding)
    offered = next_free_slot(starts_on, ends_on, zone, cadence, taken, not_before)
    assert offered == (free[0] if free else None)
    if offered is not None:
        assert offered >= not_before
        assert starts_on <= local_day(offered, zone) <= ends_on


@settings(max_examples=100, deadline=None)
@given(situations())
def test_taking_the_offered_slot_offers_a_later_one(situation):
    zone, starts_on, ends_on, cadence, taken, not_before = situation
    offered = next_free_slot(starts_on, ends_on, zone, cadence, taken, not_before)
    if offered is not None:
        following = next_free_slot(starts_on, ends_on, zone, cadence, [*taken, offered], not_before)
        assert following is None or following > offered


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONES), starts, st.integers(min_value=0, max_value=100), cadences)
def test_each_period_has_as_many_slots_as_it_commits_to_all_inside_its_posting_hours(zone, starts_on, days, cadence):
    zone = ZoneInfo(zone)
    for period in plan_periods(starts_on, starts_on + timedelta(days=days), cadence.per):
        slots = period_slots(period, cadence.posts, zone)
        assert len(slots) == cadence.posts
        for slot in slots:
            local = slot.astimezone(zone)
            assert period.first_day <= local.date() <= period.last_day
            assert 10 <= local.hour < 23  # 10:00 to 22:00, an hour more where the clocks skipped one


@settings(max_examples=60, deadline=None)
@given(situations(), st.integers(min_value=0, max_value=45))
def test_reading_the_posts_only_as_far_as_last_day_never_offers_a_slot_beyond_it(situation, ahead):
    zone, starts_on, ends_on, cadence, taken, not_before = situation
    last_day = starts_on + timedelta(days=ahead)
    offered = next_free_slot(starts_on, ends_on, zone, cadence, taken, not_before, last_day=last_day)
    whole = next_free_slot(starts_on, ends_on, zone, cadence, taken, not_before)
    assert offered is None or offered == whole
