"""A subscriber list exported from another tool (Mailchimp, a spreadsheet), read into rows to import.

Only readers who agreed to receive the newsletter may be imported, and the date they agreed is what
shows it: a row without a consent date (or with one that cannot be read, or one still to come) is
refused, by its line, and the good rows are kept. The address itself is checked by the service (the
same check as the public signup's), and so is what the list already holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from babel.lists import format_list

from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.domain.metrics_csv.table import Table

# header names (case, spaces, dashes and underscores ignored), most usual first
EMAIL_COLUMNS = ("email", "email address", "e mail", "adresse e mail", "adresse email", "courriel")
NAME_COLUMNS = ("name", "full name", "nom", "nom complet")
CONSENT_COLUMNS = (
    "consented at",
    "consent date",
    "consented on",
    "consent",
    "opt in date",
    "optin time",
    "confirm time",
    "confirmed at",
    "date de consentement",
)
EXPORT_COLUMNS = (
    "email",
    "name",
    "status",
    "source",
    "signed_up_at",
    "consented_at",
    "unsubscribed_at",
    "referral_code",
)


@dataclass(frozen=True)
class Row:
    line: int
    email: str  # as the file has it: the service reads it as the signup does
    name: str
    consented_at: datetime  # aware UTC


@dataclass(frozen=True)
class Refused:
    line: int
    message: str


@dataclass(frozen=True)
class Reading:
    rows: list[Row]
    refused: list[Refused]


class MissingColumns(ValueError):
    """The file has no column for the address, or none for the consent date: nothing can be imported."""


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", str(name).casefold()).split())


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    normalised = [_norm(h) for h in header]
    return next((normalised.index(name) for name in names if name in normalised), None)


def consent_moment(text: str, now: datetime) -> tuple[datetime | None, str]:
    """(the moment, "") or (None, why not): an ISO 8601 date or time; a bare date is its start, and a time
    without an offset is UTC (what exports write). A moment after ``now`` is not a consent yet."""
    text = text.strip()
    if not text:
        return None, _("has no consent date: only readers who agreed, with the date they did, are imported")
    try:
        moment = (
            datetime.combine(date.fromisoformat(text), time(), timezone.utc)
            if len(text) == 10
            else datetime.fromisoformat(text.replace("Z", "+00:00"))
        )
    except ValueError:
        return None, _(
            "has a consent date %(text)s that is not a date (2025-03-14 or 2025-03-14T10:00:00+01:00)",
            text=repr(text[:40]),
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    if moment > now:
        return None, _("has a consent date %(text)s still to come", text=repr(text[:40]))
    return moment, ""


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def read_subscribers(table: Table, now: datetime) -> Reading:
    """The rows of a subscriber list; ``MissingColumns`` when it has no address or consent column."""
    email_at, consent_at = _column(table.header, EMAIL_COLUMNS), _column(table.header, CONSENT_COLUMNS)
    if email_at is None or consent_at is None:
        missing = [
            what for what, at in ((_("the email address"), email_at), (_("the consent date"), consent_at)) if at is None
        ]
        raise MissingColumns(
            _(
                "the file has no column for %(missing)s: name them “email” and “consented_at” (found: %(found)s)",
                missing=format_list(missing, locale=language.code()),
                found=", ".join(h for h in table.header if h) or _("none"),
            )
        )
    name_at = _column(table.header, NAME_COLUMNS)
    rows, refused = [], []
    for line, cells in table.rows:
        email = _cell(cells, email_at)
        if not email:
            refused.append(Refused(line, _("has no email address")))
            continue
        moment, problem = consent_moment(_cell(cells, consent_at), now)
        if moment is None:
            refused.append(Refused(line, _("%(email)s %(problem)s", email=email[:80], problem=problem)))
            continue
        rows.append(Row(line, email, " ".join(_cell(cells, name_at).split())[:200], moment))
    return Reading(rows, refused)
