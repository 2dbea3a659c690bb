"""Metrics exports (CSV/TSV) read into rows of counts per item, through a saved column mapping.

Users upload what their channels export: X post analytics ("tweet activity"), YouTube Studio's
"Table data.csv", a newsletter tool's campaigns report (Mailchimp-like) and Google Ads reports
(often UTF-16, tab-separated, with title lines above the header and "Total: ..." rows at the end).
This module only parses: the app matches each row's key to a stored item and stores the values.

Choices, so that an import is predictable:

* Reading (``read_table``): the encoding is taken from the BOM (UTF-8, UTF-16 LE/BE; UTF-16 without
  a BOM is recognised by its zero bytes), else UTF-8, else cp1252 (which never fails). The delimiter
  is the one of ``,`` ``;`` and tab that splits the most lines into the same number of cells. The
  header is the first line with at least two non-empty cells whose next line has the same width, so
  title lines ("Ad report", a date range) are skipped. Blank lines and totals rows (first non-empty
  cell "Total", "Total: Account", ...) are dropped; cells are stripped. Line numbers are the file's
  own, 1-based, counting the lines inside quoted cells (a tweet's text may span several).
* Numbers: ``1,234`` ``1 234`` (also with U+00A0 or U+202F) ``1234.0`` ``1.2K`` ``3M`` are read;
  ``''`` ``-`` ``--`` ``—`` ``N/A`` mean "no value" (the metric is left out of the row, no error);
  percentages, negative numbers and anything else are errors. A comma followed by groups of three
  digits is a thousands separator, any other single comma is a decimal comma (``3,5`` is 3.5), except
  in semicolon-separated files (European spreadsheets), where the comma is always the decimal mark
  and the dot groups thousands (``1.234`` is 1234, ``1,234`` is 1.234).
* Dates: ISO dates and timestamps (``2026-11-19 15:30 +0000``, the date as written, not moved to
  UTC), ``Nov 21, 2026`` (with a time or weekday or not: Mailchimp's ``Nov 21, 2026 09:00 am``,
  X's ``Thu Nov 19 2026 10:00:00 GMT+0000``), ``21 Nov 2026``, ``21.11.2026`` (day first) and
  ``21/11/2026``: slashed dates are read day-first when some date in the column can only be
  day-first (or, with none either way, when the file is semicolon-separated), else month-first.
  An empty date cell gives ``observed_on=None``; a date that can't be read is an error.
* A row with any bad cell (no key, a bad number or date, a width unlike the header's) is reported
  with its line and skipped whole; good rows are all kept. Rows repeating a (key, date) already seen
  replace it silently: the last one wins (exports repeat rows rarely, and the latest is the freshest).
  Without a date column, the key alone decides: an ads report listing one Final URL twice keeps one.
* ``parse_metrics`` refuses (``MappingError``, a ValueError carrying ``check_mapping``'s problems) a
  mapping that doesn't fit the file: check it first and show the problems on the mapping screen.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

METRICS = ("impressions", "clicks", "likes", "replies", "shares", "views", "opens", "conversions")
KEY_KINDS = ("link", "remote_id", "title")  # how a row names its item

DELIMITERS = (",", ";", "\t")
MISSING = frozenset({"", "-", "--", "---", "—", "–", "n/a", "na", "n.a.", "none", "null"})
KEY_MISSING = frozenset({"", "-", "--", "---", "—", "–", "n/a"})
HEADER_SEARCH = 50  # lines: title lines come first, the header is never far down

_FIELDS = ("key_column", "key_kind", "metric_columns", "date_column")


# ---------------------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class Mapping:
    """What the mapping screen saves: which column names the item, which hold which metrics."""

    key_column: str
    key_kind: str  # one of KEY_KINDS
    metric_columns: dict[str, str] = field(default_factory=dict)  # metric -> column header
    date_column: str | None = None  # the row's date (publication or report date), optional

    def to_dict(self) -> dict:
        metrics = {m: self.metric_columns[m] for m in METRICS if m in self.metric_columns}
        metrics.update({m: c for m, c in self.metric_columns.items() if m not in metrics})
        return {
            "key_column": self.key_column,
            "key_kind": self.key_kind,
            "metric_columns": metrics,
            "date_column": self.date_column,
        }

    @classmethod
    def from_dict(cls, d) -> Mapping:
        if not isinstance(d, dict):
            raise MappingError({"mapping": "must be an object with " + ", ".join(_FIELDS)})
        problems = {name: "unknown field" for name in d if name not in _FIELDS}
        for name in ("key_column", "key_kind", "metric_columns"):
            if name not in d:
                problems[name] = "missing"
        metrics = d.get("metric_columns", {})
        if not isinstance(metrics, dict):
            problems["metric_columns"] = "must be an object of metric -> column"
            metrics = {}
        date_column = d.get("date_column")
        if date_column == "":
            date_column = None
        mapping = cls(d.get("key_column", ""), d.get("key_kind", ""), dict(metrics), date_column)
        for name, problem in _shape_problems(mapping).items():
            problems.setdefault(name, problem)
        if problems:
            raise MappingError(problems)
        return mapping


class MappingError(ValueError):
    """A mapping that can't be used; ``problems`` is field -> problem, as ``check_mapping`` gives."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("bad mapping: " + "; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def _shape_problems(mapping: Mapping) -> dict[str, str]:
    """What is wrong with the mapping itself, whatever the file."""
    problems = {}
    if not isinstance(mapping.key_column, str) or not mapping.key_column.strip():
        problems["key_column"] = "choose the column that names the item"
    if mapping.key_kind not in KEY_KINDS:
        problems["key_kind"] = f"must be one of {', '.join(KEY_KINDS)}"
    if not isinstance(mapping.metric_columns, dict) or not mapping.metric_columns:
        problems["metric_columns"] = "map at least one metric to a column"
    else:
        for metric, column in mapping.metric_columns.items():
            if metric not in METRICS:
                problems[f"metric_columns.{metric}"] = f"{metric!r} is not a metric ({', '.join(METRICS)})"
            elif not isinstance(column, str) or not column.strip():
                problems[f"metric_columns.{metric}"] = "choose a column"
    if mapping.date_column is not None and (
        not isinstance(mapping.date_column, str) or not mapping.date_column.strip()
    ):
        problems["date_column"] = "must be a column name, or nothing"
    return problems


