"""Calendars under hostile clocks: every IANA zone, clock changes, leap days, one-day plans.

A post must land on the day the plan's wall clock shows, in exactly one period of every commitment,
and the same day in the report, the database's tallies and the calendar. A time typed on the plan's
clock that the clocks skip or show twice is never shifted silently: the editor and the API say where
it goes, and the stored instant, the calendar cell and the report's day all agree with what they said.
"""

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from scheduler.domain.compliance import compliance_report
from scheduler.domain.facts import CommitmentFacts, PlanFacts, PostFacts
from scheduler.domain.periods import (
    ONE_DAY,
    PERS,
    day_start_utc,
    is_repeated,
    is_skipped,
    local_day,
    offset_segments,
    period_of,
    plan_periods,
    read_wall_clock,
)
from scheduler.services import calendar, posts, report_data, reports
from scheduler.services.validation import Reader
from tests.factories import commit, make_plan

UTC = timezone.utc
ALL_ZONES = sorted(available_timezones())
# Zones whose clocks do something unusual: DST both hemispheres, half-hour and 45-minute offsets,
# Lord Howe's 30-minute DST, changes at midnight or 00:01 (the date runs backwards), a skipped day.
AWKWARD_ZONES = [
    "America/New_York",
    "Europe/Paris",
    "Europe/London",
    "Australia/Lord_Howe",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Australia/Eucla",
    "Asia/Tehran",
    "America/St_Johns",
    "America/Goose_Bay",
    "Antarctica/Casey",
    "America/Santiago",
    "America/Asuncion",
    "Asia/Beirut",
    "America/Havana",
    "Africa/Cairo",
    "Pacific/Apia",
    "America/Sao_Paulo",
    "Antarctica/Troll",
    "UTC",
]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
zones = st.one_of(st.sampled_from(AWKWARD_ZONES), st.sampled_from(ALL_ZONES))
years = st.integers(min_value=2000, max_value=2040)
LEAP_YEARS = [y for y in range(2000, 2041) if y % 4 == 0]


@lru_cache(maxsize=4096)
def clock_changes(zone_name: str, year: int) -> tuple[datetime, ...]:
    """The exact UTC instants at which the zone's offset changes during the year."""
    tz = ZoneInfo(zone_name)
    offset = lambda instant: instant.astimezone(tz).utcoffset()  # noqa: E731
    changes, probe, end = [], datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    while probe < end:
        following = probe + timedelta(hours=6)
        if offset(probe) != offset(following):
            low, high = 0, 6 * 3600  # seconds after probe: the old offset at low, a new one at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (
                    (middle, high) if offset(probe + timedelta(seconds=middle)) == offset(probe) else (low, middle)
                )
            changes.append(probe + timedelta(seconds=high))
        probe = following
    return tuple(changes)


@st.composite
def plan_days(draw, zone_name: str):
    """A plan's first and last local days, often on a clock change or around 29 February."""
    year = draw(years)
    changes = clock_changes(zone_name, year)
    edges = [local_day(change, zone_name) for change in changes]
    edges += [date(leap, 2, 29) for leap in LEAP_YEARS if abs(leap - year) <= 1]
    anchor = draw(
        st.one_of(st.sampled_from(edges), st.dates(date(year, 1, 1), date(year, 12, 31)))
        if edges
        else st.dates(date(year, 1, 1), date(year, 12, 31))
    )
    length = draw(st.one_of(st.just(0), st.integers(0, 9), st.integers(0, 120)))
    anchor_is = draw(st.sampled_from(["start", "end", "inside"]))
    before = {"start": 0, "end": length, "inside": draw(st.integers(0, length))}[anchor_is]
    return anchor - timedelta(days=before), anchor - timedelta(days=before) + timedelta(days=length)


@st.composite
def plans(draw):
    zone_name = draw(zones)
    starts_on, ends_on = draw(plan_days(zone_name))
    return SimpleNamespace(timezone=zone_name, starts_on=starts_on, ends_on=ends_on)


