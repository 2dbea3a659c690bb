"""The calendar: per channel and local day, what is owed and what is filled.

``build`` reads the plan's posts for the view; ``lay_out`` does the counting on plain data, with the
compliance report's own rules (counted statuses, ``period_status``), so the calendar and the report
never disagree about a day or a week.

A busy month holds thousands of posts, so ``build`` reads only the few columns a chip shows (as
``Chip``, no ORM objects and their JSON columns) and the page shows a handful of chips per cell
(``CHIPS_SHOWN``); every post still counts in the cell's figures.

Posts waiting for approval (in_review) never count, but the calendar shows what waits: their chips
say "awaiting approval", one whose time is within ``SOON`` is flagged ``soon``, and ``urgent`` when its
period (the report's, by ``approval_would_meet``) misses its commitment without the waiting posts and
would meet it with them. The flags move with the clock; the cached grid is at most its 2 minutes late.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlalchemy import case, func, select

from scheduler.domain import formats, statuses
from scheduler.domain.compliance import approval_would_meet, period_status
from scheduler.domain.facts import COUNTED_STATUSES, CommitmentFacts
from scheduler.domain.language import N_, _
from scheduler.domain.periods import ONE_DAY, Period, day_start_utc, local_day, plan_periods
from scheduler.domain.statuses import IN_REVIEW
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import clock

VIEWS = ("week", "month")
# chips (week) or dots (month) drawn per channel and day; the rest is "+N more", linked to the day's list:
# drawing all of them made a busy month a 460 KB page that took 200-450 ms to build
CHIPS_SHOWN = {"week": 12, "month": 5}
LABEL_LENGTH = 120  # the longest text a chip shows (its tooltip)
SOON = timedelta(hours=24)  # a post still waiting for approval this close to its time is flagged

# how the calendar says a day, by shape: English's pattern (as strftime wrote it), and the CLDR skeleton
# the reader's language orders and spells its own way ("Mon" / "lun." / "周一", "June 2031" / "juin 2031")
DAY_SHAPES = {
    "weekday": ("EEE", "E", ""),
    "day_of_month": ("dd", "d", ""),
    "day_month": ("dd MMM", "MMMd", ""),
    "date": formats.DATE,
    "day": formats.DAY,
    "month_year": ("MMMM y", "yMMMM", ""),
}
# the words a chip, a cell or a period's summary shows for a value (translated where shown)
STATUS_WORDS = {**statuses.LABELS, statuses.IN_REVIEW: N_("awaiting approval")}
FLAG_WORDS = {"soon": N_("soon"), "urgent": N_("urgent")}
PERIOD_WORDS = {"met": N_("met"), "short": N_("short"), "below_floor": N_("below floor"), "one_note": N_("one note")}
PER_WORDS = {
    "day": N_("%(posts)s per day, ≥ %(floor)s on theme"),
    "week": N_("%(posts)s per week, ≥ %(floor)s on theme"),
    "month": N_("%(posts)s per month, ≥ %(floor)s on theme"),
    "quarter": N_("%(posts)s per quarter, ≥ %(floor)s on theme"),
}


def say_day(day: date, shape: str = "date") -> str:
    """A day as the reader's language writes it, in one of ``DAY_SHAPES``."""
    return formats.day(day, DAY_SHAPES[shape])


@dataclass(frozen=True, slots=True)
class Chip:
    """What a chip shows of a post: read as plain columns, since loading whole posts (JSON columns and
    all) for a busy month cost more than drawing it."""

    id: int
    status: str
    on_theme: bool
    scheduled_at: datetime
    label: str  # the title, else the body, cut at LABEL_LENGTH


@dataclass(frozen=True)
class Entry:
    """One post as the calendar sees it: its channel, local day, and whether it counts."""

    channel: str
    day: date
    counted: bool
    on_theme: bool
    post: Chip | None = None  # passed through for the page (chips, links)
    pending: bool = False  # waiting for approval: never counted, shown apart


@dataclass
class Cell:
    """A channel's day. Its figures are computed once (the page reads them several times); ``entries``
    is complete when the cell is made and not changed after."""

    day: date
    entries: list = field(default_factory=list)
    owed: int | None = None  # only under a daily commitment; longer periods are summed per period
    status: str | None = None  # period_status of the day under a daily commitment

    @cached_property
    def posts(self) -> list:
        return [e.post for e in self.entries]

    @cached_property
    def filled(self) -> int:
        return sum(1 for e in self.entries if e.counted)

    @cached_property
    def on_theme(self) -> int:
        return sum(1 for e in self.entries if e.counted and e.on_theme)

    @cached_property
    def pending(self) -> int:
        return sum(1 for e in self.entries if e.pending)

    @cached_property
    def pending_on_theme(self) -> int:
        return sum(1 for e in self.entries if e.pending and e.on_theme)

    @property
    def state(self) -> str:
        """met / short / below_floor / one_note under a daily commitment, 'empty' when nothing counts."""
        if self.owed is None:
            return "some" if self.entries else "free"
        return "empty" if not self.filled else self.status


