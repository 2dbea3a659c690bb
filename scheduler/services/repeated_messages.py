"""A plan's repeated messages, stored with what they were found from, and found again after an edit.

Detection over a whole plan takes seconds at 100k posts; a report must not. The groups are stored
with a fingerprint (the rollup's revisions, the channels, the span, the detector's version) and
served while it is current. After an edit, they are found again by searching only the 14-day
windows of the quarter hours whose rollup revision changed (``domain.repetition_update``), from the
links and the bucket revisions stored beside the groups (``state``); the whole plan is searched
again only when there is no such state, when the plan's channels or dates changed, when much of
the plan changed at once, or when adaptation chains (lineage) run through the changed posts.
"""

import hashlib
import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from time import monotonic, sleep

import numpy as np
from redis.exceptions import LockError, RedisError
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from scheduler.domain.facts import PlanFacts
from scheduler.domain.repetition import REPETITION_VERSION, WINDOW_DAYS, Links, detect, groups_of
from scheduler.domain.repetition_update import Said, relink
from scheduler.models import Plan, Post, RepetitionResult
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.report_data import (
    BUCKET_SECONDS,
    bucket_of,
    bucket_revisions,
    counted_in_spans,
    counted_posts,
    plan_utc_bounds,
)
from scheduler.services.unit_of_work import unit_of_work

RECOMPUTE_LOCK_SECONDS = 60  # the lock's expiry: a request killed while finding frees it by then
RECOMPUTE_WAIT_SECONDS = 5.0  # the longest a request waits for another's result before finding its own
RECOMPUTE_POLL_SECONDS = 0.05
AROUND_AT_MOST = 0.5  # a search around edits covering more of a channel's span than this searches all
WINDOW = timedelta(days=WINDOW_DAYS)