@st.composite
def plans_and_instants(draw):
    """A plan and an instant inside its UTC span, often a clock change or a local midnight, ±1 s."""
    plan = draw(plans())
    start, end = report_data.plan_utc_bounds(plan)
    changes = [
        c
        for year in {plan.starts_on.year, plan.ends_on.year}
        for c in clock_changes(plan.timezone, year)
        if start <= c < end
    ]
    midnights = [
        day_start_utc(plan.starts_on + ONE_DAY * n, plan.timezone)
        for n in range((plan.ends_on - plan.starts_on).days + 1)
    ]
    landmark = draw(st.sampled_from(changes + midnights))
    anywhere = start + (end - start) * draw(st.floats(0, 1, exclude_max=True))
    instant = draw(st.sampled_from([landmark, anywhere]))
    instant += timedelta(seconds=draw(st.sampled_from([-1, 0, 0, 1, 59])))
    assume(start <= instant < end)
    return plan, instant


# --- periods partition the plan ---------------------------------------------------------------------


@PROPERTY
@given(plans(), st.sampled_from(PERS))
@example(SimpleNamespace(timezone="Europe/Paris", starts_on=date(2032, 2, 29), ends_on=date(2032, 2, 29)), "day")
@example(SimpleNamespace(timezone="UTC", starts_on=date(2028, 2, 1), ends_on=date(2028, 2, 29)), "month")
@example(SimpleNamespace(timezone="Australia/Lord_Howe", starts_on=date(2031, 4, 6), ends_on=date(2031, 4, 6)), "week")
def test_every_local_day_of_the_plan_is_in_exactly_one_period(plan, per):
    periods = plan_periods(plan.starts_on, plan.ends_on, per)
    assert periods[0].first_day == plan.starts_on and periods[-1].last_day == plan.ends_on
    for before, after in zip(periods, periods[1:]):
        assert after.first_day == before.last_day + ONE_DAY, "contiguous, ordered, no overlap"
    day = plan.starts_on
    while day <= plan.ends_on:
        holding = [p for p in periods if p.first_day <= day <= p.last_day]
        assert holding == [period_of(day, periods)]
        day += ONE_DAY
    for period in periods:
        assert period.first_day <= period.last_day
        if per == "week":
            assert period.first_day.isocalendar()[:2] == period.last_day.isocalendar()[:2]
        if per == "month":
            assert (period.first_day.year, period.first_day.month) == (period.last_day.year, period.last_day.month)


@PROPERTY
@given(plans(), st.sampled_from(PERS))
def test_the_periods_utc_bounds_tile_the_plans_utc_span(plan, per):
    """The UTC bounds the report counts with: no instant of the plan falls between or in two periods."""
    bounds = [p.utc_bounds(plan.timezone) for p in plan_periods(plan.starts_on, plan.ends_on, per)]
    assert (
        bounds[0][0] == report_data.plan_utc_bounds(plan)[0] and bounds[-1][1] == report_data.plan_utc_bounds(plan)[1]
    )
    for (start, end), (next_start, _) in zip(bounds, bounds[1:]):
        assert start <= end == next_start


@PROPERTY
@given(plans())
# a change in the plan's last hours (Easter Island, 04:00 UTC, an hour before the next local day)
@example(SimpleNamespace(timezone="Pacific/Easter", starts_on=date(2000, 10, 14), ends_on=date(2000, 10, 14)))
def test_offset_segments_tile_the_plan_and_each_holds_one_offset(plan):
    """The database's GROUP BY trusts each segment's offset for every instant in it."""
    segments = offset_segments(plan.starts_on, plan.ends_on, plan.timezone)
    assert (segments[0][0], segments[-1][1]) == report_data.plan_utc_bounds(plan)
    for (_, end, _), (next_start, _, _) in zip(segments, segments[1:]):
        assert end == next_start
    tz = ZoneInfo(plan.timezone)
    for start, end, offset in segments:
        assert start < end
        for instant in (start, end - timedelta(seconds=1)):
            assert instant.astimezone(tz).utcoffset().total_seconds() == offset


