"""The compliance report of a plan: database rows in, the domain's report out."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime, time, timedelta, timezone
from time import monotonic, sleep
from zoneinfo import ZoneInfo

from redis.exceptions import LockError, RedisError
from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from scheduler.domain.compliance import compliance_from_tallies, empty_tallies, report_rows_csv
from scheduler.domain.facts import COUNTED_STATUSES, CommitmentFacts, PlanFacts, PostFacts
from scheduler.domain.periods import offset_segments
from scheduler.domain.repetition import REPETITION_VERSION, find_repeated_messages
from scheduler.models import Plan, Post, PostCount, RepetitionResult
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.models.functions import epoch_seconds
from scheduler.services import runtime
from scheduler.services.unit_of_work import unit_of_work

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
                PostCount.bucket >= _bucket(start),
                PostCount.bucket < _bucket(end),
            )
            .group_by(PostCount.channel, local_day)
        ).all()
        for channel, day, posts, on_theme, published, bumps in rows:
            tallies[channel].add(int(day) - first_day, int(posts), int(on_theme), int(published))
            revision += int(bumps)
    return RollupReading(tallies, revision)


BUCKET_SECONDS = 900  # the rollup's bucket: a UTC quarter hour (every offset in use is a multiple of it)
BUCKETS_PER_DAY = 86400 // BUCKET_SECONDS


def _bucket(instant: datetime) -> int:
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


def counted_posts(plan: Plan) -> list[PostFacts]:
    """Only the columns that are needed, only the posts that can count: this runs over 100k+ rows."""
    start, end = plan_utc_bounds(plan)
    columns = [
        Post.id,
        Post.channel,
        Post.scheduled_at,
        Post.status,
        Post.on_theme,
        Post.adapted_from_post_id,
        Post.source_item_id,
        Post.title,
        Post.body,
    ]
    rows = db.session.execute(select(*columns).where(*counted_filter(plan, start, end))).all()
    return [
        PostFacts(
            id=row.id,
            channel=row.channel,
            scheduled_at=row.scheduled_at,
            status=row.status,
            on_theme=bool(row.on_theme),
            adapted_from_post_id=row.adapted_from_post_id,
            source_item_id=row.source_item_id,
            text=f"{row.title or ''}\n{row.body or ''}".strip(),
        )
        for row in rows
    ]


def compliance(plan: Plan, with_repetition: bool = True) -> dict:
    facts, commitments = plan_facts(plan), commitment_facts(plan)
    rollup = read_rollup(plan, facts, commitments)  # before the posts: see repeated_messages
    repeated = repeated_messages(plan, facts, commitments, rollup.revision) if with_repetition else []
    return compliance_from_tallies(facts, commitments, rollup.tallies, repeated)


def repeated_messages(plan: Plan, facts: PlanFacts, commitments, revision: int | None) -> list[dict]:
    """The plan's repeated messages: the stored groups while their fingerprint is current, else
    found again (a third of a second at 10k posts, seconds at 100k) and stored.

    Always current, because the revision was read before the posts are: a change committed in
    between makes the stored fingerprint older than the groups (found again next time, never
    served stale), and revisions only grow, so a fingerprint at least as new means nothing changed
    since ours was read.

    Finding them again is single-flight: after an edit, every concurrent reader would otherwise
    repeat the same work at once and each take as long as all of them together. One request holds
    a short Redis lock and finds them; the others wait for its stored result (never for an older
    one), and find them themselves if Redis is away or the wait grows too long.
    """
    if revision is None:
        return find_repeated_messages(counted_posts(plan))
    fingerprint = repetition_fingerprint(facts, commitments, revision)
    deadline = monotonic() + RECOMPUTE_WAIT_SECONDS
    while True:
        groups = current_groups(plan.id, fingerprint)
        if groups is not None:
            return groups
        with recompute_lock(plan.id) as held:
            if held is not False or monotonic() >= deadline:  # ours, no Redis, or waited enough
                groups = current_groups(plan.id, fingerprint) if held else None  # done while we asked?
                return groups if groups is not None else find_and_store(plan, fingerprint)
        sleep(RECOMPUTE_POLL_SECONDS)


RECOMPUTE_LOCK_SECONDS = 60  # the lock's expiry: a request killed while finding frees it by then
RECOMPUTE_WAIT_SECONDS = 5.0  # the longest a request waits for another's result before finding its own
RECOMPUTE_POLL_SECONDS = 0.05


def current_groups(plan_id: int, fingerprint: str) -> list[dict] | None:
    """The stored groups if they are as new as ``fingerprint`` or newer, else None."""
    stored = db.session.execute(
        select(RepetitionResult.fingerprint, RepetitionResult.groups).where(RepetitionResult.plan_id == plan_id)
    ).first()
    if stored is None or not fingerprint_is_current(stored.fingerprint, fingerprint):
        return None
    return stored.groups


def fingerprint_is_current(stored: str, wanted: str) -> bool:
    """Same inputs (the part after the colon) at the same or a later revision (the number before it)."""
    stored_revision, _, stored_inputs = stored.partition(":")
    wanted_revision, _, wanted_inputs = wanted.partition(":")
    return stored_inputs == wanted_inputs and stored_revision.isdigit() and int(stored_revision) >= int(wanted_revision)


def find_and_store(plan: Plan, fingerprint: str) -> list[dict]:
    groups = find_repeated_messages(counted_posts(plan))
    _store_repetition(plan.id, fingerprint, groups)
    return groups


@contextmanager
def recompute_lock(plan_id: int):
    """Yields True while this request holds the plan's recompute lock, False while another does, and
    None when Redis cannot be asked (not running, unreachable): then everyone just computes."""
    connection = lock_connection()
    lock = (
        None
        if connection is None
        else connection.lock(
            runtime.queues().key(f"repetition-recompute:{plan_id}"),
            timeout=RECOMPUTE_LOCK_SECONDS,
        )
    )
    try:
        held = None if lock is None else lock.acquire(blocking=False)
    except RedisError:
        lock = held = None
    try:
        yield held
    finally:
        if held:
            _release(lock)


def lock_connection():
    """The app's Redis, unless it is the embedded server and that is not running (the CLI, say): a
    lock is not worth starting a server for."""
    service = runtime.queues()
    if service.embedded is not None and not service.embedded.socket_path.exists():
        return None
    try:
        return service.connection
    except (RedisError, OSError):
        return None


def _release(lock) -> None:
    """An expired lock (a very slow find) is another's by now, or nobody's: nothing to give back."""
    try:
        lock.release()
    except (LockError, RedisError):
        pass


def repetition_fingerprint(facts: PlanFacts, commitments, revision: int) -> str:
    """Everything detection reads: the counted posts (through the rollup's revisions), which channels
    and which span of time are read, and the detector's own version."""
    start, end = plan_utc_bounds(facts)
    channels = ",".join(sorted(c.channel for c in commitments))
    what = f"{REPETITION_VERSION}|{start.isoformat()}|{end.isoformat()}|{channels}"
    return f"{revision}:{hashlib.sha256(what.encode()).hexdigest()}"


def _store_repetition(plan_id: int, fingerprint: str, groups: list[dict]) -> None:
    """Upserted in a unit of work of its own (reports are read in requests that change nothing else).
    Storing is only a saving: if it fails (a concurrent writer), the groups are still right and are
    returned."""
    values = {"plan_id": plan_id, "fingerprint": fingerprint, "groups": groups, "computed_at": utcnow()}
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(RepetitionResult).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["plan_id"], set_={k: statement.excluded[k] for k in values if k != "plan_id"}
    )
    try:
        with unit_of_work():
            db.session.execute(statement)
    except DBAPIError:
        pass


