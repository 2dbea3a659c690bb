"""A help desk's CSV export read as customer interactions, through a column mapping.

The file itself is read as metrics exports are (``metrics_csv.table``: encoding, delimiter, title lines,
totals); dates as they write them (``metrics_csv.cells``). What differs is what a row becomes: an
interaction's channel, kind, resolution, time, comment, link and customer, and a key that makes a second
import of the same export update its rows instead of adding them again:

* the ticket id, when a column holds one (``t:`` + the id; ids longer than 60 characters are hashed);
* else a digest of everything the row says (``h:`` + SHA-256 of its fields), stable from one export to
  the next as long as the row itself is unchanged.

Values are read generously: a channel by its name, its label or a help desk's word for it ("e-mail",
"voice", "web chat"), a kind by the team's names for its kinds (case, accents and a final "s" ignored),
a resolution from the words help desks and people use ("Good"/"Bad", "satisfait", "差评"...). A column
may be left out when the whole file has one value for that field: ``defaults`` says which. A time
without an offset is read on the clock of the mapping's ``time_zone``; a date alone means noon.

A row with any bad cell is reported (line, field, column, what is wrong) and skipped whole; good rows
are all kept, and a key seen twice keeps the last row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.domain.language import N_, _
from scheduler.domain.language import code as language_code
from scheduler.domain.links import web_link
from scheduler.domain.metrics_csv.cells import BadCell, cached_date, slashed_day_first
from scheduler.domain.metrics_csv.mapping import column_index
from scheduler.domain.metrics_csv.table import Table, fits
from scheduler.domain.text import fold

FIELDS = ("ticket_id", "occurred_at", "channel", "kind", "resolution", "comment", "link", "customer")
DEFAULTABLE = ("channel", "kind", "resolution")  # one value for the whole file instead of a column
LIMITS = {"comment": 4000, "link": 2000, "customer": 200, "ticket_id": 200}
LABELS = {  # each field in words, translated where it is shown
    "ticket_id": N_("ticket id"),
    "occurred_at": N_("time"),
    "channel": N_("channel"),
    "kind": N_("kind"),
    "resolution": N_("resolution"),
    "comment": N_("comment"),
    "link": N_("link"),
    "customer": N_("customer"),
}

NEGATIVE_WORDS = (
    "negative neg bad poor unsatisfied dissatisfied unhappy unresolved angry no fail failed "
    "negatif mauvais insatisfait mecontent non echec 差评 不满意 负面 未解决"
)
POSITIVE_WORDS = (
    "positive pos good great satisfied happy resolved solved yes ok success "
    "positif bon bien satisfait content resolu oui 好评 满意 正面 已解决"
)
_RESOLUTIONS = {**{w: False for w in POSITIVE_WORDS.split()}, **{w: True for w in NEGATIVE_WORDS.split()}}
_RESOLUTIONS |= {"not satisfied": True, "not resolved": True, "pas satisfait": True}
_THUMBS = {"👍": False, "👎": True, "+": False, "-": True}

# a help desk's words for the channels Refrain logs interactions on (folded)
CHANNEL_WORDS = {
    "email_support": ("email", "e mail", "mail", "email support", "courriel", "support email", "邮件"),
    "phone": ("phone", "voice", "call", "telephone", "tel", "电话"),
    "chat": ("chat", "web chat", "live chat", "messaging", "web widget", "widget", "messagerie", "聊天"),
    "in_person": ("in person", "walk in", "store", "shop", "counter", "en personne", "magasin", "boutique"),
    "twitter": ("x", "tweet"),
}

HEADER_WORDS = {
    "ticket_id": ("ticket id", "ticket", "id", "ticket number", "conversation id", "case number", "numero"),
    "occurred_at": (
        "occurred at",
        "created at",
        "created",
        "date",
        "requested",
        "submitted",
        "received",
        "date de creation",
        "time",
    ),
    "channel": ("channel", "via", "source", "canal", "ticket channel", "medium"),
    "kind": ("kind", "type", "ticket type", "category", "categorie", "reason", "motif", "tags"),
    "resolution": ("resolution", "satisfaction", "satisfaction rating", "rating", "csat", "sentiment", "outcome"),
    "comment": ("comment", "description", "message", "body", "subject", "summary", "commentaire", "sujet", "objet"),
    "link": ("link", "url", "ticket url", "permalink", "lien"),
    "customer": ("customer", "requester", "customer email", "requester email", "email", "client", "contact"),
}


class MappingProblems(ValueError):
    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


@dataclass(frozen=True)
class InteractionMapping:
    """Which column holds which field; ``defaults`` the value of a field no column holds."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    time_zone: str = "UTC"

    def to_dict(self) -> dict:
        return {
            "columns": {f: self.columns[f] for f in FIELDS if self.columns.get(f)},
            "defaults": {f: self.defaults[f] for f in DEFAULTABLE if self.defaults.get(f)},
            "time_zone": self.time_zone,
        }

    @classmethod
    def from_dict(cls, d) -> InteractionMapping:
        if not isinstance(d, dict):
            raise MappingProblems({"mapping": _("must be an object with columns, defaults and time_zone")})
        problems = {name: _("unknown field") for name in d if name not in ("columns", "defaults", "time_zone")}
        columns, defaults = d.get("columns") or {}, d.get("defaults") or {}
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            problems["columns"] = _("must be an object of field -> column name")
            columns = {}
        if not isinstance(defaults, dict) or not all(isinstance(v, str) for v in defaults.values()):
            problems["defaults"] = _("must be an object of field -> value")
            defaults = {}
        for name in columns:
            if name not in FIELDS:
                problems[f"columns.{name}"] = _(
                    "%(name)s is not a field (%(fields)s)", name=repr(name), fields=", ".join(FIELDS)
                )
        for name in defaults:
            if name not in DEFAULTABLE:
                problems[f"defaults.{name}"] = _(
                    "only %(fields)s may have one value for the file", fields=", ".join(DEFAULTABLE)
                )
        zone = d.get("time_zone") or "UTC"
        if not _known_zone(zone):
            problems["time_zone"] = _(
                "%(zone)s is not a known time zone (an IANA name such as Europe/Paris)", zone=repr(zone)
            )
        if problems:
            raise MappingProblems(problems)
        kept = {k: v.strip() for k, v in columns.items() if v and v.strip()}
        return cls(kept, {k: v.strip() for k, v in defaults.items() if v and v.strip()}, zone)


