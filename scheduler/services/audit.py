"""The audit trail: every change to what the team works on, with who made it, when, and what changed.

Changes are caught where they all pass, the session's flush, rather than by each use case
remembering to write a line: a new service that edits a plan is audited without a line of its own.
For each audited object the flush is about to write, the changed columns' before and after values are
recorded (secrets only as "changed"); the person is whoever the shell said is acting
(``services.actor``). Status moves are guarded UPDATEs that skip the session's objects, so
``lifecycle.move`` notes them itself (``note``). The rows are written in the same transaction as the
change: a change that rolls back leaves no line, and no change is kept without its line.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from scheduler.domain.language import N_, _
from scheduler.models import (
    AuditEvent,
    ChannelAccount,
    Commitment,
    Contest,
    Feed,
    Kpi,
    MediaFile,
    Plan,
    Post,
    PostSet,
    StyleEntry,
    User,
    Webhook,
)
from scheduler.models.database import db
from scheduler.services import actor, clock
from scheduler.services.errors import Invalid

# what each audited class is called in the trail, and the columns not worth a line (derived or noisy)
AUDITED = {
    Post: ("post", {"updated_at", "claimed_at", "attempts", "problems", "theme_matched", "created_at", "set_digest"}),
    Plan: ("plan", {"updated_at", "created_at"}),
    Commitment: ("commitment", set()),
    StyleEntry: ("style entry", {"updated_at", "created_at", "body_text", "search_title", "search_body", "version"}),
    ChannelAccount: ("account", {"updated_at", "created_at", "status_message"}),
    User: ("person", {"created_at", "last_sign_in_at", "session_epoch"}),
    Feed: ("feed", {"last_error", "status", "etag", "modified", "last_checked_at", "next_check_at"}),
    Kpi: ("indicator", {"updated_at", "created_at", "key", "alerted_at"}),
    Contest: ("contest", {"updated_at", "created_at", "result", "frozen_at"}),
    PostSet: ("post set", {"updated_at", "created_at"}),
    MediaFile: ("media", {"updated_at", "created_at"}),
    Webhook: ("webhook", {"updated_at", "created_at"}),
}
SECRET_COLUMNS = {"secrets", "password_hash", "totp_secret", "digest", "secret_sealed"}
OBJECT_TYPES = tuple(sorted({name for name, _skip in AUDITED.values()} | {"token"}))
_PENDING = "refrain.audit.pending"
# the trail's own words, kept in English in its rows (the API gives them as they are) and shown to
# people in their language (``in_words``): the kinds of objects, and the notes Refrain writes
WORDS = frozenset(
    {
        *(N_("post"), N_("plan"), N_("commitment"), N_("style entry"), N_("account"), N_("person")),
        *(N_("feed"), N_("indicator"), N_("contest"), N_("post set"), N_("media"), N_("token")),
        *(N_("turned off by an owner"), N_("(secret)"), N_("webhook")),
    }
)
# each action as a line of the trail says it: who did it, to what ("Olive created post #3"); an action
# not named here reads as it is written
SENTENCES = {
    "created": N_("%(who)s created %(what)s"),
    "changed": N_("%(who)s changed %(what)s"),
    "deleted": N_("%(who)s deleted %(what)s"),
    "status": N_("%(who)s status %(what)s"),
    "tested": N_("%(who)s tested %(what)s"),
    "password set": N_("%(who)s password set %(what)s"),
    "two-step sign-in on": N_("%(who)s two-step sign-in on %(what)s"),
    "two-step sign-in off": N_("%(who)s two-step sign-in off %(what)s"),
    "token created": N_("%(who)s token created %(what)s"),
    "token revoked": N_("%(who)s token revoked %(what)s"),
    "calendar link created": N_("%(who)s calendar link created %(what)s"),
    "calendar link renewed": N_("%(who)s calendar link renewed %(what)s"),
    "calendar link revoked": N_("%(who)s calendar link revoked %(what)s"),
    "approved": N_("%(who)s approved %(what)s"),
    "asked for changes": N_("%(who)s asked for changes %(what)s"),
}


def sentence_of(action: str) -> str | None:
    """The sentence (to translate, then fill with ``who`` and ``what``) a line of the trail says its action in."""
    return SENTENCES.get(action)


def in_words(value):
    """One of the trail's own words (an action, a kind of object) in the reader's language; anything
    else (a person's name, a comment, a value) as it is."""
    return _(value) if isinstance(value, str) and value in WORDS else value


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value[:500] if isinstance(value, str) else value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value][:50]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in list(value.items())[:50]}
    return str(value)[:500]


