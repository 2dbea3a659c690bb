"""The compliance report: is the team keeping its commitments, on theme but not one-note?

Every period is a union of the plan's local days, so posts are tallied once per local day (one
pass, each by the local date its clock shows) and periods and weeks are summed from those
tallies. This keeps the report linear in the number of posts (it runs over 100k-1M posts).
The shape of the result is fixed by CONTRACT.md, "The compliance report".

A report must not cry wolf early. A channel with fewer posts than one period's commitment is not
judged yet (``judged``: false): its ``status`` keeps the contract's meaning, but a page says "too
early to judge" instead of raising it as an alarm (one tweet of a 4-a-day plan is "100 % on theme"
and "one note" by the letter). Given ``today`` (the plan's local date), each period and week is
``past``, ``current`` or ``future``, and ``periods_by_timing`` counts the contract's period statuses
within each, so a page tells a period that failed from one still to come (planned); ``periods`` keeps
the contract's counts as defined, and ``standing`` words the status as of today (``behind`` only for
periods gone by, ``early`` while not judged). ``coverage_band`` places a coverage ratio against the band between
the floor and the ceiling, which is what the bars' colours say. ``recorded`` counts the posts a person
recorded as published elsewhere (``services.recording``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from itertools import accumulate

from scheduler.domain.facts import COUNTED_STATUSES, CommitmentFacts, PlanFacts, PostFacts
from scheduler.domain.periods import ONE_DAY, Period, day_start_utc, iso_weeks, plan_periods, zone
from scheduler.domain.repetition import find_repeated_messages
from scheduler.domain.statuses import IN_REVIEW

PERIOD_COUNTS = ("total", "met", "below_floor", "one_note", "short")
TIMINGS = ("past", "current", "future")


class DayTally:
    """Counted posts of one channel per local day of the plan (index 0 is the plan's first day).

    The report needs nothing finer, so a database can hand over these tallies (one GROUP BY) instead
    of every post.
    """

    def __init__(self, days: int) -> None:
        self.posts = [0] * days
        self.on_theme = [0] * days
        self.published = [0] * days

    def add(self, day: int, posts: int, on_theme: int, published: int) -> None:
        """A post inside the plan's span whose clock shows a day outside it (a zone whose date runs
        backwards at the plan's edge) counts on the nearest day of the plan, never on a wrapped index."""
        day = min(max(day, 0), len(self.posts) - 1)
        self.posts[day] += posts
        self.on_theme[day] += on_theme
        self.published[day] += published

    def running_totals(self) -> tuple[list[int], list[int], list[int]]:
        return tuple([0, *accumulate(counts)] for counts in (self.posts, self.on_theme, self.published))


def compliance_report(
    plan: PlanFacts,
    commitments: Sequence[CommitmentFacts],
    posts: Iterable[PostFacts],
    repeated: list[dict] | None = None,
    today: date | None = None,
) -> dict:
    tallies, counted, pending, recorded = _tally_posts(plan, commitments, posts)
    if repeated is None:
        repeated = find_repeated_messages(counted)
    return compliance_from_tallies(plan, commitments, tallies, repeated, pending, today=today, recorded=recorded)


def empty_tallies(plan: PlanFacts, commitments: Sequence[CommitmentFacts]) -> dict[str, DayTally]:
    days = (plan.ends_on - plan.starts_on).days + 1
    return {c.channel: DayTally(days) for c in commitments}


def compliance_from_tallies(
    plan: PlanFacts,
    commitments: Sequence[CommitmentFacts],
    tallies: dict[str, DayTally],
    repeated: list[dict],
    pending: dict[str, DayTally] | None = None,
    today: date | None = None,
    recorded: dict[str, DayTally] | None = None,
) -> dict:
    """The report from per-day tallies of the counted posts (see ``DayTally``). ``pending``: the same
    tallies of the posts waiting for approval (in_review), which never count; each channel row says how
    many wait (``pending_approval``), and each period how many of them fall in it. ``recorded``: the
    counted posts recorded by hand. ``today``: the plan's local date, which tells past periods from
    those to come (None: every period is past, as once the plan is over)."""
    weeks = iso_weeks(plan.starts_on, plan.ends_on)
    pending, recorded = pending or {}, recorded or {}
    days = (plan.ends_on - plan.starts_on).days + 1
    rows = [
        _channel_row(
            plan,
            c,
            tallies[c.channel],
            weeks,
            pending.get(c.channel) or DayTally(days),
            recorded.get(c.channel) or DayTally(days),
            today,
        )
        for c in commitments
    ]
    total = sum(sum(t.posts) for t in tallies.values())
    on_theme = sum(sum(t.on_theme) for t in tallies.values())
    return {
        "plan": _plan_summary(plan),
        "theme_coverage_ratio": on_theme / total if total else None,
        "judged": any(row["judged"] for row in rows),
        "channels": rows,
        "repeated_messages": repeated,
    }


def period_status(posts: int, on_theme: int, commitment: CommitmentFacts) -> str:
    """The first of short, below_floor, one_note that applies, else met."""
    if posts < commitment.posts:
        return "short"
    if on_theme < commitment.on_theme_min:
        return "below_floor"
    if posts and on_theme / posts > commitment.one_note_max_share:
        return "one_note"
    return "met"


def approval_would_meet(posts: int, on_theme: int, pending: int, pending_on_theme: int, commitment) -> bool:
    """Whether a period that is short or below its floor with the counted posts would be met once the
    posts waiting for approval in it were approved: what makes a waiting post urgent."""
    if period_status(posts, on_theme, commitment) not in ("short", "below_floor") or not pending:
        return False
    return period_status(posts + pending, on_theme + pending_on_theme, commitment) == "met"


def channel_status(coverage_ratio: float | None, floor: float, ceiling: float, posts: int, committed: int) -> str:
    if coverage_ratio is not None and coverage_ratio > ceiling:
        return "one_note"
    if coverage_ratio is not None and coverage_ratio < floor:
        return "below_floor"
    return "behind" if posts < committed else "ok"


def coverage_band(coverage_ratio: float | None, floor: float, ceiling: float) -> str | None:
    """Where a coverage ratio sits against the band: ``below_floor``, ``in_band`` or ``above_ceiling``
    (None without posts). What a coverage bar's colour says, whatever the channel's volume."""
    if coverage_ratio is None:
        return None
    if coverage_ratio < floor:
        return "below_floor"
    return "above_ceiling" if coverage_ratio > ceiling else "in_band"


def standing(status: str, judged: bool, gone_by: dict) -> str:
    """The channel's status as a page words it today: ``early`` while it is not judged; ``behind`` only
    when a period gone by was short (posts still owed to periods to come are planned, not missed:
    ``on_track``); ``ok``, ``below_floor`` and ``one_note`` as the contract's ``status``."""
    if not judged:
        return "early"
    if status == "behind" and not gone_by["short"]:
        return "on_track"
    return status


def timing(period: Period, today: date | None) -> str:
    """``past`` (ended before today), ``current`` or ``future``; every period is past without a today."""
    if today is None or today > period.last_day:
        return "past"
    return "future" if today < period.first_day else "current"


def _tally_posts(plan: PlanFacts, commitments: Sequence[CommitmentFacts], posts: Iterable[PostFacts]):
    """One pass: tally counted posts per channel and the local day a clock in the plan's zone shows;
    keep them for repetition. (Where a zone's date runs backwards, e.g. Goose Bay falling back from
    00:01 to 23:01 until 2011, the clock's day differs from "after which local midnight".)"""
    tz = zone(plan.timezone)
    first = day_start_utc(plan.starts_on, tz).timestamp()
    end = day_start_utc(plan.ends_on + ONE_DAY, tz).timestamp()
    tallies, pending = empty_tallies(plan, commitments), empty_tallies(plan, commitments)
    recorded = empty_tallies(plan, commitments)
    counted = []
    for post in posts:
        waiting = post.status == IN_REVIEW
        tally = (pending if waiting else tallies).get(post.channel)
        if tally is None or not (waiting or post.status in COUNTED_STATUSES):
            continue
        at = _timestamp(post.scheduled_at)
        if not first <= at < end:
            continue
        day_index = (datetime.fromtimestamp(at, tz).date() - plan.starts_on).days
        tally.add(day_index, 1, post.on_theme, post.status == "published")
        if not waiting:
            counted.append(post)
            if post.recorded_by_hand:
                recorded[post.channel].add(day_index, 1, post.on_theme, post.status == "published")
    return tallies, counted, pending, recorded


def _timestamp(instant: datetime) -> float:
    if instant.tzinfo is None:  # stored times are UTC
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.timestamp()


def _channel_row(
    plan: PlanFacts,
    commitment: CommitmentFacts,
    tally: DayTally,
    weeks: list[Period],
    pending: DayTally,
    recorded: DayTally,
    today: date | None,
) -> dict:
    periods = plan_periods(plan.starts_on, plan.ends_on, commitment.per)
    totals = tally.running_totals()
    waiting = pending.running_totals()
    by_hand = recorded.running_totals()
    details = [
        _period_detail(p, _sums(plan.starts_on, p, totals), commitment, _sums(plan.starts_on, p, waiting), today)
        for p in periods
    ]
    posts, on_theme, published = (running[-1] for running in totals)
    committed = commitment.posts * len(periods)
    coverage = on_theme / posts if posts else None
    floor = commitment.on_theme_min / commitment.posts if commitment.posts else 0.0
    ceiling = commitment.one_note_max_share
    status = channel_status(coverage, floor, ceiling, posts, committed)
    by_timing = {when: _period_counts([d for d in details if d["timing"] == when]) for when in TIMINGS}
    return {
        "channel": commitment.channel,
        "per": commitment.per,
        "posts_per_period": commitment.posts,
        "on_theme_min": commitment.on_theme_min,
        "committed_posts": committed,
        "posts": posts,
        "published": published,
        "on_theme": on_theme,
        "coverage_ratio": coverage,
        "floor": floor,
        "ceiling": ceiling,
        "periods": _period_counts(details),
        "status": status,
        "judged": posts >= commitment.posts,
        "coverage_band": coverage_band(coverage, floor, ceiling),
        "recorded": by_hand[0][-1],
        "periods_by_timing": by_timing,
        "standing": standing(status, posts >= commitment.posts, by_timing["past"]),
        "pending_approval": waiting[0][-1],
        "period_details": details,
        "weeks": _week_rows(plan.starts_on, weeks, periods, commitment, totals, by_hand, today),
    }


def _sums(starts_on: date, period: Period, totals) -> tuple[int, int, int]:
    """(posts, on_theme, published) over the period's days, from running totals."""
    begin = (period.first_day - starts_on).days
    end = begin + period.days
    return tuple(running[end] - running[begin] for running in totals)


def _period_detail(
    period: Period,
    sums: tuple[int, int, int],
    commitment: CommitmentFacts,
    waiting: tuple[int, int, int],
    today: date | None,
) -> dict:
    posts, on_theme, published = sums
    pending, pending_on_theme, _ = waiting
    return {
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "posts": posts,
        "on_theme": on_theme,
        "published": published,
        "committed": commitment.posts,
        "status": period_status(posts, on_theme, commitment),
        "pending_approval": pending,
        "met_if_approved": approval_would_meet(posts, on_theme, pending, pending_on_theme, commitment),
        "timing": timing(period, today),
    }


def _period_counts(details: list[dict]) -> dict:
    counts = dict.fromkeys(PERIOD_COUNTS, 0) | {"total": len(details)}
    for detail in details:
        counts[detail["status"]] += 1
    return counts


def _week_rows(
    starts_on: date,
    weeks: list[Period],
    periods: list[Period],
    commitment: CommitmentFacts,
    totals,
    by_hand,
    today: date | None,
) -> list[dict]:
    """Weekly view; a period's commitment is spread evenly over its days. Each week's coverage is
    placed against the channel's band, as the channel's is."""
    daily_commitment = [commitment.posts / p.days for p in periods for _ in range(p.days)]
    floor = commitment.on_theme_min / commitment.posts if commitment.posts else 0.0
    rows = []
    for week in weeks:
        posts, on_theme, published = _sums(starts_on, week, totals)
        recorded = _sums(starts_on, week, by_hand)[0]
        begin = (week.first_day - starts_on).days
        coverage = on_theme / posts if posts else None
        rows.append(
            {
                "week_start": week.first_day.isoformat(),
                "week_end": week.last_day.isoformat(),
                "committed": round(sum(daily_commitment[begin : begin + week.days]), 2),
                "posts": posts,
                "on_theme": on_theme,
                "published": published,
                "coverage_ratio": coverage,
                "coverage_band": coverage_band(coverage, floor, commitment.one_note_max_share),
                "recorded": recorded,
                "timing": timing(week, today),
            }
        )
    return rows


def _plan_summary(plan: PlanFacts) -> dict:
    return {
        "id": plan.id,
        "name": plan.name,
        "theme": plan.theme,
        "key_message": plan.key_message,
        "keywords": list(plan.keywords),
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "timezone": plan.timezone,
    }
