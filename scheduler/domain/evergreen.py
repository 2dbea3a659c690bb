"""Re-runs of evergreen winners: when and where an item may run again without harm.

An evergreen item is proposed for a day when all of this holds:
- its cool-down has passed since it last ran (published, or a post made from it);
- the day lies in a period of the plan where its channel still owes posts (a free slot);
- one more post there keeps the period's on-theme share at or under the one-note ceiling (when the
  item is on theme), so recycling never makes a channel one-note;
- its text would not repeat the message of a post on that channel within the repetition window
  (the compliance report's own detector decides).
Each accepted proposal takes its slot, so two winners never get the same free place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from scheduler.domain import formats
from scheduler.domain.compliance import DayTally
from scheduler.domain.facts import CommitmentFacts, PlanFacts, PostFacts
from scheduler.domain.language import _, ngettext
from scheduler.domain.periods import Period, local_to_utc, plan_periods
from scheduler.domain.repetition import find_repeated_messages

WINDOW_DAYS = 14
RERUN_HOUR = time(10, 0)  # local; the editor can move it


@dataclass(frozen=True)
class EvergreenCandidate:
    item_id: int
    channel: str
    text: str
    on_theme: bool
    last_run: datetime  # aware UTC
    cooldown_days: int
    score: float | None = None


@dataclass(frozen=True)
class Proposal:
    item_id: int
    channel: str
    day: date
    at: datetime  # aware UTC, RERUN_HOUR on ``day`` in the plan's time zone
    reason: str


def propose_reruns(
    plan: PlanFacts,
    commitments: Sequence[CommitmentFacts],
    tallies: dict[str, DayTally],
    candidates: Sequence[EvergreenCandidate],
    posts: Sequence[PostFacts],
    today: date,
    labels: Mapping[str, str] | None = None,
) -> tuple[list[Proposal], dict[int, str]]:
    """(proposals, why each other candidate got none), best-scored candidates first. Reasons are in words
    for the page: channels by their ``labels`` ("X / Twitter", not "twitter"), periods as "this week"."""
    labels = labels or {}
    by_channel = {c.channel: c for c in commitments}
    posts = list(posts)
    proposals, refused = [], {}
    for candidate in sorted(candidates, key=lambda c: -(c.score if c.score is not None else -1)):
        commitment = by_channel.get(candidate.channel)
        if commitment is None:
            refused[candidate.item_id] = _(
                "the plan has no commitment on %(channel)s", channel=labels.get(candidate.channel, candidate.channel)
            )
            continue
        earliest = max(
            today + timedelta(days=1),
            plan.starts_on,
            candidate.last_run.date() + timedelta(days=candidate.cooldown_days),
        )
        label = labels.get(candidate.channel, candidate.channel)
        proposal, why = _first_fitting_day(
            plan, commitment, tallies[candidate.channel], candidate, posts, earliest, (label, today)
        )
        if proposal is None:
            refused[candidate.item_id] = why
            continue
        proposals.append(proposal)
        tallies[candidate.channel].add((proposal.day - plan.starts_on).days, 1, int(candidate.on_theme), 0)
        posts.append(_as_post(candidate, proposal.at))
    return proposals, refused


def _first_fitting_day(plan, commitment, tally, candidate, posts, earliest: date, said: tuple[str, date]):
    label, today = said
    if earliest > plan.ends_on:
        return None, _("its cool-down ends on %(day)s, after the plan ends", day=_day(earliest))
    why = _("every period after its cool-down is already full")
    for period in plan_periods(plan.starts_on, plan.ends_on, commitment.per):
        if period.last_day < earliest:
            continue
        count, on_theme = _period_counts(plan, tally, period)
        if count >= commitment.posts:
            continue
        if candidate.on_theme and (on_theme + 1) / (count + 1) > commitment.one_note_max_share:
            why = _("one more on-theme post would make every open period one-note")
            continue
        day = _quietest_day(plan, tally, period, earliest)
        at = local_to_utc(datetime.combine(day, RERUN_HOUR), plan.timezone)
        if _would_repeat(candidate, at, posts):
            why = _("it would repeat a message already posted within 14 days")
            continue
        owed = commitment.posts - count
        when = period_in_words(period, commitment.per, today)
        if candidate.last_run.year <= 1970:
            reason = ngettext(
                "%(channel)s still needs %(num)d post %(when)s; it never ran",
                "%(channel)s still needs %(num)d posts %(when)s; it never ran",
                owed,
                channel=label,
                when=when,
            )
        else:
            reason = ngettext(
                "%(channel)s still needs %(num)d post %(when)s; it last ran on %(day)s",
                "%(channel)s still needs %(num)d posts %(when)s; it last ran on %(day)s",
                owed,
                channel=label,
                when=when,
                day=_day(candidate.last_run.date()),
            )
        return Proposal(candidate.item_id, candidate.channel, day, at, reason), ""
    return None, why


def _day(day: date) -> str:
    return formats.day(day, SHORT_DATE)


SHORT_DATE = ("d MMM y", "yMMMd", "")  # 9 Jun 2031
MONTH = ("MMMM y", "yMMMM", "")  # June 2031


def period_in_words(period: Period, per: str, today: date) -> str:
    """A plan's period as a person says it, from ``today``: "today", "this week", "next month", "in the
    week of 9 Jun 2031", "over the plan"."""
    if per == "quarter":
        return _("over the plan")
    near = {
        "day": (today, today + timedelta(days=1)),
        "week": (today - timedelta(days=today.weekday()), today - timedelta(days=today.weekday()) + timedelta(weeks=1)),
        "month": (today.replace(day=1), (today.replace(day=28) + timedelta(days=4)).replace(day=1)),
    }[per]
    first = {"day": period.first_day, "week": period.first_day - timedelta(days=period.first_day.weekday())}.get(
        per, period.first_day.replace(day=1)
    )
    if first == near[0]:
        return {"day": _("today"), "week": _("this week"), "month": _("this month")}[per]
    if first == near[1]:
        return {"day": _("tomorrow"), "week": _("next week"), "month": _("next month")}[per]
    if per == "day":
        return _("on %(day)s", day=_day(first))
    if per == "week":
        return _("in the week of %(day)s", day=_day(first))
    return _("in %(month)s", month=formats.day(first, MONTH))