def check_mapping(mapping: Mapping, header) -> dict[str, str]:
    """field -> problem (``{'metric_columns.clicks': "no column 'Clicks' in this file"}``); empty when fine.

    Columns are found by their exact name, else ignoring case and spacing."""
    problems = _shape_problems(mapping)
    header = list(header)
    used: dict[int, str] = {}

    def find(name: str, field_name: str, label: str) -> None:
        if field_name in problems:
            return
        index = _column_index(header, name)
        if index is None:
            problems[field_name] = f"no column {name!r} in this file"
        elif index in used:
            problems[field_name] = f"{header[index]!r} is already used for {used[index]}"
        else:
            used[index] = label

    find(mapping.key_column, "key_column", "the key")
    for metric in sorted(mapping.metric_columns, key=lambda m: METRICS.index(m) if m in METRICS else 99):
        find(mapping.metric_columns[metric], f"metric_columns.{metric}", metric)
    if mapping.date_column is not None:
        find(mapping.date_column, "date_column", "the date")
    return problems


def _loose(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").casefold().split())


def _norm(name: str) -> str:
    """For recognising headers: case, punctuation and spacing ignored ('Impr.' -> 'impr')."""
    return " ".join(re.sub(r"[\W_]+", " ", str(name).casefold()).split())


def _column_index(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    wanted = _loose(name)
    for index, column in enumerate(header):
        if _loose(column) == wanted:
            return index
    return None


# ---------------------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    channel: str
    mapping: Mapping
    signature: tuple[str, ...] = ()  # headers (as _norm gives them) that identify the export


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        # analytics.x.com "tweet activity" export (tweet_activity_metrics_<user>_<from>_<to>_en.csv)
        Preset(
            "x_post_analytics",
            "X (Twitter) post analytics",
            "twitter",
            Mapping(
                "Tweet permalink",
                "link",
                {
                    "impressions": "impressions",
                    "clicks": "url clicks",
                    "likes": "likes",
                    "replies": "replies",
                    "shares": "retweets",
                },
                "time",
            ),
            ("tweet id", "tweet permalink", "tweet text"),
        ),
        # YouTube Studio, Analytics, Advanced mode, Content, export "Table data.csv"; Likes, Shares and
        # Comments are not among the default columns: suggest_mapping adds them when they are there
        Preset(
            "youtube_studio",
            "YouTube Studio (Advanced mode, Table data.csv)",
            "youtube",
            Mapping("Content", "remote_id", {"impressions": "Impressions", "views": "Views"}, "Video publish time"),
            ("content", "video title", "video publish time"),
        ),
        # Mailchimp, Campaigns, Reports, "Export as CSV"
        Preset(
            "newsletter_campaigns",
            "Newsletter campaigns report (Mailchimp)",
            "newsletter",
            Mapping("Subject", "title", {"opens": "Unique Opens", "clicks": "Unique Clicks"}, "Send Date"),
            ("subject", "send date", "unique opens"),
        ),
        # Google Ads, Ads, Download; "Day" is there when the report is segmented by day
        Preset(
            "google_ads",
            "Google Ads ad report",
            "ppc",
            Mapping("Final URL", "link", {"impressions": "Impr.", "clicks": "Clicks", "conversions": "Conversions"}),
            ("final url", "impr"),
        ),
    )
}