def _changes(obj, skip: set[str], action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for column in state.mapper.column_attrs:
        name = column.key
        if name in skip or name == "id":
            continue
        history = state.attrs[name].history
        if action == "created":
            after = getattr(obj, name)
            if after in (None, "", [], {}):
                continue
            before = None
        elif action == "deleted":
            before, after = getattr(obj, name), None
        else:
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        if name in SECRET_COLUMNS:
            changes[name] = ["(secret)" if before else None, "(secret)" if after else None]
        else:
            changes[name] = [_plain(before), _plain(after)]
    return changes


def _row(action: str, object_type: str, object_id, changes: dict, summary: str = "") -> dict:
    who = actor.current()
    return {
        "at": clock.now(),
        "actor_id": who.id,
        "actor_name": who.name[:254],
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary[:300],
        "changes": changes,
    }


def _collect(session: Session, _context, _instances) -> None:
    """Before the flush: what each audited object is about to become (history is still there)."""
    pending = session.info.setdefault(_PENDING, [])
    for action, objects in (("created", session.new), ("changed", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            audited = AUDITED.get(type(obj))
            if audited is None or (action == "changed" and not session.is_modified(obj, include_collections=False)):
                continue
            name, skip = audited
            changes = _changes(obj, skip, action)
            if changes or action != "changed":
                pending.append((obj, action, name, changes))


def _write(session: Session, _context) -> None:
    """After the flush: new objects have their ids now; the lines go in with the same transaction."""
    pending = session.info.pop(_PENDING, [])
    rows = [
        _row(action, name, inspect(obj).mapper.primary_key_from_instance(obj)[0], changes)
        for obj, action, name, changes in pending
    ]
    if rows:
        _insert(session, rows)


event.listen(Session, "before_flush", _collect)
event.listen(Session, "after_flush", _write)


def _insert(session, rows: list[dict]) -> None:
    """Core inserts on the unit's connection: allowed during a flush, and they skip the flush hooks."""
    session.connection().execute(insert(AuditEvent.__table__), rows)


def note(action: str, obj, changes: dict, summary: str = "") -> None:
    """A line of the use case's own (a status move, a password set, an approval), in its transaction."""
    name = AUDITED[type(obj)][0] if type(obj) in AUDITED else type(obj).__name__.lower()
    _insert(db.session, [_row(action, name, getattr(obj, "id", None), _plain(changes), summary)])


def note_move(post_id: int, before: str, after: str, note_text: str = "") -> None:
    """A post's status move, when a person made it (a worker's moves are in the post's own history)."""
    if actor.current().is_person:
        _insert(db.session, [_row("status", "post", post_id, {"status": [before, after]}, note_text)])


def since_of(text: str | None, time_zone: str = "UTC") -> datetime | None:
    """The moment a ``since`` filter names: a time with its offset, or a bare date from its start on the
    clock of ``time_zone``; Invalid (field ``since``) for anything else."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            {"since": _("must be a date or time in ISO 8601 (2026-12-01 or 2026-12-01T09:00:00+01:00)")}
        ) from None
    if moment.tzinfo is None:
        if "T" in text or " " in text:
            raise Invalid({"since": _("needs an offset (2026-12-01T09:00:00+01:00 or Z)")})
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment


def events(
    *,
    since: datetime | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if object_type is not None:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query))


def as_dict(event_row: AuditEvent) -> dict:
    return {
        "id": event_row.id,
        "at": event_row.at.isoformat(),
        "actor": {"id": event_row.actor_id, "name": event_row.actor_name},
        "action": event_row.action,
        "object": {"type": event_row.object_type, "id": event_row.object_id},
        "summary": event_row.summary,
        "changes": event_row.changes,
    }