@dataclass(frozen=True)
class PeriodSummary:
    period: Period
    label: str
    filled: int
    owed: int
    on_theme: int
    on_theme_min: int
    status: str  # period_status: met | short | below_floor | one_note
    pending: int = 0  # posts waiting for approval in the period
    met_if_approved: bool = False


@dataclass
class Row:
    channel: str
    commitment: CommitmentFacts | None
    cells: list
    period_summaries: list  # PeriodSummary for week/month/quarter commitments touching the view
    flags: dict = field(default_factory=dict)  # post id → "soon" | "urgent", for posts waiting for approval


def view_days(view: str, anchor: date) -> list[date]:
    """The days on screen: the ISO week of ``anchor``, or whole weeks covering its month."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return [start + timedelta(days=n) for n in range(7)]
    first, last = month_bounds(anchor)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def focus_days(view: str, anchor: date) -> list[date]:
    """The days the view is about: the week, or the month without the neighbours' days."""
    if view == "week":
        return view_days(view, anchor)
    first, last = month_bounds(anchor)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def shift(view: str, anchor: date, steps: int) -> date:
    if view == "week":
        return anchor + timedelta(weeks=steps)
    month = anchor.month - 1 + steps
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def period_label(period: Period, per: str) -> str:
    first, last = period.first_day, period.last_day
    if per == "day":
        return say_day(first, "day")
    if per == "week":
        return _(
            "week %(number)s (%(first)s–%(last)s)",
            number=first.isocalendar()[1],
            first=say_day(first, "day_month"),
            last=say_day(last, "day_month"),
        )
    if per == "month":
        month = say_day(first, "month_year")
        if first.day == 1 and last == month_bounds(first)[1]:
            return month
        return _(
            "%(month)s (%(first)s–%(last)s)",
            month=month,
            first=say_day(first, "day_of_month"),
            last=say_day(last, "day_month"),
        )
    return _("whole plan (%(first)s–%(last)s)", first=say_day(first, "day_month"), last=say_day(last, "date"))


def touching_periods(starts_on: date, ends_on: date, per: str, days: list[date]) -> list[Period]:
    """The plan's periods (whole, not clipped to the view) that share a day with ``days``."""
    inside = [d for d in days if starts_on <= d <= ends_on]
    if not inside:
        return []
    return [p for p in plan_periods(starts_on, ends_on, per) if p.first_day <= inside[-1] and p.last_day >= inside[0]]


def lay_out(
    days: list[date],
    focus: list[date],
    starts_on: date,
    ends_on: date,
    commitments: list[CommitmentFacts],
    entries: list[Entry],
) -> list[Row]:
    """Rows (committed channels first, then channels with posts but no commitment) of cells per day.

    ``entries`` must cover ``days`` and every period of a commitment that touches ``focus``.
    """
    by_channel: dict[str, list[Entry]] = {}
    by_day: dict[tuple[str, date], list[Entry]] = {}
    for entry in entries:
        by_channel.setdefault(entry.channel, []).append(entry)
        by_day.setdefault((entry.channel, entry.day), []).append(entry)

    def cells(channel: str, commitment: CommitmentFacts | None) -> list[Cell]:
        row = []
        for day in days:
            cell = Cell(day, by_day.get((channel, day), []))
            if commitment and commitment.per == "day" and starts_on <= day <= ends_on:
                cell.owed = commitment.posts
                cell.status = period_status(cell.filled, cell.on_theme, commitment)
            row.append(cell)
        return row

    rows = []
    for commitment in commitments:
        summaries = []
        if commitment.per != "day":
            for period in touching_periods(starts_on, ends_on, commitment.per, focus):
                counted = [
                    e
                    for e in by_channel.get(commitment.channel, [])
                    if e.counted and period.first_day <= e.day <= period.last_day
                ]
                on_theme = sum(1 for e in counted if e.on_theme)
                waiting = [
                    e
                    for e in by_channel.get(commitment.channel, [])
                    if e.pending and period.first_day <= e.day <= period.last_day
                ]
                waiting_on_theme = sum(1 for e in waiting if e.on_theme)
                summaries.append(
                    PeriodSummary(
                        period,
                        period_label(period, commitment.per),
                        len(counted),
                        commitment.posts,
                        on_theme,
                        commitment.on_theme_min,
                        period_status(len(counted), on_theme, commitment),
                        len(waiting),
                        approval_would_meet(len(counted), on_theme, len(waiting), waiting_on_theme, commitment),
                    )
                )
        rows.append(Row(commitment.channel, commitment, cells(commitment.channel, commitment), summaries))
    committed = {c.channel for c in commitments}
    shown = set(days)
    for channel in sorted({e.channel for e in entries if e.day in shown} - committed):
        rows.append(Row(channel, None, cells(channel, None), []))
    return rows