def database_day(instant: datetime, segments) -> date:
    """The local day as reports.day_tallies computes it in SQL: (epoch + offset) // 86400."""
    holding = [offset for start, end, offset in segments if start <= instant < end]
    assert len(holding) == 1, "an instant of the plan is in exactly one segment"
    return date(1970, 1, 1) + timedelta(days=(int(instant.timestamp()) + holding[0]) // 86400)


@PROPERTY
@given(plans_and_instants())
@example(
    (
        SimpleNamespace(timezone="America/Goose_Bay", starts_on=date(2005, 10, 28), ends_on=date(2005, 10, 31)),
        datetime(2005, 10, 30, 3, 5, tzinfo=UTC),
    )
)  # 23:05 on the 29th, four minutes after 00:01 became 23:01
@example(
    (
        SimpleNamespace(timezone="Antarctica/Casey", starts_on=date(2020, 10, 4), ends_on=date(2020, 10, 4)),
        datetime(2020, 10, 3, 16, 1, tzinfo=UTC),
    )
)  # a change at 16:01 UTC, off the quarter hours
def test_the_database_counts_a_post_on_the_day_the_clock_shows(plan_and_instant):
    plan, instant = plan_and_instant
    segments = offset_segments(plan.starts_on, plan.ends_on, plan.timezone)
    assert database_day(instant, segments) == local_day(instant, plan.timezone)


def one_post_report(plan, instant: datetime, per: str) -> dict:
    facts = PlanFacts(
        id=1,
        name="p",
        theme="t",
        key_message="",
        keywords=(),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        timezone=plan.timezone,
    )
    post = PostFacts(
        id=1,
        channel="twitter",
        scheduled_at=instant,
        status="scheduled",
        on_theme=True,
        adapted_from_post_id=None,
        source_item_id=None,
        text="hello",
    )
    commitment = CommitmentFacts("twitter", 1, per, 0, 1.0)
    return compliance_report(facts, [commitment], [post], repeated=[])["channels"][0]


@PROPERTY
@given(plans_and_instants(), st.sampled_from(PERS))
def test_the_report_counts_a_post_once_in_the_period_of_its_clock_day(plan_and_instant, per):
    plan, instant = plan_and_instant
    row = one_post_report(plan, instant, per)
    holding = [d for d in row["period_details"] if d["posts"]]
    clock_day = local_day(instant, plan.timezone)
    assert row["posts"] == 1 and len(holding) == 1
    assert holding[0]["first_day"] <= clock_day.isoformat() <= holding[0]["last_day"]
    weeks = [w for w in row["weeks"] if w["posts"]]
    assert len(weeks) == 1 and weeks[0]["week_start"] <= clock_day.isoformat() <= weeks[0]["week_end"]


def test_the_per_post_report_follows_the_clock_when_the_date_runs_backwards():
    """Goose Bay fell back from 00:01 to 23:01 until 2011: the 29th's 23:05 came after the 30th's midnight."""
    plan = SimpleNamespace(timezone="America/Goose_Bay", starts_on=date(2005, 10, 28), ends_on=date(2005, 10, 31))
    instant = datetime(2005, 10, 30, 3, 5, tzinfo=UTC)
    assert local_day(instant, plan.timezone) == date(2005, 10, 29)
    row = one_post_report(plan, instant, "day")
    assert [d["first_day"] for d in row["period_details"] if d["posts"]] == ["2005-10-29"]


@PROPERTY
@given(plans_and_instants(), st.sampled_from(["week", "month", "quarter"]))
def test_the_calendar_and_the_report_put_a_post_in_the_same_period(plan_and_instant, per):
    plan, instant = plan_and_instant
    day = local_day(instant, plan.timezone)
    commitment = CommitmentFacts("twitter", 1, per, 0, 1.0)
    entry = calendar.Entry("twitter", day, True, True)
    shown = calendar.view_days("month", day)
    rows = calendar.lay_out(
        shown, calendar.focus_days("month", day), plan.starts_on, plan.ends_on, [commitment], [entry]
    )
    [cell] = [c for c in rows[0].cells if c.day == day]
    assert cell.filled == 1
    [summary] = [s for s in rows[0].period_summaries if s.filled]
    [reported] = [d for d in one_post_report(plan, instant, per)["period_details"] if d["posts"]]
    assert (summary.period.first_day.isoformat(), summary.period.last_day.isoformat()) == (
        reported["first_day"],
        reported["last_day"],
    )


# --- times the clocks skip or repeat ----------------------------------------------------------------


@st.composite
def wall_times_near_clock_changes(draw):
    """A zone and a wall-clock reading within two hours of one of its clock changes (or anywhere)."""
    zone_name = draw(zones)
    changes = clock_changes(zone_name, draw(years))
    assume(changes)
    change = draw(st.sampled_from(changes))
    instant = change + timedelta(minutes=draw(st.integers(-120, 120)))
    offset = draw(
        st.sampled_from(
            [
                instant.astimezone(ZoneInfo(zone_name)).utcoffset(),
                (change - timedelta(hours=3)).astimezone(ZoneInfo(zone_name)).utcoffset(),
            ]
        )
    )
    return zone_name, (instant + offset).replace(tzinfo=None)


@PROPERTY
@given(wall_times_near_clock_changes())
@example(("America/New_York", datetime(2026, 3, 8, 2, 30)))
@example(("America/New_York", datetime(2026, 11, 1, 1, 30)))
@example(("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15)))
@example(("Pacific/Apia", datetime(2011, 12, 30, 12, 0)))
def test_a_typed_time_goes_out_where_the_notice_says(zone_and_wall):
    zone_name, wall = zone_and_wall
    reading = read_wall_clock(wall, zone_name)
    shown = reading.utc.astimezone(ZoneInfo(zone_name))
    if is_skipped(wall, zone_name):
        assert shown.replace(tzinfo=None) > wall, "a skipped time goes out later, never earlier"
        assert "does not exist" in reading.notice and "clocks go forward" in reading.notice
        assert f"it will go out at {shown:%H:%M}" in reading.notice
    elif is_repeated(wall, zone_name):
        later = wall.replace(tzinfo=ZoneInfo(zone_name), fold=1).astimezone(UTC)
        assert shown.replace(tzinfo=None) == wall and reading.utc < later, "the first of the two"
        assert f"the first {wall:%H:%M}" in reading.notice and "clocks go back" in reading.notice
    else:
        assert shown.replace(tzinfo=None) == wall and reading.notice is None
    if shown.date() != wall.date():
        assert f"{shown.day} {shown:%B %Y}" in reading.notice, "the notice names a day it moved to"


@PROPERTY
@given(wall_times_near_clock_changes(), st.sampled_from([timedelta(0), timedelta(hours=1), timedelta(hours=-1)]))
def test_an_api_time_on_the_plans_clock_is_kept_and_explained_when_skipped_or_repeated(zone_and_wall, shift):
    """The offset decides the instant; a notice comes only when the time was written on the plan's clock
    (one of its offsets there) and that clock skips or repeats it: a time in UTC needs no explaining."""
    zone_name, wall = zone_and_wall
    tz = ZoneInfo(zone_name)
    offset = wall.replace(tzinfo=tz, fold=0).utcoffset() + shift
    reader = Reader({"scheduled_at": wall.replace(tzinfo=timezone(offset)).isoformat()})
    instant = reader.instant("scheduled_at", time_zone=zone_name)
    assert instant == wall.replace(tzinfo=timezone(offset)) and not reader.errors
    notice = reader.notices.get("scheduled_at")
    plans_offsets = {wall.replace(tzinfo=tz, fold=fold).utcoffset() for fold in (0, 1)}
    if offset in plans_offsets and (is_skipped(wall, zone_name) or is_repeated(wall, zone_name)):
        assert "it will go out at" in notice and f"{instant.astimezone(tz):%H:%M}" in notice
    else:
        assert notice is None


# --- end to end: the editor, the API, the calendar and the report agree -----------------------------

SPRING_NOTICE = "02:30 does not exist on 8 March 2026 in America/New_York (clocks go forward); it will go out at 03:30"
FALL_NOTICE = (
    "01:30 happens twice on 1 November 2026 in America/New_York (clocks go back); it will go out at "
    "the first 01:30 (UTC-04:00), before the clocks go back"
)


def new_york_plan():
    plan = make_plan(starts_on="2026-03-01", ends_on="2026-11-30", timezone="America/New_York")
    commit(plan, "twitter", posts=1, on_theme_min=0, one_note_max_share=1.0)
    return plan


@pytest.fixture
def new_york(clock_at):
    """The New York plan, on a clock pinned before it starts: its times are scheduled while to come."""
    clock_at("2026-02-01T12:00:00-05:00")
    return new_york_plan


def save_in_editor(client, plan, typed: str):
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={"body": "Spring is here", "theme": "auto", "scheduled_local": typed, "action": "schedule"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True), posts.list_posts({"plan_id": plan.id})[-1]


def report_day(plan, day: str) -> dict:
    [row] = reports.compliance(plan)["channels"]
    return next(d for d in row["period_details"] if d["first_day"] == day)


def calendar_cell(plan, day: date):
    [row] = calendar.build(plan, "week", day)
    return next(c for c in row.cells if c.day == day)


@pytest.mark.parametrize(
    "typed, notice, stored, shown",
    [
        ("2026-03-08T02:30", SPRING_NOTICE, "2026-03-08T07:30:00+00:00", "2026-03-08T03:30"),
        ("2026-11-01T01:30", FALL_NOTICE, "2026-11-01T05:30:00+00:00", "2026-11-01T01:30"),
    ],
)
def test_the_editor_says_where_a_skipped_or_repeated_time_goes_and_everything_agrees(
    client, app, new_york, typed, notice, stored, shown
):
    plan = new_york()
    html, post = save_in_editor(client, plan, typed)
    assert f"When: {notice}." in html and "Scheduled: it will be delivered at its time." in html
    assert post.status in ("scheduled", "queued") and post.scheduled_at.isoformat() == stored
    assert f'value="{shown}"' in html, "the field shows the time the notice named"
    day = date.fromisoformat(typed[:10])
    assert [p.id for p in calendar_cell(plan, day).posts] == [post.id]
    assert report_day(plan, day.isoformat())["posts"] == 1
    week = client.get(f"/plans/{plan.id}/calendar?view=week&date={day}").get_data(as_text=True)
    assert f">{shown[-5:]} Spring is here</a>" in week, "the calendar's chip shows the time the notice named"


def test_an_ordinary_time_gets_no_notice(client, app, new_york):
    plan = new_york()
    html, post = save_in_editor(client, plan, "2026-03-09T02:30")
    assert "When:" not in html and post.scheduled_at.isoformat() == "2026-03-09T06:30:00+00:00"


def test_a_bad_form_keeps_the_notice_next_to_the_time_field(client, app):
    plan = new_york_plan()
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={"body": "", "theme": "auto", "scheduled_local": "2026-03-08T02:30", "action": "save"},
    )
    html = response.get_data(as_text=True)
    assert "Not saved" in html and f'<em class="notice" role="status">{SPRING_NOTICE}</em>' in html


def test_saving_the_text_never_moves_the_second_of_two_repeated_times(client, app):
    """The field can only show 01:30; saving it back must not turn 01:30 EST into 01:30 EDT."""
    plan = new_york_plan()
    post = posts.create_post(
        {"plan_id": plan.id, "channel": "twitter", "body": "Fall", "scheduled_at": "2026-11-01T01:30:00-05:00"}
    )
    html = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert 'value="2026-11-01T01:30"' in html
    client.post(
        f"/posts/{post.id}",
        data={"body": "Fall, edited", "theme": "auto", "scheduled_local": "2026-11-01T01:30", "action": "save"},
    )
    assert posts.get_post(post.id).scheduled_at.isoformat() == "2026-11-01T06:30:00+00:00"


@pytest.mark.parametrize(
    "written, notice, stored",
    [
        ("2026-03-08T02:30:00-05:00", SPRING_NOTICE, "2026-03-08T07:30:00+00:00"),
        ("2026-11-01T01:30:00-04:00", FALL_NOTICE, "2026-11-01T05:30:00+00:00"),
        (
            "2026-11-01T01:30:00-05:00",
            "01:30 happens twice on 1 November 2026 in America/New_York (clocks go back); "
            "it will go out at the second 01:30 (UTC-05:00), after the clocks go back",
            "2026-11-01T06:30:00+00:00",
        ),
    ],
)
def test_the_api_explains_a_skipped_or_repeated_wall_time(client, app, new_york, written, notice, stored):
    plan = new_york()
    answer = client.post(
        "/api/v1/posts", json={"plan_id": plan.id, "channel": "twitter", "body": "Clocks", "scheduled_at": written}
    )
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["notices"] == {"scheduled_at": notice} and body["scheduled_at"] == stored
    day = written[:10]
    assert client.post(f"/api/v1/posts/{body['id']}/schedule").status_code == 200
    assert report_day(plan, day)["posts"] == 1
    assert [p.id for p in calendar_cell(plan, date.fromisoformat(day)).posts] == [body["id"]]
    patched = client.patch(f"/api/v1/posts/{body['id']}", json={"body": "Clocks again"}).get_json()
    assert patched["notices"] == {} and patched["scheduled_at"] == stored


@pytest.mark.parametrize("written", ["2026-03-08T12:00:00-04:00", "2026-03-08T02:30:00Z"])
def test_the_api_says_nothing_about_an_ordinary_time_or_one_written_in_utc(client, app, new_york, written):
    plan = new_york()
    answer = client.post(
        "/api/v1/posts", json={"plan_id": plan.id, "channel": "twitter", "body": "Clocks", "scheduled_at": written}
    )
    assert answer.status_code == 201 and answer.get_json()["notices"] == {}