def repeated_messages(plan: Plan, facts: PlanFacts, commitments, revision: int | None) -> list[dict]:
    """The plan's repeated messages: the stored groups while their fingerprint is current, else
    found again and stored.

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
        return full_search(counted_posts(plan))[0]
    fingerprint = repetition_fingerprint(facts, commitments, revision)
    deadline = monotonic() + RECOMPUTE_WAIT_SECONDS
    while True:
        groups = current_groups(plan.id, fingerprint)
        if groups is not None:
            return groups
        with recompute_lock(plan.id) as held:
            if held is not False or monotonic() >= deadline:  # ours, no Redis, or waited enough
                groups = current_groups(plan.id, fingerprint) if held else None  # done while we asked?
                return groups if groups is not None else find_and_store(plan, commitments, fingerprint)
        sleep(RECOMPUTE_POLL_SECONDS)


def full_search(posts) -> tuple[list[dict], Links]:
    """Detection over every post given (a name of its own: tests count how often it runs)."""
    return detect(posts)


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


def repetition_fingerprint(facts: PlanFacts, commitments, revision: int) -> str:
    """Everything detection reads: the counted posts (through the rollup's revisions), which channels
    and which span of time are read, and the detector's own version."""
    start, end = plan_utc_bounds(facts)
    channels = ",".join(sorted(c.channel for c in commitments))
    what = f"{REPETITION_VERSION}|{start.isoformat()}|{end.isoformat()}|{channels}"
    return f"{revision}:{hashlib.sha256(what.encode()).hexdigest()}"


def find_and_store(plan: Plan, commitments, fingerprint: str) -> list[dict]:
    """Around the edits when the stored state allows it, else everywhere; the bucket revisions are
    read before the posts, so a change committed meanwhile is searched again next time."""
    channels = sorted(c.channel for c in commitments)
    snapshot = bucket_revisions(plan, channels)
    found = _around_the_edits(plan, fingerprint, snapshot)
    if found is None:
        posts = counted_posts(plan)
        groups, links = full_search(posts)
        found = groups, _State.of(snapshot, links, {p.id: p for p in posts})
    groups, state = found
    _store(plan.id, fingerprint, groups, state.packed())
    return groups


@dataclass
class _State:
    """What the groups were found from: each rollup bucket's revision, and each link with its ends'
    channel and bucket at the time (to know which links an edit of a bucket can have changed)."""

    snapshot: dict[tuple[str, int], int]
    links: Links
    channel: np.ndarray  # the links' channels (one per link: both ends share it)
    bucket_a: np.ndarray
    bucket_b: np.ndarray

    @classmethod
    def of(cls, snapshot, links: Links, posts: dict) -> "_State":
        def buckets(ids) -> np.ndarray:
            return np.fromiter((bucket_of(posts[i].scheduled_at) for i in ids.tolist()), np.int64, len(ids))

        channel = np.array([posts[i].channel for i in links.earlier.tolist()], dtype=object)
        return cls(snapshot, links, channel, buckets(links.earlier), buckets(links.later))

    def packed(self) -> bytes:
        names = sorted({name for name, _ in self.snapshot} | set(self.channel.tolist()))
        index = {name: n for n, name in enumerate(names)}
        keys = list(self.snapshot)
        out = io.BytesIO()
        np.savez(  # not compressed: written after every edit, it must be quick more than small
            out,
            names=np.array(names, dtype=str),
            snap_channel=np.array([index[c] for c, _ in keys], dtype=np.int32),
            snap_bucket=np.array([b for _, b in keys], dtype=np.int64),
            snap_revision=np.array(list(self.snapshot.values()), dtype=np.int64),
            earlier=self.links.earlier,
            later=self.links.later,
            similarity=self.links.similarity,
            channel=np.array([index[c] for c in self.channel.tolist()], dtype=np.int32),
            bucket_a=self.bucket_a,
            bucket_b=self.bucket_b,
        )
        return out.getvalue()

    @classmethod
    def unpacked(cls, data: bytes) -> "_State":
        with np.load(io.BytesIO(data), allow_pickle=False) as found:
            names = found["names"].tolist()
            snapshot = dict(
                zip(
                    zip((names[n] for n in found["snap_channel"].tolist()), found["snap_bucket"].tolist()),
                    found["snap_revision"].tolist(),
                )
            )
            links = Links(found["earlier"], found["later"], found["similarity"])
            channel = np.array([names[n] for n in found["channel"].tolist()], dtype=object)
            return cls(snapshot, links, channel, found["bucket_a"], found["bucket_b"])


def _around_the_edits(plan: Plan, fingerprint: str, snapshot) -> tuple[list[dict], _State] | None:
    """The groups from the stored state and a search of the changed buckets' windows; None when the
    whole plan must be searched instead."""
    stored = db.session.execute(
        select(RepetitionResult.fingerprint, RepetitionResult.state).where(RepetitionResult.plan_id == plan.id)
    ).first()
    if stored is None or stored.state is None or stored.fingerprint.partition(":")[2] != fingerprint.partition(":")[2]:
        return None
    state = _State.unpacked(stored.state)
    changed = {key for key in snapshot.keys() | state.snapshot.keys() if snapshot.get(key) != state.snapshot.get(key)}
    spans = _windows(changed)
    start, end = plan_utc_bounds(plan)
    if any(
        sum((high - low for low, high in ranges), timedelta()) > (end - start) * AROUND_AT_MOST
        for ranges in spans.values()
    ):
        return None
    region = counted_in_spans(plan, spans) if spans else []
    changed_posts = {post_id for post_id, channel, bucket, _, _ in region if (channel, bucket) in changed}
    was_there = np.array(
        [
            (c, a) in changed or (c, b) in changed
            for c, a, b in zip(state.channel.tolist(), state.bucket_a.tolist(), state.bucket_b.tolist())
        ],
        dtype=bool,
    )
    changed_posts |= set(state.links.earlier[was_there].tolist()) | set(state.links.later[was_there].tolist())
    if any(lineage for *_, lineage in region) or _adapted_from(changed_posts):
        return None
    said = [Said(post_id, channel, text) for post_id, channel, _, text, _ in region]
    links = relink(state.links, changed_posts, said, lambda ids: counted_posts(plan, ids))
    known = {int(i): (c, int(b)) for i, c, b in zip(state.links.earlier, state.channel, state.bucket_a)}
    known.update({int(i): (c, int(b)) for i, c, b in zip(state.links.later, state.channel, state.bucket_b)})
    known.update({post_id: (channel, bucket) for post_id, channel, bucket, _, _ in region})
    channel_of = {i: c for i, (c, _) in known.items()}
    new_state = _State(
        snapshot,
        links,
        np.array([channel_of[i] for i in links.earlier.tolist()], dtype=object),
        np.fromiter((known[i][1] for i in links.earlier.tolist()), np.int64, len(links)),
        np.fromiter((known[i][1] for i in links.later.tolist()), np.int64, len(links)),
    )
    return groups_of(links, channel_of), new_state


def _windows(changed) -> dict[str, list[tuple]]:
    """Per channel, the merged spans within the repetition window of a changed bucket."""
    spans: dict[str, list[tuple]] = {}
    for channel, bucket in sorted(changed):
        low = datetime.fromtimestamp(bucket * BUCKET_SECONDS, timezone.utc) - WINDOW
        high = datetime.fromtimestamp((bucket + 1) * BUCKET_SECONDS, timezone.utc) + WINDOW
        ranges = spans.setdefault(channel, [])
        if ranges and low <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], high))
        else:
            ranges.append((low, high))
    return spans


def _adapted_from(changed_posts: set[int]) -> bool:
    """Whether a post anywhere was adapted from a changed one, or a changed one belongs to a set (one
    idea for several channels): its links elsewhere in the plan may depend on the changed post (reuse is
    decided along adaptation chains and sets), so everything is searched."""
    if not changed_posts:
        return False
    changed = sorted(changed_posts)
    return (
        db.session.scalar(
            select(Post.id)
            .where(or_(Post.adapted_from_post_id.in_(changed), and_(Post.id.in_(changed), Post.set_id.is_not(None))))
            .limit(1)
        )
        is not None
    )


@contextmanager
def recompute_lock(plan_id: int):
    """Yields True while this request holds the plan's recompute lock, False while another does, and
    None when Redis cannot be asked (not running, unreachable): then everyone just computes."""
    connection = lock_connection()
    lock = (
        None
        if connection is None
        else connection.lock(runtime.queues().key(f"repetition-recompute:{plan_id}"), timeout=RECOMPUTE_LOCK_SECONDS)
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


def _store(plan_id: int, fingerprint: str, groups: list[dict], state: bytes) -> None:
    """Upserted in a unit of work of its own (reports are read in requests that change nothing else).
    Storing is only a saving: if it fails (a concurrent writer), the groups are still right and are
    returned."""
    values = {"plan_id": plan_id, "fingerprint": fingerprint, "groups": groups, "state": state, "computed_at": utcnow()}
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
