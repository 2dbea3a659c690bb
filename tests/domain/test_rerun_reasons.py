"""Re-run proposals say why in words: the channel's name, how many posts, which period, as people say it."""

from datetime import date, datetime, timezone

from scheduler.domain.compliance import DayTally
from scheduler.domain.evergreen import EvergreenCandidate, period_in_words, propose_reruns
from scheduler.domain.facts import CommitmentFacts, PlanFacts
from scheduler.domain.periods import Period

TODAY = date(2031, 6, 4)  # a Wednesday


def test_periods_are_said_from_today():
    assert period_in_words(Period(date(2031, 6, 2), date(2031, 6, 8)), "week", TODAY) == "this week"
    assert period_in_words(Period(date(2031, 6, 9), date(2031, 6, 15)), "week", TODAY) == "next week"
    assert period_in_words(Period(date(2031, 6, 23), date(2031, 6, 29)), "week", TODAY) == "in the week of 23 Jun 2031"
    assert period_in_words(Period(date(2031, 6, 5), date(2031, 6, 5)), "day", TODAY) == "tomorrow"
    assert period_in_words(Period(date(2031, 6, 20), date(2031, 6, 20)), "day", TODAY) == "on 20 Jun 2031"
    assert period_in_words(Period(date(2031, 6, 1), date(2031, 6, 30)), "month", TODAY) == "this month"
    assert period_in_words(Period(date(2031, 7, 1), date(2031, 7, 31)), "month", TODAY) == "next month"
    assert period_in_words(Period(date(2031, 8, 1), date(2031, 8, 31)), "month", TODAY) == "in August 2031"
    assert period_in_words(Period(date(2031, 6, 1), date(2031, 8, 31)), "quarter", TODAY) == "over the plan"


def test_a_reason_names_the_channel_by_its_label_and_counts_in_words():
    plan = PlanFacts(1, "Summer", "Summer", "", (), date(2031, 6, 1), date(2031, 8, 31), "Europe/Paris")
    weekly = CommitmentFacts("twitter", 2, "week", 0, 1.0)
    tally = DayTally((plan.ends_on - plan.starts_on).days + 1)
    tally.add((date(2031, 6, 3) - plan.starts_on).days, 1, 0, 0)  # one of the week's two is there
    candidate = EvergreenCandidate(7, "twitter", "A guide", False, datetime(2031, 4, 1, tzinfo=timezone.utc), 30)
    missing = EvergreenCandidate(8, "youtube", "A video", False, datetime(2031, 4, 1, tzinfo=timezone.utc), 30)
    labels = {"twitter": "X / Twitter", "youtube": "YouTube"}
    proposals, refused = propose_reruns(
        plan, [weekly], {"twitter": tally}, [candidate, missing], [], TODAY, labels=labels
    )
    assert proposals[0].reason == "X / Twitter still needs 1 post this week; it last ran on 1 Apr 2031"
    assert refused == {8: "the plan has no commitment on YouTube"}
    assert "owes" not in proposals[0].reason and "(s)" not in proposals[0].reason
