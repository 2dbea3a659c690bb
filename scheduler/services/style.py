"""The style guide: entries and their versions, instant lookups, and the library's top performers
shown as examples (the linter every draft goes through is ``style_checks``).

Lookups use the database's own full-text index (FTS5 on SQLite, a tsvector on PostgreSQL) over text
normalised here the same way for both (``domain.search_text``), so "ete" finds "l'été" and "优惠"
finds "夏季优惠活动" whichever database runs.
"""

from sqlalchemy import func, select, text

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.domain.search_text import MAX_QUERY_TERMS, fts5_match, index_text, query_terms, tsquery
from scheduler.domain.style_lint.rules import MAX_PATTERN_RULES, InvalidPattern, check_rule
from scheduler.infra.sanitise import html_to_text, render_markdown
from scheduler.models import StyleEntry, StyleEntryVersion
from scheduler.models.database import db
from scheduler.services import actor, guidance, style_vocabulary
from scheduler.services.clock import now
from scheduler.services.errors import NotFound
from scheduler.services.highlight import highlight
from scheduler.services.style_checks import forget_guide_stamp, term_rule
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader, is_id

KINDS = ("script", "guideline", "example", "term_rule", "topic")
RULES = ("term", "disclosure")
SEVERITIES = ("error", "warning")
BODY_LIMIT = 50_000
SEARCH_LIMIT = 20
SNIPPET_SOURCE = 4000  # characters of an entry's text searched for the snippet's words
VERSIONED = (
    "kind",
    "channel",
    "title",
    "body",
    "avoid",
    "prefer",
    "is_pattern",
    "severity",
    "rule",
    "requires",
    "triggers",
    "keywords",
)


def get_entry(entry_id) -> StyleEntry:
    entry = db.session.get(StyleEntry, entry_id) if is_id(entry_id) else None
    if entry is None or entry.deleted_at is not None:
        raise NotFound("style entry", _("style entry %(id)s not found", id=entry_id))
    return entry


def list_entries(kind: str | None = None, channel: str | None = None) -> list[StyleEntry]:
    query = select(StyleEntry).where(StyleEntry.deleted_at.is_(None)).order_by(StyleEntry.kind, StyleEntry.title)
    if kind:
        query = query.where(StyleEntry.kind == kind)
    if channel:
        query = query.where((StyleEntry.channel == channel) | StyleEntry.channel.is_(None))
    return list(db.session.scalars(query))


@unit_of_work
def create_entry(data, author: str = "") -> StyleEntry:
    entry = StyleEntry(version=1, triggers=[], keywords=[], created_at=now())  # the app's clock: "written on"
    pattern = _apply(entry, Reader(data), partial=False)
    entry.updated_by = _author(author)
    db.session.add(entry)
    db.session.flush()
    guidance.keep_pattern(entry, pattern)
    _keep_version(entry, "create")
    after_commit(forget_guide_stamp)
    return entry


@unit_of_work
def update_entry(entry: StyleEntry, data, author: str = "") -> StyleEntry:
    pattern = _apply(entry, Reader(data), partial=True)
    modified = db.session.is_modified(entry)  # before the pattern's query flushes the entry
    linked = guidance.keep_pattern(entry, pattern)
    if not modified:
        return entry if not linked else _touched(entry)
    entry.version += 1
    entry.updated_by = _author(author)
    _keep_version(entry, "edit")
    after_commit(forget_guide_stamp)
    return entry


@unit_of_work
def delete_entry(entry: StyleEntry, author: str = "") -> None:
    """Gone from the guide and the linter, kept in the history."""
    entry.deleted_at = now()
    entry.version += 1
    entry.updated_by = _author(author)
    _keep_version(entry, "delete")
    after_commit(forget_guide_stamp)


def _touched(entry: StyleEntry) -> StyleEntry:
    """Only the script's pattern changed: the entry's time says so, without a new version of its text."""
    entry.updated_at = now()
    return entry


def _author(author: str) -> str:
    """The signed-in person when one acts (never a name from the request); else what Refrain's own
    work calls itself (the demo's entries are "demo", so the next demo finds and replaces them)."""
    who = actor.current()
    if who.is_person:
        return who.name[:100]
    return (author or "").strip()[:100] or who.name


def _keep_version(entry: StyleEntry, action: str) -> None:
    db.session.add(
        StyleEntryVersion(
            entry_id=entry.id,
            version=entry.version,
            author=entry.updated_by,
            action=action,
            data={name: getattr(entry, name) for name in VERSIONED},
        )
    )