def _known_zone(name) -> bool:
    try:
        return isinstance(name, str) and 0 < len(name) <= 64 and ZoneInfo(name) is not None
    except (ZoneInfoNotFoundError, ValueError):
        return False


def check_mapping(mapping: InteractionMapping, header) -> dict[str, str]:
    """field -> problem, empty when the mapping fits the file."""
    problems: dict[str, str] = {}
    header = list(header)
    used: dict[int, str] = {}
    for name in FIELDS:
        column = mapping.columns.get(name)
        if not column:
            continue
        index = column_index(header, column)
        if index is None:
            problems[name] = _("no column %(column)s in this file", column=repr(column))
        elif index in used:
            problems[name] = _(
                "%(column)s is already used for the %(field)s", column=repr(header[index]), field=_(used[index])
            )
        else:
            used[index] = LABELS[name]
    if not mapping.columns.get("occurred_at"):
        problems.setdefault("occurred_at", _("choose the column that says when it happened"))
    for name in DEFAULTABLE:
        if not mapping.columns.get(name) and not mapping.defaults.get(name):
            problems.setdefault(name, _("choose its column, or one value for the whole file"))
    return problems


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", fold(str(name))).split())


def suggest_mapping(header) -> InteractionMapping:
    """Columns guessed from their names (the fields' own names first, then help desks' words)."""
    by_norm: dict[str, str] = {}
    for h in header:
        if str(h).strip():
            by_norm.setdefault(_norm(h), h)
    columns: dict[str, str] = {}
    used: set[str] = set()
    for name in FIELDS:  # exact field names first: a file written for the API maps itself
        found = by_norm.get(_norm(name))
        if found is not None:
            columns[name], _ = found, used.add(found)
    for name in FIELDS:
        if name in columns:
            continue
        found = next((by_norm[w] for w in HEADER_WORDS[name] if w in by_norm and by_norm[w] not in used), None)
        if found is not None:
            columns[name] = found
            used.add(found)
    return InteractionMapping(columns)


