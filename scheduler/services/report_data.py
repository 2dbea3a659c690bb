"""What the report reads from the database: a plan and its commitments as the domain's facts, the
rollup's tallies and revisions, and the counted posts (all of them, or those of a few channels within
some spans of time)."""

from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, func, or_, select, type_coerce

from scheduler.domain.compliance import empty_tallies
from scheduler.domain.facts import COUNTED_STATUSES, CommitmentFacts, PlanFacts, PostFacts
from scheduler.domain.periods import local_day, offset_segments
from scheduler.domain.statuses import IN_REVIEW
from scheduler.models import Plan, Post, PostCount
from scheduler.models.database import db
from scheduler.models.functions import epoch_seconds

EPOCH_DAY = date_type(1970, 1, 1)


def plan_facts(plan: Plan) -> PlanFacts:
    return PlanFacts(
        id=plan.id,
        name=plan.name,
        theme=plan.theme,
        key_message=plan.key_message or "",
        keywords=tuple(plan.keywords or ()),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        timezone=plan.timezone,
    )


def commitment_facts(plan: Plan) -> list[CommitmentFacts]:
    return [
        CommitmentFacts(
            channel=c.channel,
            posts=c.posts,
            per=c.per,
            on_theme_min=c.on_theme_min,
            one_note_max_share=c.one_note_max_share,
        )
        for c in plan.commitments
    ]


