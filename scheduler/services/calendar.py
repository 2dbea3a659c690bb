"""The calendar: per channel and local day, what is owed and what is filled."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..domain.facts import COUNTED_STATUSES
from ..domain.periods import local_day, plan_periods
from ..extensions import db
from ..models import Plan, Post

VIEWS = ("week", "month")


@dataclass
class Cell:
    day: date
    posts: list = field(default_factory=list)
    owed: int | None = None  # only for daily commitments; other periods are summed in the row

    @property
    def filled(self) -> int:
        return sum(1 for p in self.posts if p.status in COUNTED_STATUSES)

    @property
    def on_theme(self) -> int:
        return sum(1 for p in self.posts if p.status in COUNTED_STATUSES and p.on_theme)

    @property
    def state(self) -> str:
        if self.owed is None:
            return "free" if not self.posts else "some"
        return "met" if self.filled >= self.owed else ("short" if self.filled else "empty")


@dataclass
class Row:
    channel: str
    commitment: object
    cells: list
    period_summaries: list  # [(period, filled, owed, on_theme)] for week/month/quarter commitments


def view_days(view: str, anchor: date) -> list[date]:
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return [start + timedelta(days=n) for n in range(7)]
    first = anchor.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    end = last + timedelta(days=6 - last.weekday())
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def shift(view: str, anchor: date, steps: int) -> date:
    if view == "week":
        return anchor + timedelta(weeks=steps)
    month = anchor.month - 1 + steps
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def _utc(day: date, zone) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


def posts_between(plan: Plan, first: date, last: date) -> list[Post]:
    zone = ZoneInfo(plan.timezone)
    return list(db.session.scalars(
        select(Post).where(Post.plan_id == plan.id, Post.scheduled_at >= _utc(first, zone),
                           Post.scheduled_at < _utc(last + timedelta(days=1), zone))
        .order_by(Post.scheduled_at)))


def build(plan: Plan, view: str, anchor: date) -> list[Row]:
    days = view_days(view, anchor)
    in_plan = [d for d in days if plan.starts_on <= d <= plan.ends_on]
    by_channel_day: dict[tuple[str, date], list] = {}
    for post in posts_between(plan, days[0], days[-1]):
        by_channel_day.setdefault((post.channel, local_day(post.scheduled_at, plan.timezone)), []).append(post)
    rows = []
    for commitment in plan.commitments:
        cells = []
        for day in days:
            owed = commitment.posts if commitment.per == "day" and day in in_plan else None
            cells.append(Cell(day, by_channel_day.get((commitment.channel, day), []), owed))
        rows.append(Row(commitment.channel, commitment, cells, _period_summaries(plan, commitment, in_plan)))
    committed = {c.channel for c in plan.commitments}
    for channel in sorted({channel for channel, _ in by_channel_day} - committed):
        rows.append(Row(channel, None, [Cell(day, by_channel_day.get((channel, day), [])) for day in days], []))
    return rows


def _period_summaries(plan: Plan, commitment, in_plan: list[date]):
    """For week/month/quarter commitments: the periods the view touches, whole, with what they hold."""
    if commitment.per == "day" or not in_plan:
        return []
    periods = [p for p in plan_periods(plan.starts_on, plan.ends_on, commitment.per)
               if p.first_day <= in_plan[-1] and p.last_day >= in_plan[0]]
    summaries = []
    for period in periods:
        posts = [p for p in posts_between(plan, period.first_day, period.last_day)
                 if p.channel == commitment.channel and p.status in COUNTED_STATUSES]
        summaries.append((period, len(posts), commitment.posts, sum(1 for p in posts if p.on_theme)))
    return summaries
