""" "Forgot your password?": a short-lived set-password link, mailed to the address typed when it is a
person's who may sign in, through the newsletter's SMTP account.

Why that account: it is the one mail server the team already configured in Refrain (on the Accounts
page, its password sealed at rest), and its mailer already goes through the guarded SMTP path
(``infra.outbound.smtp``: the address guard, TLS checked against the typed host, no login without
TLS). A second set of SMTP settings in the environment would be a second place to keep a mail password
and a second path to guard. Mail is "configured" when deliveries are live and that account is
connected and usable; otherwise (the outbox of a trial install, no account) the page says to ask an
owner for a link instead, whatever address is typed.

The answer never depends on the address: ``request_link`` returns only whether mail is configured, and
a failure to reach the server is logged, not shown. (Sending takes a moment only when the address has
an account; the rate limits keep anyone from timing many addresses.)
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from scheduler.domain import language
from scheduler.domain.language import N_, _
from scheduler.infra import catalogs, mail
from scheduler.infra.outbound.errors import Refused
from scheduler.services import people, runtime
from scheduler.services.newsletter import mailer

log = logging.getLogger(__name__)
SUBJECT = N_("Your link to set a new Refrain password")


def configured() -> bool:
    """Whether Refrain can mail a link now (else people ask an owner for one)."""
    if runtime.settings().delivery != "live":
        return False
    account = mailer.mail_account()
    return account is not None and not mailer.settings_problem(account)


def message(email: str, link: str, sender: str) -> EmailMessage:
    """The mail, in the language spoken now (``request_link`` speaks its reader's)."""
    msg = EmailMessage()
    msg["From"] = formataddr(("Refrain", sender))
    msg["To"] = email
    msg["Subject"] = _(SUBJECT)
    msg["Message-ID"] = make_msgid(domain=mailer.domain_of(sender))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    msg.set_content(
        mail.render("people/reset_mail.txt", link=link, hours=people.RESET_HOURS, public_url=mailer.public_url())
    )
    return msg


def reader_language(user) -> str:
    """The language the mail is written in: the person's own choice, else the one of the page that asked."""
    return user.language if user.language in language.LANGUAGES else language.code()


def request_link(email: str) -> bool:
    """Mails a set-password link to ``email`` if it is an active person's; True when mail is configured
    (whether or not anything was sent, which the caller must not tell)."""
    if not configured():
        return False
    found = people.reset_link(email)
    if found is None:
        return True
    user, link = found
    try:
        with mailer.Mailer(mailer.mail_account()) as sending:
            with language.speaking(catalogs.translations(reader_language(user))):
                written = message(user.email, link, sending.sender)
            sending.send(written, user.email)
    except (mailer.MailNotConfigured, Refused, smtplib.SMTPException, OSError) as failure:
        log.warning("the password link for person %s was not mailed: %s", user.id, failure)
    return True
