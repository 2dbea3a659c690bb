"""The subscribers themselves, for the team: a list paged and searched, its export and an import, each
with the date every reader agreed to be mailed (``confirmed_at``: their double opt-in, or the consent
date an import brought).

An import never subscribes anyone again who left: an address that unsubscribed stays unsubscribed,
whatever the file says. Rows are checked one by one (the address as the public signup checks it, the
consent date by ``domain.subscribers_csv``); the good ones are kept, the others said by their line.
"""

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import func, insert, or_, select

from scheduler.domain.language import _
from scheduler.domain.metrics_csv.table import read_table
from scheduler.domain.subscribers_csv import EXPORT_COLUMNS, MissingColumns, Refused, read_subscribers
from scheduler.models import Subscriber
from scheduler.models.database import db
from scheduler.services.clock import now
from scheduler.services.errors import Invalid
from scheduler.services.newsletter import CONFIRMED, PENDING, UNSUBSCRIBED, addresses
from scheduler.services.newsletter.subscribers import new_nonce
from scheduler.services.unit_of_work import unit_of_work

PAGE_SIZE = 50
STATUSES = (PENDING, CONFIRMED, UNSUBSCRIBED)
LARGEST_IMPORT = 10 * 1024 * 1024
MOST_ROWS = 100_000
REFUSALS_SHOWN = 500


@dataclass(frozen=True)
class SubscriberPage:
    rows: list[Subscriber]
    total: int  # matching the search, on every page
    page: int
    pages: int


@dataclass
class ImportResult:
    imported: int = 0
    confirmed: int = 0  # pending signups the file says agreed: confirmed with its date
    already: int = 0  # confirmed subscribers already: left as they are
    refused: list[Refused] = field(default_factory=list)


def _filtered(query, search: str, status: str):
    search = " ".join(str(search or "").split()).lower()[:200]
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(Subscriber.email.like(pattern, escape="\\"), func.lower(Subscriber.name).like(pattern, escape="\\"))
        )
    if status:
        if status not in STATUSES:
            raise Invalid({"status": _("must be one of %(choices)s", choices=", ".join(STATUSES))})
        query = query.where(Subscriber.status == status)
    return query


def search(search: str = "", status: str = "", page: int = 1, per_page: int = PAGE_SIZE) -> SubscriberPage:
    """One page of the subscribers whose address or name holds ``search``, newest first."""
    total = db.session.scalar(_filtered(select(func.count(Subscriber.id)), search, status)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, int(page or 1)), pages)
    rows = db.session.scalars(
        _filtered(select(Subscriber), search, status)
        .order_by(Subscriber.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return SubscriberPage(list(rows), total, page, pages)


def _moment(value) -> str:
    return value.isoformat() if value else ""


def export_rows(search: str = "", status: str = ""):
    """The CSV, line by line: the header, then each subscriber with when they signed up, when they agreed
    (``consented_at``) and when they left."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(values) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()

    query = _filtered(select(Subscriber), search, status).order_by(Subscriber.id).execution_options(yield_per=1000)
    yield line(EXPORT_COLUMNS)
    for s in db.session.scalars(query):
        yield line(
            [
                s.email,
                _safe_cell(s.name),
                s.status,
                s.source,
                _moment(s.created_at),
                _moment(s.confirmed_at),
                _moment(s.unsubscribed_at),
                s.referral_code or "",
            ]
        )


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice): a name typed on the
    public form may begin with = + - @."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@unit_of_work
def import_subscribers(data: bytes) -> ImportResult:
    """Confirmed subscribers from a CSV with an address and a consent date per row; see the module."""
    if not data:
        raise Invalid({"file": _("is empty: choose the CSV file of your subscribers")})
    if len(data) > LARGEST_IMPORT:
        raise Invalid({"file": _("is larger than %(mb)s MB; import it in parts", mb=LARGEST_IMPORT // (1024 * 1024))})
    try:
        reading = read_subscribers(read_table(data, max_rows=MOST_ROWS), now())
    except (ValueError, MissingColumns) as error:
        raise Invalid({"file": str(error)}) from None
    result = ImportResult(refused=list(reading.refused))
    checked = [(row, *addresses.read(row.email)) for row in reading.rows]
    known = _known([email for _row, email, _problem in checked])
    seen: set[str] = set()
    new = []  # inserted in bulk: a list of 100,000 readers is not 100,000 objects
    for row, email, problem in checked:
        if problem:
            result.refused.append(Refused(row.line, _("%(email)s %(problem)s", email=row.email[:80], problem=problem)))
        elif email in seen:
            result.refused.append(
                Refused(row.line, _("%(email)s is in the file twice: the first row was kept", email=email))
            )
        elif (existing := known.get(email)) is not None:
            _merge(existing, row, result)
        else:
            new.append(
                {
                    "email": email,
                    "name": row.name,
                    "status": CONFIRMED,
                    "source": "import",
                    "token_nonce": new_nonce(),
                    "created_at": now(),
                    "confirmed_at": row.consented_at,
                }
            )
        seen.add(email)
    for start in range(0, len(new), 2000):
        db.session.execute(insert(Subscriber), new[start : start + 2000])
    result.imported = len(new)
    result.refused.sort(key=lambda refusal: refusal.line)
    return result


def _merge(existing: Subscriber, row, result: ImportResult) -> None:
    if existing.status == UNSUBSCRIBED:
        when = existing.unsubscribed_at.date().isoformat() if existing.unsubscribed_at else _("earlier")
        result.refused.append(
            Refused(
                row.line,
                _(
                    "%(email)s unsubscribed (%(when)s): an import never subscribes anyone again",
                    email=existing.email,
                    when=when,
                ),
            )
        )
    elif existing.status == PENDING:
        existing.status, existing.confirmed_at = CONFIRMED, row.consented_at
        existing.name = existing.name or row.name
        result.confirmed += 1
    else:
        result.already += 1


def _known(emails: list[str]) -> dict[str, Subscriber]:
    wanted = [e for e in emails if e]
    found = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update({s.email: s for s in db.session.scalars(select(Subscriber).where(Subscriber.email.in_(chunk)))})
    return found
