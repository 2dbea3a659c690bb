"""Telling the managers that an indicator's alert turned on: two months running, well off target.

The alert is judged where figures change (``services.kpis``); this module says it to people. A
notice is made inside the change's unit of work (the figures and the people to tell, read then) and
sent after the commit, so a change that rolls back tells nobody, and a mail server that does not
answer never undoes a figure someone entered.

``NOTIFIERS`` is the seam for other ways of telling: each is called with the notice, one failing
does not keep the others from running: mail, and the team's event webhooks (``kpi.alert``).

Mail goes through the newsletter's SMTP account, the one mail server the team configured in Refrain,
by its guarded path (``services.newsletter.mailer``), as the password links do: live deliveries send
it, the outbox of a trial install keeps it as a file. Managers and owners (who hold a manager's
rights) who are active are told.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select

from scheduler.domain import formats, language
from scheduler.domain import kpis as rules
from scheduler.domain import webhooks as events_told
from scheduler.domain.language import _
from scheduler.infra import catalogs, mail
from scheduler.infra.outbound.errors import Refused
from scheduler.models import User
from scheduler.models.database import db
from scheduler.services import events
from scheduler.services.newsletter import mailer
from scheduler.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
TOLD = ("manager", "owner")


@dataclass(frozen=True)
class AlertNotice:
    plan_id: int
    plan_name: str
    kpi_name: str
    unit: str
    better: str
    months: tuple[dict, ...]  # the two months that missed: month, target, actual, gap (None: no gap)
    url: str
    recipients: tuple[tuple[str, str], ...]  # (email, name)
    # each recipient's language, by email: their profile's choice, English when they left it to the browser
    languages: tuple[tuple[str, str], ...] = ()


def notice_for(plan, kpi, rows: list[rules.MonthRow]) -> AlertNotice:
    judged = [row for row in rows if row.actual is not None][-2:]
    people = db.session.execute(
        select(User.email, User.name, User.language).where(User.active.is_(True), User.role.in_(TOLD)).order_by(User.id)
    ).all()
    return AlertNotice(
        plan_id=plan.id,
        plan_name=plan.name,
        kpi_name=kpi.name,
        unit=kpi.unit,
        better=kpi.better,
        months=tuple(
            {"month": row.month, "target": row.target, "actual": row.actual, "gap": row.gap} for row in judged
        ),
        url=f"{mailer.public_url()}/plans/{plan.id}/kpis",
        recipients=tuple((email, name or email) for email, name, _language in people),
        languages=tuple((email, language.best_of(chosen)) for email, _name, chosen in people),
    )


def _figure(value: float) -> str:
    return f"{value:g}" if language.code() == language.DEFAULT else formats.number(value)


def _gap(value: float | None) -> str:
    if value is None:
        return _("no gap")
    if language.code() == language.DEFAULT:
        return f"{value:+.0%}"
    return ("+" if value >= 0 else "-") + formats.share(abs(value))


def months_in_words(notice: AlertNotice) -> list[dict]:
    """The months that missed, their figures as the language spoken now writes them."""
    return [
        {"month": m["month"], "target": _figure(m["target"]), "actual": _figure(m["actual"]), "gap": _gap(m["gap"])}
        for m in notice.months
    ]


def mail_managers(notice: AlertNotice) -> int:
    """One message per manager; how many went. A server that refuses or is away is logged."""
    if not notice.recipients:
        return 0
    with unit_of_work():  # the account is read (and decrypted) in a unit of its own, after the change's
        account = mailer.mail_account()
    sent = 0
    try:
        with mailer.Mailer(account) as sending:
            for email, name in notice.recipients:
                sending.send(message(notice, email, name, sending.sender), email)
                sent += 1
    except (mailer.MailNotConfigured, Refused, smtplib.SMTPException, OSError) as failure:
        log.warning("the alert on %s (plan %s) was not mailed: %s", notice.kpi_name, notice.plan_id, failure)
    return sent


def message(notice: AlertNotice, email: str, name: str, sender: str) -> EmailMessage:
    """The mail to one manager, in their language (their profile's; English when they left it to the browser)."""
    with language.speaking(catalogs.translations(dict(notice.languages).get(email, language.DEFAULT))):
        msg = EmailMessage()
        msg["From"] = formataddr(("Refrain", sender))
        msg["To"] = email
        msg["Subject"] = _(
            "Alert: %(kpi)s missed its target two months running (%(plan)s)",
            kpi=notice.kpi_name,
            plan=notice.plan_name,
        )
        msg["Message-ID"] = make_msgid(domain=mailer.domain_of(sender))
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
        body = mail.render("kpis/alert_mail.txt", notice=notice, name=name, months=months_in_words(notice))
        msg.set_content(body)
    return msg


def tell_webhooks(notice: AlertNotice) -> int:
    """The alert as a ``kpi.alert`` event, to the subscriptions that want it (in a unit of its own)."""
    data = {
        "plan_id": notice.plan_id,
        "plan_name": notice.plan_name,
        "kpi": notice.kpi_name,
        "unit": notice.unit,
        "better": notice.better,
        "months": [dict(month) for month in notice.months],
        "url": notice.url,
    }
    return len(events.publish(events_told.KPI_ALERT, data, plan_id=notice.plan_id))


NOTIFIERS: list[Callable[[AlertNotice], object]] = [mail_managers, tell_webhooks]
_silenced: ContextVar[bool] = ContextVar("refrain_kpi_alerts_silenced", default=False)


@contextmanager
def silenced():
    """Alerts judged within the block are shown, not told (the demo's: its managers' addresses are
    made up, and a live mail server must not be asked to deliver to them)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def told() -> bool:
    return not _silenced.get()


def notify(notice: AlertNotice) -> None:
    for notifier in NOTIFIERS:
        try:
            notifier(notice)
        except Exception:  # noqa: BLE001 - one way of telling failing must not silence the others
            log.exception("telling of the alert on %s by %s failed", notice.kpi_name, notifier.__name__)
