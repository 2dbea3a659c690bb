"""From a pattern to guidance: the style guide's script for a channel and kind of interaction, and how the
pattern moved once the script was written.

A script answers one pattern (``script_patterns``: a channel and a kind), set on the script itself
(``pattern`` in the style entry's fields, read by ``services.style`` through ``read_pattern``). The
pattern report then says, for each flagged pattern, whether a script exists ("refund requests by
email: 23 negative this month, no script yet"), and the style guide says, on each script, the
pattern's negative share in the days before it was written and in as many days since (at most
``MOVES_DAYS``), with the counts: the team sees whether its words helped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

from sqlalchemy import case, func, select

from scheduler.domain import formats, language
from scheduler.domain.interaction_patterns import Pattern, compare_periods
from scheduler.domain.language import N_, _, ngettext
from scheduler.domain.text import has_cjk
from scheduler.models import Interaction, ScriptPattern, StyleEntry
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services import interactions as store
from scheduler.services.validation import Reader

UNCHANGED = object()
MOVES_DAYS = 90
CHANNEL_PHRASES = {
    "email_support": N_("by email"),
    "phone": N_("by phone"),
    "chat": N_("on chat"),
    "in_person": N_("in person"),
}
# the window's days, as the sentence says them ("from 1 Oct to 31 Dec 2031")
FIRST_DAY = ("d MMM", "MMMd", "")
LAST_DAY = ("d MMM y", "yMMMd", "")


# --- a script's pattern, as the style guide saves it ------------------------------------------------


def read_pattern(reader: Reader, kind: str):
    """``pattern`` of a style entry's fields: ``{channel, kind}``, null to unlink, or absent (UNCHANGED)."""
    if not reader.has("pattern"):
        return UNCHANGED if kind == "script" else None
    value = reader.data.get("pattern")
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        reader.fail("pattern", _("must be an object {channel, kind}, or null"))
        return UNCHANGED
    if kind != "script":
        reader.fail("pattern", _("only a script answers a pattern of interactions"))
        return UNCHANGED
    channel, kind_name = value.get("channel"), value.get("kind")
    problem = store.why_unknown_channel(channel)
    if problem:
        reader.fail("pattern", _("channel %(problem)s", problem=problem))
        return UNCHANGED
    found = store.kind_named(kind_name)
    if found is None:
        kinds = ", ".join(k.name for k in store.list_kinds())
        reader.fail("pattern", _("kind must be one of the team's kinds: %(kinds)s", kinds=kinds))
        return UNCHANGED
    return (channel, found.id)


def keep_pattern(entry: StyleEntry, wanted) -> bool:
    """Links the script to ``(channel, kind_id)`` (or unlinks it for None); whether anything changed."""
    if wanted is UNCHANGED:
        return False
    with db.session.no_autoflush:
        link = db.session.get(ScriptPattern, entry.id) if entry.id is not None else None
    if wanted is None:
        if link is None:
            return False
        db.session.delete(link)
    elif link is None:
        db.session.add(ScriptPattern(entry_id=entry.id, channel=wanted[0], kind_id=wanted[1], linked_at=clock.now()))
    elif (link.channel, link.kind_id) != wanted:
        link.channel, link.kind_id, link.linked_at = wanted[0], wanted[1], clock.now()
    else:
        return False
    db.session.flush()
    db.session.expire(entry, ["pattern"])
    return True


def pattern_of(entry: StyleEntry) -> dict | None:
    link = entry.pattern
    return None if link is None else {"channel": link.channel, "kind": link.kind.name}


# --- the words of guidance ---------------------------------------------------------------------------


def plural(name: str) -> str:
    """'refund requests', 'complaints', 'inquiries'; a Chinese name as it is, and any name as it is
    where the sentence is not in English (the team's kinds are its own words, in its own language)."""
    if has_cjk(name) or not name or language.code() != language.DEFAULT:
        return name
    if name.endswith(("s", "x", "z", "ch", "sh")):
        return name + "es"
    if name.endswith("y") and name[-2:-1] not in "aeiou":
        return name[:-1] + "ies"
    return name + "s"


