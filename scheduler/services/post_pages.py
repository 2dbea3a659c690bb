"""The posts list: its filters, its pages (found by cursor, ``domain.keyset``), and every post a filter
matches, for a bulk action or an export.

A page is one or two index range scans, whatever its depth: the rows of the current segment beyond the
cursor, then, if the page is not full, the first rows of the next segment. The indexes that serve them
(migration 0017) lead with the plan, then the sort's column, the time and the id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, column, func, or_, select, text, tuple_

from scheduler.domain import keyset
from scheduler.domain.keyset import SEGMENTS, TIMED, Cursor
from scheduler.domain.language import _
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import lifecycle
from scheduler.services.errors import Malformed
from scheduler.services.validation import Reader

PAGE_SIZES = (25, 50, 100, 200)
COUNTED_UP_TO = 10_000  # the list's "N matching": exact up to this, "more than" beyond
DEFAULT_SIZE = 50
FILTER_NAMES = ("plan_id", "channel", "status", "author_id", "q", "from", "to")


@dataclass(frozen=True)
class Filters:
    plan_id: int | None = None
    channel: str | None = None
    statuses: tuple[str, ...] = ()
    author_id: int | None = None
    text: str = ""  # in the title or the body, case aside
    start: datetime | None = None  # scheduled at or after
    end: datetime | None = None  # scheduled before

    def as_args(self) -> dict:
        """The filters as a list's address (or the API's ``filter`` object) gives them."""
        args = {
            "plan_id": self.plan_id,
            "channel": self.channel,
            "status": ",".join(self.statuses) or None,
            "author_id": self.author_id,
            "q": self.text or None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }
        return {name: value for name, value in args.items() if value is not None}


@dataclass(frozen=True)
class Page:
    posts: list
    next: str | None  # the cursor of the page after this one (``after=``), None on the last page
    previous: str | None  # the cursor of the page before (``before=``), None on the first page
    sort: str
    direction: str
    size: int


def read_filters(args) -> Filters:
    """The filters of a list's address or of the API's ``filter``; Malformed naming each bad one."""
    reader = Reader({name: value for name, value in dict(args).items() if value not in (None, "")})
    plan_id = reader.integer("plan_id", minimum=1, required=False)
    channel = reader.text("channel", required=False, max_length=40) or None
    statuses: tuple[str, ...] = ()
    if reader.has("status"):
        raw = reader.data["status"]
        given = raw if isinstance(raw, list) else str(raw).split(",")
        statuses = tuple(dict.fromkeys(str(s).strip() for s in given if str(s).strip()))
        bad = [s for s in statuses if s not in lifecycle.STATUSES]
        if bad:
            reader.fail(
                "status",
                _(
                    "unknown status %(status)s; known: %(known)s",
                    status=repr(bad[0]),
                    known=", ".join(lifecycle.STATUSES),
                ),
            )
    author_id = reader.integer("author_id", minimum=1, required=False)
    text = reader.text("q", required=False, max_length=200)
    start = reader.instant("from", required=False) if reader.has("from") else None
    end = reader.instant("to", required=False) if reader.has("to") else None
    if reader.errors:
        raise Malformed(reader.errors)
    return Filters(plan_id, channel, statuses, author_id, text, start, end)


def read_order(args) -> tuple[str, str, int]:
    """The sort (time, channel or status), its direction (desc: newest or last first) and the page size."""
    reader = Reader({name: value for name, value in dict(args).items() if value not in (None, "")})
    sort = reader.choice("sort", tuple(keyset.SORTS), required=False, default="time")
    direction = reader.choice("dir", keyset.DIRECTIONS, required=False, default="desc")
    size = reader.integer("size", minimum=1, maximum=max(PAGE_SIZES), required=False, default=DEFAULT_SIZE)
    if reader.errors:
        raise Malformed(reader.errors)
    return sort, direction, size


def conditions(filters: Filters) -> list:
    found = []
    if filters.plan_id is not None:
        found.append(Post.plan_id == filters.plan_id)
    if filters.channel:
        found.append(Post.channel == filters.channel)
    if filters.statuses:
        found.append(Post.status.in_(filters.statuses))
    if filters.author_id is not None:
        found.append(Post.author_id == filters.author_id)
    if filters.text:
        found.append(_words(filters.text))
    if filters.start is not None:
        found.append(Post.scheduled_at >= filters.start)
    if filters.end is not None:
        found.append(Post.scheduled_at < filters.end)
    return found


def _words(words: str):
    """Posts whose title or text holds ``words``, case aside: from the trigram index where there is one
    (SQLite: ``posts_fts``, migration 0017), else by reading each post (``ILIKE``)."""
    if len(words) >= 3 and _trigram_index():
        phrase = '"' + words.replace('"', '""') + '"'  # a phrase: every character as typed
        found = text("SELECT rowid FROM posts_fts WHERE posts_fts MATCH :words").bindparams(words=phrase)
        return Post.id.in_(found.columns(column("rowid", Integer)))
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Post.title.ilike(pattern, escape="\\"), Post.body.ilike(pattern, escape="\\"))


def _trigram_index() -> bool:
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    return bool(db.session.scalar(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'posts_fts'")))


def count(filters: Filters, most: int | None = None) -> int:
    """How many posts the filters match; with ``most``, counted only up to one more than it (the list says
    "more than 10,000": counting a plan's 100,000 posts on every page would cost more than the page)."""
    query = select(Post.id).where(*conditions(filters))
    if most is not None:
        query = query.limit(most + 1)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def page(
    filters: Filters,
    sort: str = "time",
    direction: str = "desc",
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = DEFAULT_SIZE,
) -> Page:
    """The page after the cursor ``after`` (the first page without one), or the one before ``before``
    (``before="end"``: the last page)."""
    where = conditions(filters)
    try:
        if before:
            start = None if before == "end" else keyset.decode(before, sort, direction)
            rows = _walk(where, sort, direction, start, size + 1, backward=True)
            more_before, rows = len(rows) > size, rows[:size]
            rows.reverse()
            more_after = bool(rows) and start is not None and _beyond(where, sort, direction, rows[-1])
        else:
            start = keyset.decode(after, sort, direction) if after else None
            rows = _walk(where, sort, direction, start, size + 1, backward=False)
            more_after, rows = len(rows) > size, rows[:size]
            more_before = bool(rows) and start is not None and _beyond(where, sort, direction, rows[0], backward=True)
    except ValueError as error:
        raise Malformed({"before" if before else "after": str(error)}) from None
    cursor = lambda post: keyset.encode(keyset.cursor_of(sort, direction, post))
    return Page(
        rows,
        next=cursor(rows[-1]) if rows and more_after else None,
        previous=cursor(rows[0]) if rows and more_before else None,
        sort=sort,
        direction=direction,
        size=size,
    )


def each_matching(filters: Filters, sort: str = "time", direction: str = "desc", batch: int = 500) -> Iterator[Post]:
    """Every post the filters match, in the list's order, read a batch at a time (an export of 100,000
    posts never holds them all); the session lets go of each batch once it is read."""
    where, start = conditions(filters), None
    while True:
        rows = _walk(where, sort, direction, start, batch, backward=False)
        yield from rows
        if len(rows) < batch:
            return
        start = keyset.cursor_of(sort, direction, rows[-1])
        for post in rows:
            db.session.expunge(post)


def matching_ids(filters: Filters, most: int) -> list[int]:
    """The ids of the posts the filters match, in the list's default order, ``most`` at most."""
    query = select(Post.id).where(*conditions(filters)).order_by(Post.scheduled_at.desc(), Post.id.desc())
    return list(db.session.scalars(query.limit(most)))


def _walk(where: list, sort: str, direction: str, start: Cursor | None, limit: int, backward: bool) -> list:
    """Up to ``limit`` posts from ``start`` (excluded) on, across the segments, forward or backward."""
    segments = list(reversed(SEGMENTS)) if backward else list(SEGMENTS)
    if start is not None:
        segments = segments[segments.index(start.segment) :]
    rows: list = []
    for segment in segments:
        beyond = start.key if start is not None and segment == start.segment else None
        query = _segment(where, sort, direction, segment, beyond, backward)
        rows.extend(db.session.scalars(query.limit(limit - len(rows))))
        if len(rows) >= limit:
            break
    return rows


def _beyond(where: list, sort: str, direction: str, post, backward: bool = False) -> bool:
    """Whether any post lies after ``post`` in the list (before it, ``backward``)."""
    return bool(_walk(where, sort, direction, keyset.cursor_of(sort, direction, post), 1, backward))


def _segment(where: list, sort: str, direction: str, segment: int, beyond: tuple | None, backward: bool):
    columns = [getattr(Post, name) for name in keyset.key_columns(sort, segment)]
    timed = Post.scheduled_at.is_not(None) if segment == TIMED else Post.scheduled_at.is_(None)
    query = select(Post).where(*where, timed)
    descending = (direction == "desc") != backward
    if beyond is not None:
        row = tuple_(*columns)
        values = tuple_(*(bindparam(None, value, type_=column.type) for column, value in zip(columns, beyond)))
        query = query.where(row < values if descending else row > values)
    return query.order_by(*(column.desc() if descending else column.asc() for column in columns))