# Header names (as _norm gives them) per metric, most specific first.
METRIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "impressions": ("impressions", "impr", "impression", "post impressions", "total impressions"),
    "clicks": ("clicks", "link clicks", "url clicks", "unique clicks", "total clicks", "clics", "clics sur le lien"),
    "likes": ("likes", "like", "reactions", "j aime", "favorites", "favourites", "hearts"),
    "replies": ("replies", "comments", "comments added", "réponses", "reponses", "commentaires"),
    "shares": ("shares", "reposts", "retweets", "partages", "forwards"),
    "views": ("views", "video views", "vues", "plays"),
    "opens": ("opens", "unique opens", "total opens", "ouvertures", "ouvertures uniques"),
    "conversions": ("conversions", "conv", "all conversions", "all conv"),
}
KEY_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "link",
        (
            "tweet permalink",
            "post link",
            "permalink",
            "final url",
            "url",
            "link",
            "post url",
            "video url",
            "landing page",
            "lien",
        ),
    ),
    ("remote_id", ("tweet id", "post id", "video id", "media id", "campaign id", "id")),
    (
        "title",
        (
            "subject",
            "subject line",
            "title",
            "video title",
            "post title",
            "campaign",
            "campaign name",
            "name",
            "titre",
            "objet",
        ),
    ),
)
DATE_SYNONYMS = (
    "date",
    "day",
    "time",
    "send date",
    "sent",
    "publish date",
    "published",
    "publication date",
    "video publish time",
    "posted",
    "created at",
    "date published",
    "jour",
)


def guess_preset(header: list[str]) -> Preset | None:
    """The preset whose export this header looks like, or None."""
    names = {_norm(h) for h in header}
    best = None
    for preset in PRESETS.values():
        if all(name in names for name in preset.signature):
            if best is None or len(preset.signature) > len(best.signature):
                best = preset
    return best