def _period_counts(plan: PlanFacts, tally: DayTally, period: Period) -> tuple[int, int]:
    first, last = (period.first_day - plan.starts_on).days, (period.last_day - plan.starts_on).days
    return sum(tally.posts[first : last + 1]), sum(tally.on_theme[first : last + 1])


def _quietest_day(plan: PlanFacts, tally: DayTally, period: Period, earliest: date) -> date:
    days = [period.first_day + timedelta(days=n) for n in range(period.days)]
    days = [d for d in days if d >= earliest]
    return min(days, key=lambda d: (tally.posts[(d - plan.starts_on).days], d))


def _as_post(candidate: EvergreenCandidate, at: datetime) -> PostFacts:
    # a negative id cannot clash with a saved post's
    return PostFacts(
        id=-candidate.item_id,
        channel=candidate.channel,
        scheduled_at=at,
        status="scheduled",
        on_theme=candidate.on_theme,
        text=candidate.text,
    )


def _would_repeat(candidate: EvergreenCandidate, at: datetime, posts: Sequence[PostFacts]) -> bool:
    window = timedelta(days=WINDOW_DAYS)
    near = [p for p in posts if p.channel == candidate.channel and abs(p.scheduled_at - at) <= window]
    if not near:
        return False
    rerun = _as_post(candidate, at)
    return any(rerun.id in group["post_ids"] for group in find_repeated_messages([*near, rerun]))


def last_run(published_at: datetime | None, reruns: Sequence[datetime]) -> datetime:
    times = [t for t in (published_at, *reruns) if t is not None]
    return max(times) if times else datetime(1970, 1, 1, tzinfo=timezone.utc)