@dataclass(frozen=True)
class InteractionRow:
    line: int
    key: str
    occurred_at: datetime
    channel: str
    kind: str
    negative: bool
    comment: str = ""
    link: str = ""
    customer: str = ""
    ticket_id: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    column: str | None
    message: str


@dataclass(frozen=True)
class Parsed:
    rows: list[InteractionRow]
    errors: list[RowError]


@lru_cache(maxsize=4096)
def read_resolution(text: str) -> bool:
    """True for negative, False for positive; BadCell otherwise. Cached: an export repeats a few words."""
    raw = text.strip()
    if raw in _THUMBS:
        return _THUMBS[raw]
    words = " ".join(fold(raw).split())
    if words in _RESOLUTIONS:
        return _RESOLUTIONS[words]
    if not words:
        raise BadCell(_("is empty: positive or negative?"))
    raise BadCell(
        _(
            "%(text)s is neither positive nor negative (good/bad, satisfied/unsatisfied... are read too)",
            text=repr(text),
        )
    )


@lru_cache(maxsize=4096)
def lookup_key(value: str) -> str:
    """How a channel or kind is looked up: folded, underscores and hyphens as spaces (cached, as above)."""
    return " ".join(fold(str(value).replace("-", " ")).split())


EMPTY = {"channel": N_("is empty: which channel?"), "kind": N_("is empty: which kind?")}
UNKNOWN = {
    "channel": N_("%(text)s is not one of the channels Refrain knows"),
    "kind": N_("%(text)s is not one of the kinds Refrain knows"),
}


def read_named(text: str, names: dict[str, str], what: str) -> str:
    """The channel or kind ``text`` names, by ``names`` (lookup_key -> name); BadCell otherwise."""
    key = lookup_key(text)
    found = names.get(key) or (names.get(key[:-1]) if key.endswith("s") else None)
    if found is None:
        if not key:
            raise BadCell(_(EMPTY[what]))
        raise BadCell(_(UNKNOWN[what], text=repr(text.strip())))
    return found


_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?", re.IGNORECASE)