def suggest_mapping(header) -> Mapping | None:
    """The recognised export's mapping, or a guess from the header's names; None without a key and a metric.

    A preset's columns are given as the file spells them; metrics it lacks are added when the file
    has a column for them (YouTube's optional Likes), and those the file lacks are dropped."""
    header = list(header)
    by_norm: dict[str, str] = {}
    for h in header:
        if h.strip():
            by_norm.setdefault(_norm(h), h)
    preset = guess_preset(header)
    key = kind = date_column = None
    metrics: dict[str, str] = {}
    if preset is not None:
        m = preset.mapping
        key = by_norm.get(_norm(m.key_column))
        kind = m.key_kind
        for metric, column in m.metric_columns.items():
            if _norm(column) in by_norm:
                metrics[metric] = by_norm[_norm(column)]
        if m.date_column and _norm(m.date_column) in by_norm:
            date_column = by_norm[_norm(m.date_column)]
    if key is None:
        for key_kind, names in KEY_SYNONYMS:
            found = next((by_norm[n] for n in names if n in by_norm), None)
            if found is not None:
                key, kind = found, key_kind
                break
    if key is None:
        return None
    used = {key, date_column, *metrics.values()}
    for metric in METRICS:
        if metric not in metrics:
            found = next((by_norm[n] for n in METRIC_SYNONYMS[metric] if n in by_norm and by_norm[n] not in used), None)
            if found is not None:
                metrics[metric] = found
                used.add(found)
    if not metrics:
        return None
    if date_column is None:
        date_column = next((by_norm[n] for n in DATE_SYNONYMS if n in by_norm and by_norm[n] not in used), None)
    return Mapping(key, kind, {m: metrics[m] for m in METRICS if m in metrics}, date_column)


# ---------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    delimiter: str
    encoding: str


TOTAL_ROW = re.compile(r"totals?(\s*[:\-–—].*)?", re.IGNORECASE | re.DOTALL)


def read_table(data: bytes, *, max_rows: int = 200_000) -> Table:
    """The header and data rows of an export; ValueError when there is none."""
    text, encoding = _decode(data)
    if not text.replace("\ufeff", "").strip():
        raise ValueError("the file is empty")
    delimiter = _sniff_delimiter(text)
    records = []  # (line, cells), blank lines left out
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = max_rows + HEADER_SEARCH + 1
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            cells = [c.replace("\ufeff", "").strip() for c in cells]
            if any(cells):
                records.append((start, cells))
                if len(records) > limit:
                    break
    except csv.Error as error:
        raise ValueError(f"line {line + 1}: the file can't be read as CSV ({error})") from None
    header_at = _find_header(records)
    if header_at is None:
        raise ValueError("no header found: the file needs a line of column names (at least two columns)")
    header = records[header_at][1]
    rows = [(n, cells) for n, cells in records[header_at + 1 :] if not _is_total(cells)]
    if len(rows) > max_rows:
        raise ValueError(f"the file has more than {max_rows:,} rows: split it into smaller files")
    return Table(header, rows, delimiter, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    sample = data[:400]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):  # UTF-16 without a BOM: ASCII has zero halves
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into the same number (2+) of cells."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = []
        try:
            for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(c.strip() for c in cells):
                    widths.append(len(cells))
                if len(widths) >= HEADER_SEARCH:
                    break
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w >= 2)
        if counts:
            width, count = max(counts.items(), key=lambda wc: (wc[1] * wc[0], wc[0]))
            if count * width > best_score:
                best, best_score = delimiter, count * width
    return best


def _fits(header: list[str], cells: list[str]) -> bool:
    """Same width, or differing only by empty cells at the end."""
    shorter, longer = sorted((header, cells), key=len)
    return not any(longer[len(shorter) :])


def _find_header(records) -> int | None:
    candidates = [i for i, (_, cells) in enumerate(records[:HEADER_SEARCH]) if sum(1 for c in cells if c) >= 2]
    for i in candidates:
        if i + 1 == len(records) or _fits(records[i][1], records[i + 1][1]):
            return i
    return candidates[0] if candidates else None