def as_csv(report: dict) -> str:
    return report_rows_csv(report)


def as_table(report: dict) -> str:
    """A plain-text table for the terminal."""
    header = (
        "channel",
        "committed",
        "posts",
        "published",
        "on theme",
        "coverage",
        "floor",
        "ceiling",
        "met/short/below/one-note",
        "status",
    )
    lines = [header]
    for row in report["channels"]:
        periods = row["periods"]
        coverage = "-" if row["coverage_ratio"] is None else f"{row['coverage_ratio']:.0%}"
        lines.append(
            (
                row["channel"],
                str(row["committed_posts"]),
                str(row["posts"]),
                str(row["published"]),
                str(row["on_theme"]),
                coverage,
                f"{row['floor']:.0%}",
                f"{row['ceiling']:.0%}",
                f"{periods['met']}/{periods['short']}/{periods['below_floor']}/{periods['one_note']}"
                f" of {periods['total']}",
                row["status"],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    ratio = report["theme_coverage_ratio"]
    plan = report["plan"]
    text.insert(
        0,
        f"{plan['name']} ({plan['starts_on']} to {plan['ends_on']}, {plan['timezone']}): "
        f"theme coverage {'-' if ratio is None else f'{ratio:.0%}'}",
    )
    text.append(f"repeated messages: {len(report['repeated_messages'])}")
    for group in report["repeated_messages"]:
        text.append(
            f"  {group['channel']}: posts {', '.join(map(str, group['post_ids']))} "
            f"(similarity {group['similarity']:.2f})"
        )
    return "\n".join(text) + "\n"
