"""Indicators month by month: gaps, the alert rule (two months running, more than 10 % on the worse
side), the previous plan's month at the same position, and figures as spreadsheets write them."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scheduler.domain import kpis
from scheduler.domain.kpis import BadFigure, MonthRow, alert, gap, misses, month_rows, parse_figure, read_month
from scheduler.domain.kpis_csv import parse_actuals
from scheduler.domain.metrics_csv.table import read_table

targets = st.floats(min_value=1, max_value=1e9, allow_nan=False)
shares = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)
better = st.sampled_from(kpis.BETTER)


def row(month, target, actual, direction="higher"):
    return MonthRow(month, target, actual, None, gap(actual, target), misses(actual, target, direction))


# gaps -------------------------------------------------------------------------------------------------


@given(targets, st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_the_gap_is_the_actual_less_the_target_over_the_target(target, actual):
    assert gap(actual, target) == (actual - target) / target
    assert gap(target, target) == 0


def test_no_gap_without_both_figures_or_with_a_zero_target():
    assert gap(None, 100) is None and gap(90, None) is None and gap(90, 0) is None


@given(targets, st.floats(min_value=0.101, max_value=0.99))
def test_a_higher_is_better_indicator_misses_below_its_target_only(target, share):
    assert misses(target * (1 - share), target, "higher")
    assert not misses(target * (1 + share), target, "higher")


@given(targets, st.floats(min_value=0.101, max_value=5))
def test_a_lower_is_better_indicator_misses_above_its_target_only(target, share):
    assert misses(target * (1 + share), target, "lower")
    assert not misses(target * (1 - min(share, 0.99)), target, "lower")


@given(targets, st.floats(min_value=0, max_value=0.099), better)
def test_ten_percent_off_or_less_is_not_a_miss(target, share, direction):
    worse = target * (1 - share) if direction == "higher" else target * (1 + share)
    assert not misses(worse, target, direction)


def test_exactly_ten_percent_short_is_not_yet_a_miss():
    assert not misses(90, 100, "higher") and misses(89.9, 100, "higher")
    assert not misses(110, 100, "lower") and misses(110.1, 100, "lower")


def test_a_negative_target_is_judged_the_right_way_round():
    """A ROI still under water: -30 against a target of -10 is worse when higher is better."""
    assert misses(-30, -10, "higher") and not misses(-5, -10, "higher")


# the alert ---------------------------------------------------------------------------------------------


@st.composite
def quarters(draw):
    """Three months, each with a target and maybe an actual, in either direction."""
    direction = draw(better)
    rows = []
    for number in range(1, 4):
        target = draw(targets)
        actual = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=2e9, allow_nan=False)))
        rows.append(row(f"2031-{number:02d}", target, actual, direction))
    return rows


@given(quarters())
def test_the_alert_is_on_exactly_when_the_last_two_months_with_actuals_both_missed(rows):
    judged = [r for r in rows if r.actual is not None]
    expected = len(judged) >= 2 and judged[-1].missed and judged[-2].missed
    assert alert(rows) == expected


@given(quarters())
def test_one_bad_month_alone_never_raises_the_alert(rows):
    assume(sum(r.missed for r in rows) <= 1)
    assert not alert(rows)


@given(targets, st.floats(min_value=0.11, max_value=0.9), better)
def test_two_misses_in_a_row_raise_it_and_a_good_month_after_them_lowers_it(target, share, direction):
    worse = target * (1 - share) if direction == "higher" else target * (1 + share)
    missed = [row("2031-04", target, worse, direction), row("2031-05", target, worse, direction)]
    assert alert(missed)
    assert not alert([*missed, row("2031-06", target, target, direction)])
    assert alert([*missed, row("2031-06", target, None, direction)]), "a month without its figure is not judged"


# months and the previous plan -------------------------------------------------------------------------


def test_a_plans_months_are_the_calendar_months_its_days_touch():
    assert kpis.months_between(date(2031, 11, 15), date(2032, 2, 1)) == ["2031-11", "2031-12", "2032-01", "2032-02"]


@given(st.integers(min_value=2000 * 12, max_value=2100 * 12), st.integers(min_value=-40, max_value=40))
def test_shifting_a_month_and_measuring_the_offset_agree(number, by):
    month = f"{number // 12:04d}-{number % 12 + 1:02d}"
    assert kpis.offset(kpis.shift(month, by), month) == by


def test_each_month_faces_the_previous_plans_month_at_the_same_position():
    rows = month_rows(
        months=["2031-04", "2031-05", "2031-06"],
        targets={"2031-04": 100},
        actuals={"2031-05": 80},
        better="higher",
        previous_actuals={"2031-01": 70, "2031-02": 75, "2031-03": 90},
        previous_first_month="2031-01",
    )
    assert [(r.month, r.previous) for r in rows] == [("2031-04", 70), ("2031-05", 75), ("2031-06", 90)]
    assert rows[0].gap is None and rows[1].target is None


def test_months_outside_the_plan_that_hold_figures_are_shown_too():
    rows = month_rows(months=["2031-04"], targets={"2031-07": 5}, actuals={}, better="higher")
    assert [r.month for r in rows] == ["2031-04", "2031-07"]


def test_presets_are_found_however_the_name_is_written():
    assert kpis.preset_for("Site traffic").key == "site_traffic"
    assert kpis.preset_for("CLICK-THROUGH").better == "higher"
    assert kpis.preset_for("bounce_rate").better == "lower" and kpis.preset_for("CAC").key == "acquisition_cost"
    assert kpis.preset_for("Store visits") is None


# figures as typed and as spreadsheets write them ------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1200", 1200),
        ("1 200", 1200),
        ("1\u202f200,5", 1200.5),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567),
        ("3,5", 3.5),
        ("2.5%", 2.5),
        ("€1,200", 1200),
        ("-3", -3),
        ("(12)", -12),
        ("−4.5", -4.5),
        ("", None),
        ("—", None),
    ],
)
def test_figures_are_read_as_spreadsheets_write_them(text, value):
    assert parse_figure(text) == value


@pytest.mark.parametrize("text", ["abc", "12abc", "1..2", "inf", "nan"])
def test_what_is_not_a_figure_is_refused_with_the_cell_quoted(text):
    with pytest.raises(BadFigure, match="is not a number"):
        parse_figure(text)


@pytest.mark.parametrize(
    "text, month",
    [
        ("2031-06", "2031-06"),
        ("2031-6", "2031-06"),
        ("2031-06-01", "2031-06"),
        ("06/2031", "2031-06"),
        ("June 2031", "2031-06"),
        ("juin 2031", "2031-06"),
        ("Sept. 2031", "2031-09"),
        ("2031-13", None),
        ("next month", None),
    ],
)
def test_months_are_read_in_the_forms_spreadsheets_use(text, month):
    assert read_month(text) == month


def test_a_csv_of_actuals_keeps_its_good_rows_and_says_why_each_bad_one_was_left_out():
    table = read_table(
        b"Month,Sales,Bounce rate,Mood\n2031-04,1200,41%,good\nlater,1300,40%,\n2031-05,12x0,39%,\n2031-06,1500,,\n"
    )
    parsed = parse_actuals(table, ["sales", "bounce_rate"], header_line=1)
    assert parsed.values == {"sales": {"2031-04": 1200, "2031-06": 1500}, "bounce_rate": {"2031-04": 41}}
    assert [(e.line, e.field) for e in parsed.errors] == [(1, "Mood"), (3, "month"), (4, "Sales")]
    assert "'12x0' is not a number" in parsed.errors[2].message


def test_a_value_column_belongs_to_the_one_indicator_imported():
    parsed = parse_actuals(read_table(b"month;value\n2031-04;3,5\n"), ["sales", "roi"], only="roi")
    assert parsed.values == {"roi": {"2031-04": 3.5}} and parsed.errors == []


def test_a_file_without_a_month_column_is_said_so():
    parsed = parse_actuals(read_table(b"when,sales\n2031-04,1\n"), ["sales"])
    assert parsed.values == {} and parsed.errors[0].field == "month"