def plan_utc_bounds(plan: Plan | PlanFacts) -> tuple[datetime, datetime]:
    zone = ZoneInfo(plan.timezone)
    start = datetime.combine(plan.starts_on, time(), zone).astimezone(timezone.utc)
    end = datetime.combine(plan.ends_on + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    return start, end


def counted_filter(plan: Plan, start, end):
    return (
        Post.plan_id == plan.id,
        Post.channel.in_([c.channel for c in plan.commitments]),
        Post.status.in_(COUNTED_STATUSES),
        Post.scheduled_at >= start,
        Post.scheduled_at < end,
    )


@dataclass(frozen=True)
class RollupReading:
    """What the report reads from ``post_counts``: the tallies, and the sum of the revisions of the
    buckets read (None when the rollup could not be used), which grows with every change to a post
    that repeated-message detection would see."""

    tallies: dict
    revision: int | None


def day_tallies(plan: Plan, facts: PlanFacts, commitments) -> dict:
    """Counted posts per channel and local day."""
    return read_rollup(plan, facts, commitments).tallies


def read_rollup(plan: Plan, facts: PlanFacts, commitments) -> RollupReading:
    """Tallies summed from the per-quarter-hour rollup, one GROUP BY per UTC-offset segment: at most
    ~8,800 rows per channel for a quarter, however many posts it holds."""
    segments = offset_segments(facts.starts_on, facts.ends_on, facts.timezone)
    if not all(_quarter_hour_aligned(start, end, offset) for start, end, offset in segments):
        return RollupReading(tallies_from_posts(plan, facts, commitments), None)  # a pre-1970s zone's offset
    tallies = empty_tallies(facts, commitments)
    first_day = (facts.starts_on - EPOCH_DAY).days
    channels = [c.channel for c in commitments]
    revision = 0
    for start, end, offset in segments:
        local_day = (PostCount.bucket + offset // BUCKET_SECONDS) // BUCKETS_PER_DAY
        rows = db.session.execute(
            select(
                PostCount.channel,
                local_day,
                func.sum(PostCount.posts),
                func.sum(PostCount.on_theme),
                func.sum(PostCount.published),
                func.sum(PostCount.revision),
            )
            .where(
                PostCount.plan_id == plan.id,
                PostCount.channel.in_(channels),
                PostCount.bucket >= bucket_of(start),
                PostCount.bucket < bucket_of(end),
            )
            .group_by(PostCount.channel, local_day)
        ).all()
        for channel, day, posts, on_theme, published, bumps in rows:
            tallies[channel].add(int(day) - first_day, int(posts), int(on_theme), int(published))
            revision += int(bumps)
    return RollupReading(tallies, revision)


BUCKET_SECONDS = 900  # the rollup's bucket: a UTC quarter hour (every offset in use is a multiple of it)
BUCKETS_PER_DAY = 86400 // BUCKET_SECONDS


def bucket_of(instant: datetime) -> int:
    return int(instant.timestamp()) // BUCKET_SECONDS


def _quarter_hour_aligned(start: datetime, end: datetime, offset: int) -> bool:
    return offset % BUCKET_SECONDS == 0 and all(int(t.timestamp()) % BUCKET_SECONDS == 0 for t in (start, end))


def tallies_from_posts(plan: Plan, facts: PlanFacts, commitments) -> dict:
    """Counted posts per channel and local day, counted from the posts themselves (one GROUP BY per
    UTC offset): what the rollup replaces, kept for zones whose offsets are not whole quarter hours."""
    tallies = empty_tallies(facts, commitments)
    first_day = (facts.starts_on - EPOCH_DAY).days
    for start, end, offset in offset_segments(facts.starts_on, facts.ends_on, facts.timezone):
        local_day = (epoch_seconds(Post.scheduled_at) + offset) // 86400
        rows = db.session.execute(
            select(
                Post.channel,
                local_day,
                func.count(),
                func.sum(case((Post.on_theme.is_(True), 1), else_=0)),
                func.sum(case((Post.status == "published", 1), else_=0)),
            )
            .where(*counted_filter(plan, start, end))
            .group_by(Post.channel, local_day)
        ).all()
        for channel, day, posts, on_theme, published in rows:
            tallies[channel].add(int(day) - first_day, posts, int(on_theme or 0), int(published or 0))
    return tallies


def counted_posts(plan: Plan, ids: set[int] | None = None) -> list[PostFacts]:
    """Only the columns that are needed, only the posts that can count: this runs over 100k+ rows.
    With ``ids``, only those posts (found by their key, then kept if they count)."""
    start, end = plan_utc_bounds(plan)
    where = counted_filter(plan, start, end) if ids is None else (Post.id.in_(sorted(ids)),)
    rows = db.session.execute(select(*_FACT_COLUMNS).where(*where)).all()
    if ids is not None:
        channels = {c.channel for c in plan.commitments}
        rows = [
            row for row in rows if row[1] in channels and row[3] in COUNTED_STATUSES and start <= _utc(row[2]) < end
        ]
    return [
        PostFacts(
            id=post_id,
            channel=channel,
            scheduled_at=_utc(at),
            status=status,
            on_theme=bool(on_theme),
            adapted_from_post_id=adapted_from,
            source_item_id=source_item,
            set_id=set_id,
            text=f"{title or ''}\n{body or ''}".strip(),
            recorded_by_hand=bool(by_hand),
        )
        for post_id, channel, at, status, on_theme, adapted_from, source_item, title, body, set_id, by_hand in rows
    ]


# scheduled_at as the database gives it (a string from SQLite, a naive UTC datetime from PostgreSQL),
# turned into an aware datetime below by the C parser: SQLAlchemy's own processor for SQLite's strings
# is a regular expression per row, half the cost of reading a 50k-post window
_FACT_COLUMNS = (
    Post.id,
    Post.channel,
    type_coerce(Post.scheduled_at, String),
    Post.status,
    Post.on_theme,
    Post.adapted_from_post_id,
    Post.source_item_id,
    Post.title,
    Post.body,
    Post.set_id,
    Post.recorded_by_hand,
)


def _utc(value) -> datetime:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return at.replace(tzinfo=timezone.utc)


def counted_in_spans(plan: Plan, spans: dict[str, list[tuple[datetime, datetime]]]) -> list[tuple]:
    """(id, channel, bucket, text, in an adaptation chain) of the counted posts of those channels
    within those [start, end] times: what a search around an edit reads of tens of thousands of
    posts (the rest of a post's facts only for the few searched again)."""
    start, end = plan_utc_bounds(plan)
    within = or_(
        *(
            and_(Post.channel == channel, Post.scheduled_at >= low, Post.scheduled_at <= high)
            for channel, ranges in spans.items()
            for low, high in ranges
        )
    )
    chained = or_(Post.adapted_from_post_id.is_not(None), Post.source_item_id.is_not(None), Post.set_id.is_not(None))
    rows = db.session.execute(
        select(Post.id, Post.channel, epoch_seconds(Post.scheduled_at), Post.title, Post.body, chained).where(
            *counted_filter(plan, start, end), within
        )
    ).all()
    return [
        (post_id, channel, seconds // BUCKET_SECONDS, f"{title or ''}\n{body or ''}".strip(), bool(lineage))
        for post_id, channel, seconds, title, body, lineage in rows
    ]


def bucket_revisions(plan: Plan, channels: list[str]) -> dict[tuple[str, int], int]:
    """Each rollup bucket's revision within the plan's dates, for these channels."""
    start, end = plan_utc_bounds(plan)
    rows = db.session.execute(
        select(PostCount.channel, PostCount.bucket, PostCount.revision).where(
            PostCount.plan_id == plan.id,
            PostCount.channel.in_(channels),
            PostCount.bucket >= bucket_of(start),
            PostCount.bucket < bucket_of(end),
        )
    ).all()
    return {(channel, int(bucket)): int(revision) for channel, bucket, revision in rows}


def pending_tallies(plan: Plan, facts: PlanFacts, commitments) -> dict:
    """The posts waiting for approval (in_review) per channel and local day: never counted, shown beside
    what counts. Few by nature (they wait for a person), so read as rows, without a rollup."""
    tallies = empty_tallies(facts, commitments)
    start, end = plan_utc_bounds(plan)
    rows = db.session.execute(
        select(Post.channel, Post.scheduled_at, Post.on_theme).where(
            Post.plan_id == plan.id,
            Post.channel.in_([c.channel for c in commitments]),
            Post.status == IN_REVIEW,
            Post.scheduled_at >= start,
            Post.scheduled_at < end,
        )
    ).all()
    for channel, at, on_theme in rows:
        tallies[channel].add((local_day(at, facts.timezone) - facts.starts_on).days, 1, int(bool(on_theme)), 0)
    return tallies


def recorded_tallies(plan: Plan, facts: PlanFacts, commitments) -> dict:
    """The counted posts a person recorded as published elsewhere, per channel and local day: few by
    nature (each is a person's act), so read as rows, as the posts waiting for approval are."""
    tallies = empty_tallies(facts, commitments)
    start, end = plan_utc_bounds(plan)
    rows = db.session.execute(
        select(Post.channel, Post.scheduled_at, Post.on_theme, Post.status).where(
            *counted_filter(plan, start, end), Post.recorded_by_hand.is_(True)
        )
    ).all()
    for channel, at, on_theme, status in rows:
        day = (local_day(at, facts.timezone) - facts.starts_on).days
        tallies[channel].add(day, 1, int(bool(on_theme)), int(status == "published"))
    return tallies
