"""Patterns, not incidents: the Wilson interval against published values, the flag exactly as the contract
words it, and reports whose answer is known by construction."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.interaction_patterns import (
    MIN_COUNT,
    Tally,
    compare_periods,
    find_patterns,
    is_flagged,
    weeks_of,
    wilson_interval,
)

MONDAY = date(2031, 1, 6)


@pytest.mark.parametrize(
    ("negative", "count", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # R: prop.test(5, 10, correct = FALSE)$conf.int, and the closed form at the edges
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (2, 2, 0.3424, 1.0),
    ],
)
def test_the_wilson_interval_matches_published_values(negative, count, low, high):
    found = wilson_interval(negative, count)
    assert found == pytest.approx((low, high), abs=5e-5)


def test_an_empty_count_says_nothing_and_an_impossible_one_is_refused():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_share_stays_in_bounds_and_mirrors(case):
    negative, count = case
    low, high = wilson_interval(negative, count)
    assert 0.0 <= low <= negative / count <= high <= 1.0
    mirrored = wilson_interval(count - negative, count)
    assert mirrored == pytest.approx((1 - high, 1 - low), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), st.integers(2, 20))
def test_more_of_the_same_evidence_narrows_the_interval(case, times):
    negative, count = case
    low, high = wilson_interval(negative, count)
    more_low, more_high = wilson_interval(negative * times, count * times)
    assert more_high - more_low < high - low


tallies = st.lists(
    st.builds(
        lambda channel, kind, day, count, share: Tally(
            channel, kind, MONDAY + timedelta(days=day), count, round(count * share)
        ),
        st.sampled_from(["twitter", "chat", "phone"]),
        st.sampled_from(["complaint", "question", "refund request"]),
        st.integers(0, 27),
        st.integers(1, 30),
        st.floats(0, 1),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(tallies)
def test_flagged_is_exactly_the_contracts_rule(found):
    report = find_patterns(found, MONDAY, MONDAY + timedelta(days=27))
    overall = sum(t.negative for t in found) / max(1, sum(t.count for t in found))
    assert report.count == sum(t.count for t in found)
    for pattern in report.patterns:
        assert pattern.interval == wilson_interval(pattern.negative, pattern.count)
        assert pattern.flagged == (pattern.count >= 10 and pattern.low > overall)
        assert sum(w.count for w in pattern.weeks) == pattern.count
        assert sum(w.negative for w in pattern.weeks) == pattern.negative
    flags = [p.flagged for p in report.patterns]
    assert flags == sorted(flags, reverse=True), "flagged patterns come first"


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def test_a_pattern_with_enough_support_is_flagged_and_a_handful_of_angry_messages_is_not():
    found = [
        # the background: 300 questions by email, 10 % negative, spread over four weeks
        *(Tally("email_support", "question", day(n), 10, 1) for n in range(28) if n % 28 < 30),
        # the pattern: 50 refund requests on chat, 40 negative
        *(Tally("chat", "refund request", day(n), 5, 4) for n in range(0, 20, 2)),
        # isolated incidents: three angry customers at the counter, all negative
        Tally("in_person", "complaint", day(3), 3, 3),
        # nine negative of nine: still fewer than the ten the rule needs
        Tally("phone", "complaint", day(5), 9, 9),
    ]
    report = find_patterns(found, MONDAY, day(27))
    by_key = {(p.channel, p.kind): p for p in report.patterns}
    assert [(p.channel, p.kind) for p in report.flagged] == [("chat", "refund request")]
    assert report.patterns[0] == by_key[("chat", "refund request")], "the flagged pattern comes first"
    counter, phone = by_key[("in_person", "complaint")], by_key[("phone", "complaint")]
    assert counter.negative_share == phone.negative_share == 1.0
    assert counter.too_few and phone.too_few and not counter.flagged and not phone.flagged
    assert not by_key[("email_support", "question")].flagged
    assert report.negative_share == pytest.approx((28 + 40 + 3 + 9) / (280 + 50 + 3 + 9))


def test_a_kind_as_negative_as_everything_else_is_not_a_pattern_however_many():
    found = [Tally("twitter", "complaint", day(n), 20, 6) for n in range(20)]
    found += [Tally("phone", "question", day(n), 20, 6) for n in range(20)]
    report = find_patterns(found, MONDAY, day(27))
    assert report.flagged == ()
    assert all(p.count == 400 and p.negative_share == pytest.approx(0.3) for p in report.patterns)


def test_the_trend_has_one_point_per_week_touching_the_window_empty_weeks_included():
    found = [Tally("chat", "question", day(1), 4, 1), Tally("chat", "question", day(16), 2, 2)]
    report = find_patterns(found, day(2) - timedelta(days=7), day(20))  # from a Wednesday to a Friday
    (pattern,) = report.patterns
    assert [w.starts_on for w in pattern.weeks] == weeks_of(day(-5), day(20)) == [day(-7), day(0), day(7), day(14)]
    assert [(w.count, w.negative) for w in pattern.weeks] == [(0, 0), (4, 1), (0, 0), (2, 2)]
    assert pattern.weeks[2].negative_share is None


def test_days_outside_the_window_are_not_counted():
    found = [Tally("chat", "question", day(0), 5, 5), Tally("chat", "question", day(30), 50, 0)]
    (pattern,) = find_patterns(found, day(0), day(6)).patterns
    assert (pattern.count, pattern.negative) == (5, 5)


def test_the_rule_needs_ten_interactions():
    assert MIN_COUNT == 10
    assert not is_flagged(9, 0.9, 0.1) and is_flagged(10, 0.11, 0.1) and not is_flagged(10, 0.1, 0.1)


def test_how_a_pattern_moved_says_each_periods_share_and_the_change():
    moved = compare_periods((40, 18), (38, 5))
    assert moved["before"]["negative_share"] == pytest.approx(0.45)
    assert moved["after"]["negative"] == 5 and not moved["after"]["too_few"]
    assert moved["change"] == pytest.approx(5 / 38 - 0.45)
    assert compare_periods((0, 0), (3, 1))["change"] is None
