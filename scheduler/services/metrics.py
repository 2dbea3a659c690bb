"""Metrics from the channels' CSV exports: the mapping screen's memory, and the import itself.

Parsing is the domain's (the ``domain.metrics_csv`` package); here rows meet the items they name. A row that
names no known item, or has a bad cell, is reported by line and skipped; every good row is kept.
Readings are stored per item, source and day, so importing the same file twice changes nothing and
next week's export adds a point to each item's series.

Between the upload and the import (the mapping screen) the file waits in ``<instance>/uploads`` under a
random token. One left there (the screen closed, the import never done) expires after ``STAGED_FOR``:
each new upload and each sweep removes the expired ones, so abandoned exports of up to 20 MB do not
pile up in the instance folder.
"""

import hashlib
import logging
import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.domain.metrics_csv.mapping import KEY_KIND_WORDS, Mapping, MappingError, check_mapping
from scheduler.domain.metrics_csv.presets import PRESETS, guess_preset, suggest_mapping
from scheduler.domain.metrics_csv.rows import RowError, parse_metrics
from scheduler.domain.metrics_csv.table import Table, read_table
from scheduler.models import ContentItem, MetricImport, MetricMapping
from scheduler.models.database import db
from scheduler.services import clock, runtime
from scheduler.services import items as item_store
from scheduler.services.errors import Invalid
from scheduler.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
ERRORS_KEPT = 500
MAX_UPLOAD = 20 * 1024 * 1024
STAGED_FOR = timedelta(hours=24)
STAGED_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _uploads() -> Path:
    folder = runtime.settings().instance_path / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def stage_upload(data: bytes) -> str:
    """Keeps an uploaded file for the mapping screen; the token names it. Expired uploads go first."""
    expire_staged()
    token = secrets.token_urlsafe(18)
    (_uploads() / f"{token}.csv").write_bytes(data)
    return token


def staged_upload(token: str | None) -> bytes | None:
    """The staged file's bytes; None when the token is not one of ours, or the file expired or was used."""
    if not STAGED_TOKEN.match(token or ""):
        return None
    path = _uploads() / f"{token}.csv"
    try:
        if _expired(path.stat().st_mtime):
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def discard_staged(token: str) -> None:
    if STAGED_TOKEN.match(token or ""):
        (_uploads() / f"{token}.csv").unlink(missing_ok=True)


def expire_staged() -> int:
    """Removes the staged uploads older than ``STAGED_FOR``; how many. Their age is the file system's
    (its modification time against the host's clock), not the app's clock, which a test or a demo may pin."""
    removed = 0
    for path in _uploads().glob("*.csv"):
        try:
            if _expired(path.stat().st_mtime):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it meanwhile
            continue
    if removed:
        log.info("removed %s staged metric upload(s) older than %s", removed, STAGED_FOR)
    return removed


def _expired(modified: float) -> bool:
    return time.time() - modified > STAGED_FOR.total_seconds()


