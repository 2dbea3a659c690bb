"""Posts as CSV: the columns an export writes, and an import's rows read back into the services' input.

One file shape goes both ways, so an export opened in a spreadsheet, edited and imported again into a
plan (the same or another) gives the same posts: times keep their offsets, a theme decided by hand stays
decided by hand, and each channel's own fields travel as one JSON object in ``extra``. What only the
database can say (the post's id, its plan, its status) is written for people to read and ignored on
import: the import's plan is chosen when importing, and its posts are new drafts, or scheduled.

Reading is pure: cells become the fields ``services.posts.create_post`` takes, and a cell that cannot be
read (an ``extra`` that is not JSON, an ``on_theme`` that is not yes or no) is a problem of its row, by
line and column. Everything else a row must satisfy is checked by the services, as for the editor.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime

from scheduler.domain.language import _
from scheduler.domain.metrics_csv.table import Table
from scheduler.domain.periods import read_wall_clock, zone

COLUMNS = (
    "id",
    "plan",
    "channel",
    "title",
    "body",
    "link",
    "scheduled_at",
    "status",
    "on_theme",
    "theme_source",
    "extra",
)
REQUIRED = ("channel", "body", "scheduled_at")
IGNORED = ("id", "plan", "plan_id", "status")  # said by an export, decided by the import
YES, NO = {"true", "yes", "1", "y", "on theme", "oui", "是"}, {"false", "no", "0", "n", "off", "off theme", "non", "否"}


@dataclass(frozen=True)
class Problem:
    """What is wrong with a row: its line in the file (1-based, the header included), the field, in words."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class Row:
    line: int
    data: dict  # the fields create_post takes, but the plan
    problems: list[Problem] = field(default_factory=list)


def header_problems(header: list[str]) -> dict[str, str]:
    """The file's columns: the ones a post needs must be there, each once."""
    names = [name_of(cell) for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    twice = sorted({name for name in names if name and names.count(name) > 1})
    problems = {}
    if missing:
        problems["file"] = _(
            "has no %(missing)s column (the columns are: %(columns)s)",
            missing=", ".join(missing),
            columns=", ".join(COLUMNS),
        )
    elif twice:
        problems["file"] = _("has the %(columns)s column more than once", columns=", ".join(twice))
    return problems


def unused_columns(header: list[str]) -> list[str]:
    return [cell for cell in header if cell and name_of(cell) not in COLUMNS and name_of(cell) not in IGNORED]


def name_of(cell: str) -> str:
    return "_".join(str(cell).replace("\ufeff", "").strip().casefold().split())


def read_rows(table: Table, time_zone: str) -> list[Row]:
    """Every data row of ``table`` as the services' input; times without an offset are on ``time_zone``'s
    clock (a spreadsheet often drops the offset), said in the row's notices."""
    names = [name_of(cell) for cell in table.header]
    return [_row(line, dict(zip(names, cells)), time_zone) for line, cells in table.rows]


def _row(line: int, cells: dict, time_zone: str) -> Row:
    problems: list[Problem] = []
    data = {name: cells.get(name, "") for name in ("channel", "title", "body", "link")}
    data["scheduled_at"] = _instant(cells.get("scheduled_at", ""), time_zone)
    on_theme = cells.get("on_theme", "").strip().casefold()
    decided_by_keywords = cells.get("theme_source", "").strip().casefold() == "keywords"
    if on_theme and not decided_by_keywords:
        if on_theme in YES:
            data["on_theme"] = True
        elif on_theme in NO:
            data["on_theme"] = False
        else:
            problems.append(Problem(line, "on_theme", _("must be true or false (or empty: decided by the keywords)")))
    extra = cells.get("extra", "").strip()
    if extra:
        try:
            value = json.loads(extra)
        except ValueError:
            value = None
        if isinstance(value, dict):
            data["extra"] = value
        else:
            problems.append(Problem(line, "extra", _('must be a JSON object, such as {"tags": ["summer"]}')))
    return Row(line, data, problems)


def _instant(text: str, time_zone: str) -> str:
    """A time as written, with the plan's offset added when it has none; text that is no time is left for
    the services to refuse in their words."""
    text = text.strip()
    try:
        written = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if written.tzinfo is not None:
        return text
    return read_wall_clock(written, time_zone).utc.astimezone(zone(time_zone)).isoformat()


def export_row(post, plan_name: str, time_zone: str) -> list[str]:
    """One post as the export writes it (``post``: anything with the post's attributes)."""
    when = post.scheduled_at.astimezone(zone(time_zone)).isoformat() if post.scheduled_at else ""
    return [
        str(post.id),
        plan_name,
        post.channel,
        post.title or "",
        post.body or "",
        post.link or "",
        when,
        post.status,
        "true" if post.on_theme else "false",
        post.theme_source or "keywords",
        json.dumps(post.extra, ensure_ascii=False, sort_keys=True) if post.extra else "",
    ]


def lines(rows) -> str:
    """CSV text of ``rows`` (lists of cells), with \\r\\n line ends as RFC 4180 writes them."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
