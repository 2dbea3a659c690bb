"""A help desk's CSV export imported as interactions, through the metrics' column-mapping screen.

The steps are the metrics import's (``services.metrics``): the upload waits under a random token
(``metrics.stage_upload``) while the mapping screen shows its columns; a mapping confirmed there is
remembered under its name and proposed again for the next file with the same columns; rows with a bad
cell are reported by line and skipped, the good ones kept. Reading the rows is the domain's
(``domain.interactions_csv``).

Importing the same export again updates its rows instead of adding them twice: each imported row keeps
the mapping's name (``source``) and its key (``source_key``: the ticket id, or a digest of the row), and
rows are written with one ``INSERT … ON CONFLICT (source, source_key) DO UPDATE`` per batch, which both
SQLite and PostgreSQL run. The author of new rows is whoever imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from scheduler.domain.interactions_csv import (
    InteractionMapping,
    MappingProblems,
    RowError,
    check_mapping,
    parse_interactions,
    suggest_mapping,
)
from scheduler.domain.language import _
from scheduler.domain.metrics_csv.table import Table
from scheduler.models import Interaction, InteractionKind
from scheduler.models import InteractionMapping as SavedMapping
from scheduler.models.database import db
from scheduler.services import actor, clock, metrics
from scheduler.services import interactions as store
from scheduler.services.errors import Invalid
from scheduler.services.unit_of_work import unit_of_work

BATCH = 2000
ERRORS_KEPT = 500
DEFAULT_NAME = "CSV import"
UPDATED = ("channel", "kind_id", "negative", "comment", "link", "customer", "occurred_at", "occurred_on", "updated_at")


@dataclass(frozen=True)
class ImportResult:
    name: str
    imported: int  # rows written: created + updated
    created: int
    updated: int
    errors: list[RowError]


def read_upload(data: bytes) -> Table:
    return metrics.read_upload(data)


def remembered(table: Table) -> SavedMapping | None:
    return db.session.scalar(
        select(SavedMapping)
        .where(SavedMapping.header_signature == metrics.header_signature(table.header))
        .order_by(SavedMapping.updated_at.desc())
        .limit(1)
    )


def proposal(table: Table) -> dict:
    """What the mapping screen starts from: the mapping remembered for these columns, else a guess."""
    saved = remembered(table)
    if saved is not None:
        try:
            mapping = InteractionMapping.from_dict(saved.mapping)
        except MappingProblems:
            mapping = None
        if mapping is not None:
            origin = _("remembered from the last “%(name)s” import", name=saved.name)
            return {"name": saved.name, "mapping": mapping, "origin": origin}
    return {"name": "", "mapping": suggest_mapping(table.header), "origin": _("guessed from the column names")}


def read_mapping(raw, header) -> InteractionMapping:
    try:
        mapping = InteractionMapping.from_dict(raw)
    except MappingProblems as error:
        raise Invalid(error.problems) from None
    problems = check_mapping(mapping, header)
    if problems:
        raise Invalid(problems)
    return mapping


@unit_of_work
def import_interactions(data: bytes, *, mapping_raw=None, name: str = "", filename: str = "") -> ImportResult:
    """Every good row written (new or updated), every bad one reported; the mapping remembered.

    Without a mapping, the one remembered for these columns is used, else one guessed from their names
    (a file whose columns are the API's field names maps itself)."""
    table = read_upload(data)
    name = " ".join((name or "").split())[:100]
    if mapping_raw is None:
        guess = proposal(table)
        mapping_raw, name = guess["mapping"].to_dict(), name or guess["name"]
    name = name or DEFAULT_NAME
    mapping = read_mapping(mapping_raw, table.header)
    try:
        parsed = parse_interactions(table, mapping, channels=store.channel_lookup(), kinds=store.kind_lookup())
    except MappingProblems as error:
        raise Invalid(error.problems) from None
    created, updated = _write(parsed.rows, name)
    _remember(name, mapping, table.header)
    return ImportResult(name, created + updated, created, updated, parsed.errors)


def _write(rows, source: str) -> tuple[int, int]:
    kinds = {k.name: k.id for k in db.session.scalars(select(InteractionKind))}
    who, now = actor.current(), clock.now()
    table = Interaction.__table__
    created = updated = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        keys = [row.key for row in batch]
        known = set(
            db.session.scalars(
                select(Interaction.source_key).where(Interaction.source == source, Interaction.source_key.in_(keys))
            )
        )
        updated += len(known)
        created += len(batch) - len(known)
        values = [
            {
                "channel": row.channel,
                "kind_id": kinds[row.kind],
                "negative": row.negative,
                "comment": row.comment,
                "link": row.link,
                "customer": row.customer,
                "occurred_at": row.occurred_at,
                "occurred_on": row.occurred_at.astimezone(timezone.utc).date(),
                "author_id": who.id,
                "author_name": who.name[:254],
                "source": source,
                "source_key": row.key,
                "created_at": now,
                "updated_at": now,
            }
            for row in batch
        ]
        db.session.execute(_upsert(table), values)
    return created, updated


def _upsert(table):
    dialect = db.engine.dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"importing interactions needs SQLite or PostgreSQL, not {dialect}")
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=["source", "source_key"], set_={name: statement.excluded[name] for name in UPDATED}
    )


def _remember(name: str, mapping: InteractionMapping, header) -> SavedMapping:
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.name == name))
    if saved is None:
        saved = SavedMapping(name=name)
        db.session.add(saved)
    saved.mapping = mapping.to_dict()
    saved.header_signature = metrics.header_signature(header)
    saved.updated_at = clock.now()
    db.session.flush()
    return saved


def error_dict(error: RowError) -> dict:
    return {"line": error.line, "field": error.field, "column": error.column, "message": error.message}


def result_dict(result: ImportResult) -> dict:
    return {
        "imported": result.imported,
        "created": result.created,
        "updated": result.updated,
        "source": result.name,
        "errors": [error_dict(e) for e in result.errors[:ERRORS_KEPT]],
        "errors_total": len(result.errors),
    }