def versions(entry: StyleEntry) -> list[StyleEntryVersion]:
    return list(
        db.session.scalars(
            select(StyleEntryVersion)
            .where(StyleEntryVersion.entry_id == entry.id)
            .order_by(StyleEntryVersion.version.desc())
        )
    )


def _apply(entry: StyleEntry, reader: Reader, partial: bool):
    """Reads the fields into the entry; returns the script's pattern (``guidance.read_pattern``)."""

    def wanted(name):
        return not partial or reader.has(name)

    if wanted("kind"):
        entry.kind = reader.choice("kind", KINDS)
    if wanted("channel"):
        channel = reader.data.get("channel") or None
        if channel is not None and channel_registry.why_unknown(channel):
            reader.fail(
                "channel", _("%(problem)s, or null for every channel", problem=channel_registry.why_unknown(channel))
            )
        entry.channel = channel
    if wanted("title"):
        entry.title = reader.text("title", max_length=300)
    if wanted("body"):
        entry.body = reader.text("body", required=False, max_length=BODY_LIMIT)
    for name, limit in (("avoid", 2000), ("prefer", 300), ("requires", 100)):
        if reader.has(name):
            setattr(entry, name, reader.text(name, required=False, max_length=limit))
    if reader.has("is_pattern"):
        entry.is_pattern = _boolean(reader, "is_pattern")
    if reader.has("severity"):
        entry.severity = reader.choice("severity", SEVERITIES)
    elif entry.id is None:  # a new rule: a missing disclosure blocks, a word to avoid warns
        entry.severity = "error" if reader.data.get("rule") == "disclosure" else "warning"
    if reader.has("rule"):
        entry.rule = reader.choice("rule", RULES)
    for name in ("triggers", "keywords"):
        if reader.has(name):
            setattr(entry, name, reader.string_list(name, required=False) or [])
    _check_kind(entry, reader)
    pattern = guidance.read_pattern(reader, entry.kind)
    reader.done()
    entry.body_text = html_to_text(str(render_markdown(entry.body or "")))
    entry.search_title = index_text(entry.title or "")
    entry.search_body = index_text(
        " ".join((entry.body_text, entry.avoid or "", entry.prefer or "", " ".join(entry.keywords or [])))
    )
    return pattern


def _boolean(reader: Reader, name: str) -> bool:
    value = reader.data.get(name)
    if not isinstance(value, bool):
        reader.fail(name, _("must be true or false"))
        return False
    return value


def _check_kind(entry: StyleEntry, reader: Reader) -> None:
    """A term rule must be usable by the linter as it is saved: refused now, not failing every draft later."""
    if entry.kind != "term_rule" or reader.errors:
        return
    if entry.rule == "disclosure" and not entry.requires:
        reader.fail("requires", _("a disclosure rule needs the text promotional posts must carry, e.g. #ad"))
        return
    if entry.rule == "term" and not (entry.avoid or "").strip():
        reader.fail("avoid", _("a term rule needs the term to avoid"))
        return
    if entry.rule != "disclosure" and entry.is_pattern and _other_pattern_rules(entry) >= MAX_PATTERN_RULES:
        reader.fail(
            "is_pattern",
            _(
                "the guide already has %(most)s pattern rules, the most it may hold (every draft runs each one):"
                " write this one as terms, or remove a pattern rule first",
                most=MAX_PATTERN_RULES,
            ),
        )
        return
    try:
        check_rule(term_rule(entry))
    except InvalidPattern as error:
        reader.fail("avoid", str(error))
    except ValueError as error:
        reader.fail("avoid", str(error))


def _other_pattern_rules(entry: StyleEntry) -> int:
    query = select(func.count(StyleEntry.id)).where(
        StyleEntry.kind == "term_rule",
        StyleEntry.is_pattern.is_(True),
        func.coalesce(StyleEntry.rule, "term") != "disclosure",
        StyleEntry.deleted_at.is_(None),
    )
    if entry.id is not None:
        query = query.where(StyleEntry.id != entry.id)
    return db.session.scalar(query) or 0


def entry_dict(entry: StyleEntry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "channel": entry.channel,
        "title": entry.title,
        "body": entry.body,
        "avoid": entry.avoid or None,
        "prefer": entry.prefer or None,
        "is_pattern": entry.is_pattern,
        "severity": entry.severity,
        "rule": entry.rule,
        "requires": entry.requires or None,
        "triggers": list(entry.triggers or []),
        "keywords": list(entry.keywords or []),
        "source_item_id": entry.source_item_id,
        "pattern": guidance.pattern_of(entry),
        "version": entry.version,
        "updated_by": entry.updated_by,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
    }