def on_channel(channel: str) -> str:
    if channel in CHANNEL_PHRASES:
        return _(CHANNEL_PHRASES[channel])
    return _("on %(channel)s", channel=store.channel_label(channel))


def kinds_on_channel(kind: str, channel: str) -> str:
    """'refund requests by email', 'complaints on Mastodon'."""
    return _("%(kinds)s %(where)s", kinds=plural(kind), where=on_channel(channel))


def window_words(since: date, until: date, today: date) -> str:
    """'this month', 'this quarter', 'in the last 90 days', 'from 1 Oct to 31 Dec 2031'."""
    if until == today:
        if since == today.replace(day=1):
            return _("this month")
        if since == date(today.year, 3 * ((today.month - 1) // 3) + 1, 1):
            return _("this quarter")
        return _("in the last %(days)s days", days=(until - since).days + 1)
    return _("from %(since)s to %(until)s", since=formats.day(since, FIRST_DAY), until=formats.day(until, LAST_DAY))


@dataclass(frozen=True)
class Guidance:
    sentence: str
    script: StyleEntry | None
    title: str  # a new script's title: "Refund requests by email"


def scripts_by_pattern() -> dict[tuple[str, str], StyleEntry]:
    """The newest script of each (channel, kind name) pattern."""
    rows = db.session.execute(
        select(ScriptPattern, StyleEntry)
        .join(StyleEntry, StyleEntry.id == ScriptPattern.entry_id)
        .where(StyleEntry.deleted_at.is_(None), StyleEntry.kind == "script")
        .order_by(StyleEntry.created_at)
    ).all()
    return {(link.channel, link.kind.name): entry for link, entry in rows}


def guidance(patterns: list[Pattern], since: date, until: date) -> dict[tuple[str, str], Guidance]:
    """For each pattern: the sentence that says it, and its script when it has one."""
    scripts, today = scripts_by_pattern(), clock.now().date()
    words = window_words(since, until, today)
    found = {}
    for p in patterns:
        script = scripts.get((p.channel, p.kind))
        state = _("script: “%(title)s”", title=script.title) if script is not None else _("no script yet")
        said = kinds_on_channel(p.kind, p.channel)
        sentence = ngettext(
            "%(what)s: %(num)d negative %(window)s, %(state)s",
            "%(what)s: %(num)d negative %(window)s, %(state)s",
            p.negative,
            what=said,
            window=words,
            state=state,
        )
        found[(p.channel, p.kind)] = Guidance(sentence, script, said[:1].upper() + said[1:])
    return found


# --- how a pattern moved since its script ---------------------------------------------------------------


def _counts(channel: str, kind_id: int, first: date, last: date) -> tuple[int, int]:
    if last < first:
        return (0, 0)
    negative = func.sum(case((Interaction.negative, 1), else_=0))
    count, bad = db.session.execute(
        select(func.count(), negative).where(
            Interaction.occurred_on >= first,
            Interaction.occurred_on <= last,
            Interaction.channel == channel,
            Interaction.kind_id == kind_id,
        )
    ).one()
    return (count or 0, int(bad or 0))


def pattern_moves(entry: StyleEntry) -> dict | None:
    """The pattern's negative share before the script was written and since, over equal spans of days."""
    link = entry.pattern
    if link is None or entry.created_at is None:
        return None
    written = entry.created_at.astimezone(timezone.utc).date()
    today = clock.now().date()
    days = min(MOVES_DAYS, max(1, (today - written).days + 1))
    after = (written, written + timedelta(days=days - 1))
    before = (written - timedelta(days=days), written - timedelta(days=1))
    moves = compare_periods(_counts(link.channel, link.kind_id, *before), _counts(link.channel, link.kind_id, *after))
    moves["before"] |= {"from": before[0].isoformat(), "to": before[1].isoformat()}
    moves["after"] |= {"from": after[0].isoformat(), "to": after[1].isoformat()}
    moves["pattern"] = {"channel": link.channel, "kind": link.kind.name}
    moves["words"] = kinds_on_channel(link.kind.name, link.channel)
    return moves