CHIP_COLUMNS = (
    Post.id,
    Post.status,
    Post.on_theme,
    Post.scheduled_at,
    func.substr(
        case((func.coalesce(Post.title, "") != "", Post.title), else_=func.coalesce(Post.body, "")), 1, LABEL_LENGTH
    ),
)


def read_span(plan: Plan, view: str, anchor: date) -> tuple[date, date]:
    """The days whose posts the view reads: its own, and those of every period it sums."""
    days, focus = view_days(view, anchor), focus_days(view, anchor)
    first, last = days[0], days[-1]
    for commitment in plan.commitments:
        periods = touching_periods(plan.starts_on, plan.ends_on, commitment.per, focus)
        if commitment.per != "day" and periods:
            first, last = min(first, periods[0].first_day), max(last, periods[-1].last_day)
    return first, last


def fingerprint(plan: Plan, view: str, anchor: date) -> str:
    """Changes whenever what ``build`` would show changes: the plan, its commitments, and the posts of
    the days it reads (their number and their latest change; every write to a post, the guarded
    status changes included, sets its ``updated_at``)."""
    first, last = read_span(plan, view, anchor)
    tz = plan.timezone
    count, latest = db.session.execute(
        select(func.count(), func.max(Post.updated_at)).where(
            Post.plan_id == plan.id,
            Post.scheduled_at >= day_start_utc(first, tz),
            Post.scheduled_at < day_start_utc(last + ONE_DAY, tz),
        )
    ).one()
    committed = [(c.channel, c.posts, c.per, c.on_theme_min, c.one_note_max_share) for c in plan.commitments]
    seen = (plan.id, plan.starts_on, plan.ends_on, tz, plan.updated_at, committed, count, latest)
    return hashlib.sha1(repr(seen).encode()).hexdigest()


def build(plan: Plan, view: str, anchor: date, now: datetime | None = None) -> list[Row]:
    days, focus = view_days(view, anchor), focus_days(view, anchor)
    commitments = [
        CommitmentFacts(c.channel, c.posts, c.per, c.on_theme_min, c.one_note_max_share) for c in plan.commitments
    ]
    tz = plan.timezone

    def between(first: date, last: date):
        return Post.scheduled_at >= day_start_utc(first, tz), Post.scheduled_at < day_start_utc(last + ONE_DAY, tz)

    shown = db.session.execute(
        select(Post.channel, *CHIP_COLUMNS)
        .where(Post.plan_id == plan.id, *between(days[0], days[-1]))
        .order_by(Post.scheduled_at, Post.id)
    )
    entries = [
        Entry(
            channel,
            local_day(scheduled_at, tz),
            status in COUNTED_STATUSES,
            bool(on_theme),
            Chip(post_id, status, bool(on_theme), scheduled_at, label),
            status == IN_REVIEW,
        )
        for channel, post_id, status, on_theme, scheduled_at, label in shown
    ]
    # weeks, months and the quarter reach beyond the screen: count their other days from a light query
    for commitment in commitments:
        periods = touching_periods(plan.starts_on, plan.ends_on, commitment.per, focus)
        if commitment.per == "day" or not periods:
            continue
        rows = db.session.execute(
            select(Post.scheduled_at, Post.on_theme, Post.status).where(
                Post.plan_id == plan.id,
                Post.channel == commitment.channel,
                Post.status.in_([*COUNTED_STATUSES, IN_REVIEW]),
                *between(periods[0].first_day, periods[-1].last_day),
            )
        )
        for scheduled_at, on_theme, status in rows:
            day = local_day(scheduled_at, tz)
            if not days[0] <= day <= days[-1]:
                waiting = status == IN_REVIEW
                entries.append(Entry(commitment.channel, day, not waiting, bool(on_theme), pending=waiting))
    rows = lay_out(days, focus, plan.starts_on, plan.ends_on, commitments, entries)
    flag_waiting(rows, now if now is not None else clock.now())
    return rows


def flag_waiting(rows: list[Row], now: datetime) -> None:
    """``soon`` for a post still waiting for approval within ``SOON`` of its time (or past it), ``urgent``
    when its period, short or below its floor without it, would be met once what waits is approved."""
    for row in rows:
        rescued = {
            day
            for s in row.period_summaries
            if s.met_if_approved
            for day in (s.period.first_day + timedelta(days=n) for n in range(s.period.days))
        }
        for cell in row.cells:
            if not cell.pending:
                continue
            if cell.owed is not None and row.commitment is not None:
                day_rescued = approval_would_meet(
                    cell.filled, cell.on_theme, cell.pending, cell.pending_on_theme, row.commitment
                )
            else:
                day_rescued = cell.day in rescued
            for entry in cell.entries:
                if entry.pending and entry.post is not None and entry.post.scheduled_at - now <= SOON:
                    row.flags[entry.post.id] = "urgent" if day_rescued else "soon"