def read_moment(text: str, zone: ZoneInfo, day_first: bool | None) -> datetime:
    """An aware time: ISO 8601 (its offset kept, else on ``zone``'s clock), or a date as exports write
    it, with its time of day when it has one (noon when it has none)."""
    raw = " ".join(text.strip().split())
    if not raw:
        raise BadCell(_("is empty: when did it happen?"))
    try:
        moment = datetime.fromisoformat(raw.replace(" UTC", "Z"))
    except ValueError:
        moment = None
    if moment is not None:
        if moment.tzinfo is None:
            if len(raw) <= 10:  # a date alone
                moment = moment.replace(hour=12)
            moment = moment.replace(tzinfo=zone)
        return moment
    day = cached_date(raw, day_first)
    if day is None:
        raise BadCell(_("is empty: when did it happen?"))
    clock = _TIME.search(raw)
    at = time(12)
    if clock:
        hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        if clock[4]:
            hour = hour % 12 + (12 if clock[4].lower() == "p" else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise BadCell(_("%(text)s has no such time of day", text=repr(text)))
        at = time(hour, minute, second)
    return datetime.combine(day, at, zone)


KEY_LENGTH = 64  # interactions.source_key


def row_key(row: dict) -> str:
    """The ticket id when there is one, else a digest of what the row says; at most KEY_LENGTH
    characters, the column that keeps it."""
    ticket = row.get("ticket_id") or ""
    if ticket:
        return "t:" + (ticket if len(ticket) <= 60 else hashlib.sha256(ticket.encode()).hexdigest()[:60])
    said = "\x1f".join(
        str(row.get(name) or "")
        for name in ("occurred_at", "channel", "kind", "negative", "comment", "link", "customer")
    )
    return "h:" + hashlib.sha256(said.encode()).hexdigest()[: KEY_LENGTH - 2]


def parse_interactions(
    table: Table, mapping: InteractionMapping, *, channels: dict[str, str], kinds: dict[str, str]
) -> Parsed:
    """The table's rows read through the mapping; ``channels`` and ``kinds`` map lookup keys to names."""
    problems = check_mapping(mapping, table.header)
    if problems:
        raise MappingProblems(problems)
    header, zone = table.header, ZoneInfo(mapping.time_zone)
    index = {name: column_index(header, col) for name, col in mapping.columns.items()}
    fixed: dict[str, object] = {}
    for name, value in mapping.defaults.items():
        if name in index:
            continue
        try:
            fixed[name] = _read(name, value, channels, kinds, zone, None)
        except BadCell as bad:
            raise MappingProblems({f"defaults.{name}": str(bad)}) from None
    day_first = None
    if "occurred_at" in index:
        at = index["occurred_at"]
        day_first = slashed_day_first((c[at] for _, c in table.rows if at < len(c)), table.delimiter == ";")
    kept: dict[str, InteractionRow] = {}
    errors: list[RowError] = []
    for line, cells in table.rows:
        if not fits(header, cells):
            errors.append(
                RowError(
                    line,
                    None,
                    None,
                    _(
                        "this row has %(cells)s cells but the header has %(header)s",
                        cells=len(cells),
                        header=len(header),
                    ),
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        values, row_errors = dict(fixed), []
        for name, at in index.items():
            try:
                values[name] = _read(name, cells[at], channels, kinds, zone, day_first)
            except BadCell as bad:
                row_errors.append(RowError(line, name, header[at], _said(name, str(bad))))
        if row_errors:
            errors.extend(row_errors)
            continue
        values["negative"] = values.pop("resolution")
        key = row_key(values)
        kept.pop(key, None)  # the last one wins, in its own place
        kept[key] = InteractionRow(line=line, key=key, **values)
    return Parsed(list(kept.values()), errors)


def _said(name: str, problem: str) -> str:
    """A cell's problem as a sentence: "Kind is empty: which kind?", "'Incident' is not one of ..."."""
    return (
        _("%(field)s %(problem)s", field=_(LABELS[name]).capitalize(), problem=problem)
        if _predicate(problem)
        else problem
    )


def _predicate(problem: str) -> bool:
    """Whether a cell's problem reads after the field's name: its English predicates ("is empty: …"),
    and every one in another language (where the name comes first, with a colon)."""
    return problem.startswith(("is ", "has ")) or language_code() != "en"


def _read(name: str, cell: str, channels, kinds, zone: ZoneInfo, day_first):
    if name == "occurred_at":
        return read_moment(cell, zone, day_first)
    if name == "channel":
        return read_named(cell, channels, "channel")
    if name == "kind":
        return read_named(cell, kinds, "kind")
    if name == "resolution":
        return read_resolution(cell)
    value = " ".join(cell.split()) if name != "comment" else cell.strip()
    if len(value) > LIMITS[name]:
        raise BadCell(_("is longer than %(most)s characters", most=LIMITS[name]))
    if name == "link" and value and not web_link(value):
        raise BadCell(_("%(text)s is not a web address (http or https)", text=repr(value[:60])))
    return value