def _is_total(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    return bool(TOTAL_ROW.fullmatch(first))


# ---------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class MetricRow:
    line: int
    key: str
    observed_on: date | None
    values: dict[str, float]  # only the metrics present in the row


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str  # e.g. line 7, 'Impressions': "'12,3x' is not a number"


@dataclass(frozen=True)
class Parsed:
    rows: list[MetricRow]
    errors: list[RowError]


class _Bad(ValueError):
    """A cell that can't be read; the message is for the user."""


def parse_metrics(table: Table, mapping: Mapping) -> Parsed:
    """The table's rows read through the mapping: good rows, and one error per bad cell of bad rows.

    A row with any bad cell is skipped whole. A row repeating an earlier (key, date) replaces it."""
    problems = check_mapping(mapping, table.header)
    if problems:
        raise MappingError(problems)
    header = table.header
    key_index = _column_index(header, mapping.key_column)
    metric_indexes = [
        (m, _column_index(header, mapping.metric_columns[m])) for m in METRICS if m in mapping.metric_columns
    ]
    date_index = None if mapping.date_column is None else _column_index(header, mapping.date_column)
    decimal_comma = table.delimiter == ";"
    day_first = None
    if date_index is not None:
        day_first = _day_first(
            (cells[date_index] for _, cells in table.rows if date_index < len(cells)), table.delimiter == ";"
        )

    kept: dict[tuple[str, date | None], MetricRow] = {}
    errors: list[RowError] = []
    for line, cells in table.rows:
        if not _fits(header, cells):
            width = f"{len(cells)} cell" + ("s" if len(cells) != 1 else "")
            errors.append(
                RowError(
                    line,
                    None,
                    f"this row has {width} but the header has {len(header)}: it doesn't look like a row of the export",
                )
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        row_errors = []
        key = cells[key_index]
        if mapping.key_kind == "title":
            key = " ".join(key.split())
        if key.casefold() in KEY_MISSING:
            row_errors.append(
                RowError(line, header[key_index], f"no {_KIND_LABEL[mapping.key_kind]}: {header[key_index]!r} is empty")
            )
        values = {}
        for metric, index in metric_indexes:
            try:
                value = parse_count(cells[index], decimal_comma=decimal_comma)
            except _Bad as bad:
                row_errors.append(RowError(line, header[index], str(bad)))
                continue
            if value is not None:
                values[metric] = value
        observed_on = None
        if date_index is not None:
            try:
                observed_on = _cached_date(cells[date_index], day_first)
            except _Bad as bad:
                row_errors.append(RowError(line, header[date_index], str(bad)))
        if row_errors:
            errors.extend(row_errors)
            continue
        kept.pop((key, observed_on), None)  # the last one wins, in its own place
        kept[(key, observed_on)] = MetricRow(line, key, observed_on, values)
    return Parsed(list(kept.values()), errors)


_KIND_LABEL = {"link": "link", "remote_id": "id", "title": "title"}

_SPACES = " \u00a0\u202f\u2009\u2007'’"  # group separators: spaces (French), apostrophes (Swiss)
_NUMBER = re.compile(r"(?P<sign>[-−+]?)\s*(?P<num>[0-9][0-9.,%s]*)\s*(?P<suffix>[kmb])?" % _SPACES, re.IGNORECASE)
_SPACED = re.compile(r"([0-9]{1,3}(?:[%s][0-9]{3})+)([.,][0-9]+)?" % _SPACES)
_SPACE = re.compile("[%s]" % _SPACES)
_GROUPED = {sep: re.compile(r"[0-9]{1,3}(?:%s[0-9]{3})+" % re.escape(sep)) for sep in ",."}
_DECIMAL = {sep: re.compile(r"[0-9]+%s[0-9]+" % re.escape(sep)) for sep in ",."}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(text: str, *, decimal_comma: bool = False) -> float | None:
    """A count as exports write it, None when missing; _Bad (with the message for the user) otherwise."""
    s = text.strip()
    if s.isascii() and s.isdigit():  # the common case, fast
        return float(s)
    if s.casefold() in MISSING:
        return None
    if s.endswith("%"):
        raise _Bad(f"{text!r} is a percentage, not a count")
    parenthesised = s.startswith("(") and s.endswith(")")  # accountants' negative
    match = _NUMBER.fullmatch(s[1:-1].strip() if parenthesised else s)
    if not match:
        raise _Bad(f"{text!r} is not a number")
    value = _plain_number(match["num"].rstrip(_SPACES), decimal_comma)
    if value is None:
        raise _Bad(f"{text!r} is not a number")
    if match["suffix"]:
        value *= _SUFFIX[match["suffix"].casefold()]
    if (parenthesised or match["sign"] in ("-", "−")) and value != 0:
        raise _Bad(f"{text!r} is negative: a count can't be")
    return float(value)


def _plain_number(num: str, decimal_comma: bool) -> Decimal | None:
    if any(c in _SPACES for c in num):
        spaced = _SPACED.fullmatch(num)
        if not spaced:
            return None
        num = _SPACE.sub("", spaced[1]) + (spaced[2] or "")
    if "," in num and "." in num:
        decimal = "," if num.rindex(",") > num.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = num.rpartition(decimal)
        if not _GROUPED[thousands].fullmatch(whole) or not fraction.isascii() or not fraction.isdigit():
            return None
        num = whole.replace(thousands, "") + "." + fraction
    elif "," in num or "." in num:
        separator = "," if "," in num else "."
        thousands = "." if decimal_comma else ","
        if separator == thousands and _GROUPED[separator].fullmatch(num):
            num = num.replace(separator, "")
        elif _DECIMAL[separator].fullmatch(num):
            num = num.replace(separator, ".")
        else:
            return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:(?:t|\s+|,\s*)(?:at\s+)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?)?"
    r"(?:\s*(?:z|utc|[a-z]{1,4}t))?(?:\s*[+-]\d{2}:?\d{2})?(?:\s*\([^)]*\))?"
)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_YMD_DATE = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})" + _TIME)
_COMPACT_DATE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME
)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME
)
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME)  # German: day first
_SLASHED = re.compile(r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y>\d{4})" + _TIME)


