"""The post status machine, guarded in the database.

Every change of status is one ``UPDATE ... WHERE id = :id AND status = :current``: when two
processes race (a worker claiming a post while a manager cancels it), exactly one of them wins and
the other sees that it lost. Each change that happens is written to the post's history. The rules
(which status may go where) are the domain's, in ``domain.statuses``.

A change joins the caller's unit of work: it is committed with the rest of the use case, or rolled
back with it, never on its own. Losing a race changes nothing, so it needs no rollback either: the
caller's other pending changes are untouched and the caller decides.

The statements are Core statements built once per process and kept (see ``_status_update``): a worker
changes two statuses per delivery, and building an ORM ``update()`` each time cost more than running it.
"""

import functools

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from scheduler.domain.statuses import (
    CANCELLED,
    DRAFT,
    EDITABLE,
    FAILED,
    IN_REVIEW,
    PUBLISHED,
    PUBLISHING,
    QUEUED,
    SCHEDULABLE,
    SCHEDULED,
    STATUSES,
    TRANSITIONS,
    UNCONFIRMED,
    sources_of,
)
from scheduler.models import Post, PostEvent
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import audit, events
from scheduler.services.unit_of_work import in_unit_of_work

__all__ = [
    "CANCELLED",
    "DRAFT",
    "EDITABLE",
    "FAILED",
    "IN_REVIEW",
    "PUBLISHED",
    "PUBLISHING",
    "QUEUED",
    "SCHEDULABLE",
    "SCHEDULED",
    "STATUSES",
    "TRANSITIONS",
    "UNCONFIRMED",
    "claim",
    "move",
    "note_in_place",
    "sources_of",
]

_posts, _events = Post.__table__, PostEvent.__table__
_CURRENT_STATUS = select(_posts.c.status).where(_posts.c.id == bindparam("post_id"))
_ATTEMPTS = select(_posts.c.attempts).where(_posts.c.id == bindparam("post_id"))
_HISTORY_ROW = _events.insert().values(
    post_id=bindparam("post_id"),
    at=bindparam("at", type_=_events.c.at.type),
    from_status=bindparam("from_status"),
    to_status=bindparam("to_status"),
    note=bindparam("note"),
)


def move(post_id: int, to: str, allowed_from=None, note: str = "", **values) -> bool:
    """Change a post's status if, and only if, it is still in one of ``allowed_from``, inside the
    caller's unit of work. Returns whether this call made the change (False: another process got
    there first, or the post is elsewhere; nothing was changed)."""
    allowed = (set(allowed_from) if allowed_from is not None else set(sources_of(to))) & sources_of(to)
    connection = _connection()
    if len(allowed) == 1:  # the hot path (a worker's claim and its result): no need to read first
        (current,) = allowed
    else:
        current = connection.execute(_CURRENT_STATUS, {"post_id": post_id}).scalar()
        if current is None or current not in allowed:
            return False
    changed = connection.execute(
        _status_update(tuple(sorted(values))), _update_parameters(post_id, current, to, values)
    )
    if changed.rowcount != 1:
        return False
    _write_history(connection, post_id, current, to, note)
    audit.note_move(post_id, current, to, note)
    _as_written(post_id, {"status": to, **values})
    events.post_moved(post_id, current, to)  # published, failed, unconfirmed, waiting for approval: the webhooks'
    return True


def note_in_place(post_id: int, allowed, note: str, **values) -> str | None:
    """Write ``values`` and a line of history on a post that stays where it is, if, and only if, it is
    still in one of ``allowed`` (a hand-over recorded while a person cancels: the cancel wins, and
    this writes nothing). Returns the status it was noted in, or None."""
    connection = _connection()
    current = connection.execute(_CURRENT_STATUS, {"post_id": post_id}).scalar()
    if current is None or current not in set(allowed):
        return None
    changed = connection.execute(
        _status_update(tuple(sorted(values))), _update_parameters(post_id, current, current, values)
    )
    if changed.rowcount != 1:
        return None
    _write_history(connection, post_id, current, current, note)
    _as_written(post_id, {"status": current, **values})
    return current


def claim(post_id: int, note: str, claimed_at) -> int | None:
    """queued → publishing for a worker about to deliver, inside the caller's unit of work (which the
    worker commits before it delivers). Returns the attempt's number, or None when the post was no
    longer queued (claimed elsewhere, cancelled, rescheduled: nothing to deliver).

    The attempt is counted by the database (``attempts + 1``), not from a row read before the claim, so
    the number is right even if the post was rescheduled meanwhile; where ``UPDATE ... RETURNING`` exists
    (SQLite 3.35+, PostgreSQL) the same statement gives it back, else it is read in the claim's transaction.
    """
    connection = _connection()
    returning = connection.dialect.update_returning
    parameters = _update_parameters(post_id, QUEUED, PUBLISHING, {"claimed_at": claimed_at})
    result = connection.execute(_claim_statement(returning), parameters)
    attempts = (
        result.scalar()
        if returning
        else (connection.execute(_ATTEMPTS, {"post_id": post_id}).scalar() if result.rowcount == 1 else None)
    )
    if attempts is None:
        return None
    _write_history(connection, post_id, QUEUED, PUBLISHING, note)
    _as_written(post_id, {"status": PUBLISHING, "attempts": attempts, "claimed_at": claimed_at})
    return attempts


def _connection():
    """The unit of work's connection, after writing what the session holds for it (an edit saved in
    the same use case must reach the row before its status changes)."""
    if not in_unit_of_work():
        raise RuntimeError("a status change must run inside a unit of work")
    db.session.flush()
    return db.session.connection()


def _as_written(post_id: int, values: dict) -> None:
    """A post loaded in this session shows what the UPDATE wrote, without reading the row again."""
    post = db.session.identity_map.get(identity_key(Post, post_id))
    if post is None:
        return
    for name, value in values.items():
        set_committed_value(post, name, value)
    if "events" in post.__dict__:
        db.session.expire(post, ["events"])


def _write_history(connection, post_id: int, current: str, to: str, note: str) -> None:
    connection.execute(
        _HISTORY_ROW, {"post_id": post_id, "at": utcnow(), "from_status": current, "to_status": to, "note": note[:2000]}
    )


def _update_parameters(post_id: int, current: str, to: str, values: dict) -> dict:
    return {
        "guard_id": post_id,
        "guard_status": current,
        "new_status": to,
        "new_updated_at": utcnow(),
        **{f"new_{name}": value for name, value in values.items()},
    }


def _guarded_update(columns: tuple[str, ...]):
    """``UPDATE posts SET status, updated_at, <columns> WHERE id = :guard_id AND status = :guard_status``,
    every value a named parameter (``new_<column>``: a parameter may not share its column's name)."""
    names = ("status", "updated_at", *columns)
    return (
        _posts.update()
        .where(_posts.c.id == bindparam("guard_id"), _posts.c.status == bindparam("guard_status"))
        .values({name: bindparam(f"new_{name}", type_=_posts.c[name].type) for name in names})
    )


@functools.lru_cache(maxsize=128)
def _status_update(columns: tuple[str, ...]):
    """One statement per set of changed columns, kept: SQLAlchemy then finds its compiled form by identity
    instead of building and hashing a new statement on every change. The callers use a few dozen sets."""
    return _guarded_update(columns)


@functools.lru_cache(maxsize=2)
def _claim_statement(returning: bool):
    statement = _guarded_update(("claimed_at",)).values(attempts=func.coalesce(_posts.c.attempts, 0) + 1)
    return statement.returning(_posts.c.attempts) if returning else statement