def header_signature(header) -> str:
    """Files of one kind share their columns, whatever their order: that is how a mapping is recognised."""
    names = sorted({str(h).strip().casefold() for h in header if str(h).strip()})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def read_upload(data: bytes) -> Table:
    if not data:
        raise Invalid({"file": _("is empty: choose the CSV file your channel exported")})
    if len(data) > MAX_UPLOAD:
        raise Invalid({"file": _("is larger than %(mb)s MB; export a shorter period", mb=MAX_UPLOAD // (1024 * 1024))})
    try:
        return read_table(data)
    except ValueError as error:
        raise Invalid({"file": str(error)}) from None


def remembered(table: Table) -> MetricMapping | None:
    return db.session.scalar(
        select(MetricMapping)
        .where(MetricMapping.header_signature == header_signature(table.header))
        .order_by(MetricMapping.updated_at.desc())
        .limit(1)
    )


def proposal(table: Table) -> dict:
    """What the mapping screen starts from: a remembered mapping, else a known export's, else a guess."""
    saved = remembered(table)
    if saved is not None:
        return {
            "name": saved.name,
            "channel": saved.channel,
            "mapping": Mapping.from_dict(saved.mapping),
            "origin": _("remembered from the last “%(name)s” import", name=saved.name),
        }
    preset = guess_preset(table.header)
    if preset is not None:
        return {
            "name": _(preset.label),
            "channel": preset.channel,
            "mapping": preset.mapping,
            "origin": _("recognised as %(export)s", export=_(preset.label)),
        }
    return {
        "name": "",
        "channel": "",
        "mapping": suggest_mapping(table.header),
        "origin": _("guessed from the column names"),
    }


def read_mapping(raw, header) -> Mapping:
    try:
        mapping = Mapping.from_dict(raw)
    except MappingError as error:
        raise Invalid(error.problems) from None
    problems = check_mapping(mapping, header)
    if problems:
        raise Invalid(problems)
    return mapping


@unit_of_work
def import_metrics(data: bytes, *, channel: str, mapping_raw, name: str, filename: str = "") -> MetricImport:
    fields = {}
    if channel_registry.why_unknown(channel):
        fields["channel"] = channel_registry.why_unknown(channel)
    name = (name or "").strip()[:100]
    if not name:
        fields["name"] = _("is required: the mapping is remembered under this name")
    table = read_upload(data)
    if fields:
        raise Invalid(fields)
    mapping = read_mapping(mapping_raw, table.header)
    parsed = parse_metrics(table, mapping)
    values, errors = _match_items(channel, mapping, parsed.rows)
    errors = sorted([*parsed.errors, *errors], key=lambda e: e.line)
    item_store.record_metrics(values, source=f"csv:{name}")
    saved = _remember(name, channel, mapping, table.header)
    record = MetricImport(
        mapping_id=saved.id,
        channel=channel,
        filename=(filename or "")[:300],
        rows_stored=len(values),
        errors=[_error_dict(e) for e in errors[:ERRORS_KEPT]],
    )
    db.session.add(record)
    db.session.flush()
    return record


def _match_items(channel: str, mapping: Mapping, rows) -> tuple[dict, list[RowError]]:
    """{item id: values} for rows that name a known item (a later row for an item wins), and errors."""
    lookup = _item_lookup(channel, mapping.key_kind)
    label = channel_registry.get(channel).label
    values, errors = {}, []
    for row in rows:
        item_id = lookup.get(_key(row.key, mapping.key_kind))
        if item_id is None:
            errors.append(
                RowError(
                    row.line,
                    mapping.key_column,
                    _(
                        "no %(channel)s item has the %(key_kind)s %(key)s; add the feed it was published in"
                        " (or check the channel) and import again",
                        channel=label,
                        key_kind=_(KEY_KIND_WORDS.get(mapping.key_kind, mapping.key_kind)),
                        key=repr(row.key),
                    ),
                )
            )
            continue
        values[item_id] = {**values.get(item_id, {}), **row.values}
    return values, errors


def _key(raw: str, kind: str) -> str:
    if kind == "link":
        return item_store.link_key(raw)
    if kind == "title":
        return " ".join(raw.split()).casefold()
    return raw.strip()


def _item_lookup(channel: str, kind: str) -> dict:
    column = {"link": ContentItem.link_key, "title": ContentItem.title, "remote_id": ContentItem.remote_id}[kind]
    found = {}
    for value, item_id in db.session.execute(select(column, ContentItem.id).where(ContentItem.channel == channel)):
        if value:
            found[_key(value, kind)] = item_id
            if kind == "remote_id":  # an export's bare id ("dQw4w9WgXcQ") for a guid like "yt:video:dQw4w9WgXcQ"
                found.setdefault(value.rsplit(":", 1)[-1].rsplit("/", 1)[-1], item_id)
    return found


def _remember(name: str, channel: str, mapping: Mapping, header) -> MetricMapping:
    saved = db.session.scalar(select(MetricMapping).where(MetricMapping.name == name))
    if saved is None:
        saved = MetricMapping(name=name)
        db.session.add(saved)
    saved.channel, saved.mapping = channel, mapping.to_dict()
    saved.header_signature = header_signature(header)
    saved.updated_at = clock.now()
    db.session.flush()
    return saved


def _error_dict(error: RowError) -> dict:
    return {"line": error.line, "column": error.column, "message": error.message}


def import_dict(record: MetricImport) -> dict:
    return {
        "id": record.id,
        "channel": record.channel,
        "filename": record.filename,
        "rows_stored": record.rows_stored,
        "errors": list(record.errors or []),
        "created_at": record.created_at.isoformat() if record.created_at else None,
    }


def presets() -> list[dict]:
    return [
        {"name": p.name, "label": p.label, "channel": p.channel, "mapping": p.mapping.to_dict()}
        for p in PRESETS.values()
    ]