def _day_first(cells, semicolons: bool) -> bool | None:
    """How the column writes slashed dates: True day first, False month first, None when it has both."""
    day_first = month_first = False
    for cell in cells:
        match = _SLASHED.fullmatch(cell.strip().casefold())
        if match:
            a, b = int(match["a"]), int(match["b"])
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first and month_first:
        return None
    if day_first or month_first:
        return day_first
    return semicolons


@lru_cache(maxsize=4096)
def _cached_date(text: str, day_first: bool | None) -> date | None:
    return parse_date(text, day_first=day_first)  # exports repeat dates: cached (errors are not)


def parse_date(text: str, *, day_first: bool | None = False) -> date | None:
    """The date a cell writes (see the module's notes), None when empty; _Bad otherwise.

    ``day_first`` settles slashed dates like 05/11/2026; None means they are ambiguous here."""
    s = " ".join(text.strip().casefold().split())
    if s in MISSING:
        return None
    try:
        for pattern in (_ISO_DATE, _YMD_DATE, _COMPACT_DATE, _DOTTED):
            match = pattern.fullmatch(s)
            if match:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
        for pattern in (_MONTH_FIRST, _DAY_FIRST):
            match = pattern.fullmatch(s)
            if match:
                month = next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(match["mon"])), None)
                if month is None:
                    raise ValueError
                return date(int(match["y"]), month, int(match["d"]))
        match = _SLASHED.fullmatch(s)
        if match:
            a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
            if a > 12 or b > 12 or a == b:
                day, month = (a, b) if a > 12 or a == b else (b, a)
            elif day_first is None:
                raise _Bad(f"{text!r} is ambiguous: this file writes dates both day first and month first")
            else:
                day, month = (a, b) if day_first else (b, a)
            return date(year, month, day)
    except _Bad:
        raise
    except ValueError:  # no such day or month
        pass
    raise _Bad(f"{text!r} is not a date")