# --- lookups -----------------------------------------------------------------------------------------


def search(query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Entries best first, with the matched words marked; any text at all gives a list, never an error."""
    terms = query_terms(str(query or ""))
    if not terms:
        return []
    # a typo forgiven: the guide's words near a term it does not hold ("refnd" → "refund"), looked up too,
    # the term still being typed kept last (it is matched as a prefix)
    near = style_vocabulary.corrections(terms)[: max(0, MAX_QUERY_TERMS - len(terms))]
    terms = [*terms[:-1], *near, terms[-1]]
    ranked = _ranked_ids(terms, max(1, min(int(limit), 100)))
    entries = {e.id: e for e in db.session.scalars(select(StyleEntry).where(StyleEntry.id.in_([i for i, _ in ranked])))}
    results = []
    for entry_id, rank in ranked:
        entry = entries.get(entry_id)
        if entry is None or entry.deleted_at is not None:
            continue
        plain = (entry.body_text or entry.avoid or "")[:SNIPPET_SOURCE]
        results.append(
            {
                **entry_dict(entry),
                "rank": rank,
                "title_html": str(highlight(entry.title, terms)),
                "snippet_html": str(highlight(plain, terms, limit=180)),
            }
        )
    return results


def _ranked_ids(terms: list[str], limit: int) -> list[tuple[int, float]]:
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        rows = db.session.execute(
            text(
                "SELECT s.rowid, bm25(style_fts, 10.0, 1.0) AS rank FROM style_fts s "
                "JOIN style_entries e ON e.id = s.rowid "
                "WHERE style_fts MATCH :match AND e.deleted_at IS NULL ORDER BY rank LIMIT :limit"
            ),
            {"match": fts5_match(terms), "limit": limit},
        ).all()
        return [(row[0], -float(row[1])) for row in rows]
    if dialect == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT id, ts_rank(search_vector, to_tsquery('simple', :query)) AS rank FROM style_entries "
                "WHERE search_vector @@ to_tsquery('simple', :query) AND deleted_at IS NULL "
                "ORDER BY rank DESC, id LIMIT :limit"
            ),
            {"query": tsquery(terms), "limit": limit},
        ).all()
        return [(row[0], float(row[1])) for row in rows]
    raise RuntimeError(f"style search needs SQLite or PostgreSQL, not {dialect}")


# --- the linter ----------------------------------------------------------------------------------------

EXAMPLES_PER_CHANNEL = 3
EXAMPLE_MIN_SCORE = 80
LIBRARY_AUTHOR = "library (top performers)"


@unit_of_work
def refresh_examples() -> int:
    """The top performers of each channel appear in the guide as examples, with their figures; an
    item that fell out of the top leaves the guide (its history stays)."""
    from scheduler.services import items, rankings

    _, ranked = rankings.rank()
    best: dict[str, list] = {}
    for r in ranked:
        if (
            r.score is not None
            and r.score >= EXAMPLE_MIN_SCORE
            and len(best.setdefault(r.channel, [])) < EXAMPLES_PER_CHANNEL
        ):
            best[r.channel].append(r)
    wanted = {r.item_id: r for top in best.values() for r in top}
    current = {
        e.source_item_id: e
        for e in db.session.scalars(
            select(StyleEntry).where(
                StyleEntry.kind == "example", StyleEntry.source_item_id.is_not(None), StyleEntry.deleted_at.is_(None)
            )
        )
    }
    for item_id, entry in current.items():
        if item_id not in wanted:
            delete_entry(entry, LIBRARY_AUTHOR)
    for item_id, ranked_item in wanted.items():
        item = items.get_item(item_id)
        data = {
            "kind": "example",
            "channel": item.channel,
            "title": (item.title or item.link)[:300],
            "body": _example_body(item, ranked_item),
        }
        entry = current.get(item_id)
        if entry is None:
            entry = create_entry(data, LIBRARY_AUTHOR)
            entry.source_item_id = item_id
        else:
            update_entry(entry, data, LIBRARY_AUTHOR)
    return len(wanted)


def _example_body(item, ranked) -> str:
    figures = ", ".join(f"{value:,} {name}" for name, value in item.metrics.items())
    rate = f"; engagement rate {ranked.engagement_rate:.1%}" if ranked.engagement_rate is not None else ""
    text = (item.summary_text or "").strip()
    quoted = "\n".join(f"> {line}" for line in text.splitlines()[:12]) if text else ""
    link = f"\n\n[{item.link}]({item.link})" if item.link else ""
    return f"{quoted}\n\n**Score {ranked.score:.0f} of 100** on its channel: {figures}{rate}.{link}".strip()
