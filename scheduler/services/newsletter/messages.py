"""The newsletter's mail: an issue for one subscriber (text and HTML, one-click unsubscribe) and the
confirmation a signup asks for, their bodies rendered from templates/newsletter/ by
``scheduler.infra.mail``."""

import logging
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime

from markupsafe import Markup, escape

from channels.base import Account
from channels.sanitising import NEWSLETTER, render_html
from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.infra import catalogs, mail
from scheduler.infra.queue import KEEP_FAILURES_FOR, KEEP_RESULTS_FOR, SEND_NEWSLETTER_CONFIRMATION
from scheduler.models import Subscriber
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.clock import now
from scheduler.services.newsletter import PENDING, addresses
from scheduler.services.newsletter.mailer import Mailer, domain_of, mail_account, public_url
from scheduler.services.newsletter.subscribers import confirm_token, unsubscribe_token

log = logging.getLogger(__name__)

LONG_HEADERS = default_policy.clone(max_line_length=998)
UNSUBSCRIBE_SLOT, NAME_SLOT = "@@refrain-unsubscribe-url@@", "@@refrain-subscriber-name@@"


def _addresses(message: EmailMessage, account: Account | None, to_email: str, to_name: str) -> None:
    from_address = account.setting("from_address") if account else "newsletter@localhost"
    message["From"] = Address(
        display_name=account.setting("from_name") if account else "Refrain", addr_spec=from_address
    )
    message["To"] = addresses.header_address(to_name, to_email)  # accents in the address kept as typed
    if account and account.setting("reply_to"):
        message["Reply-To"] = account.setting("reply_to")


def render_issue(payload: dict, account: Account | None) -> tuple[str, str]:
    """The issue's text and HTML, rendered once per batch from templates/newsletter/issue.*; each
    recipient's unsubscribe link and name go into their slots afterwards. The sections' Markdown becomes
    HTML cleaned to the newsletter's allow-list, unless the post was trusted HTML when it was queued."""
    context = {
        "issue": payload,
        "sections": payload.get("sections") or [],
        "name": NAME_SLOT,
        "unsubscribe_url": UNSUBSCRIBE_SLOT,
        "render_markdown": lambda text: Markup(render_html(text, NEWSLETTER, bool(payload.get("trusted_html")))),
        "from_name": account.setting("from_name") if account else "",
        "lang": language.code(),
    }
    return mail.render("newsletter/issue.txt", **context), mail.render("newsletter/issue.html", **context)


def issue_message(
    payload: dict,
    post_id: int,
    subscriber_id: int,
    email: str,
    name: str,
    message_id: str,
    account: Account | None,
    rendered: tuple[str, str] | None = None,
) -> EmailMessage:
    """The issue for one subscriber: text and HTML alternatives, with one-click unsubscribe (RFC 8058)."""
    unsubscribe_url = f"{public_url()}/newsletter/unsubscribe/{unsubscribe_token(subscriber_id, email)}"
    sender = account.setting("from_address") if account else "newsletter@localhost"
    mailbox = (account.setting("reply_to") if account else "") or sender
    text, html = rendered or render_issue(payload, account)
    message = EmailMessage()
    _addresses(message, account, email, name)
    message["Subject"] = payload.get("subject") or ""
    message["Date"] = format_datetime(now())
    message["Message-ID"] = message_id
    message["List-Id"] = f"<newsletter.{domain_of(sender)}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>, <mailto:{mailbox}?subject=unsubscribe>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Refrain-Issue"] = str(post_id)
    message.set_content(text.replace(UNSUBSCRIBE_SLOT, unsubscribe_url).replace(NAME_SLOT, name or ""))
    message.add_alternative(
        html.replace(UNSUBSCRIBE_SLOT, unsubscribe_url).replace(NAME_SLOT, str(escape(name or ""))), subtype="html"
    )
    # the bodies are encoded (quoted-printable, 76 a line) by now; the headers are folded when the message
    # is written, and at 78 a line a List-Unsubscribe URL would come out as an RFC 2047 encoded word that no
    # mail client reads as a URL: headers may run to RFC 5322's 998
    message.policy = LONG_HEADERS
    return message


def confirmation_message(subscriber: Subscriber, account: Account | None) -> EmailMessage:
    link = f"{public_url()}/newsletter/confirm/{confirm_token(subscriber)}"
    sender = account.setting("from_address") if account else "newsletter@localhost"
    context = {
        "name": subscriber.name,
        "confirm_url": link,
        "from_name": (account.setting("from_name") if account else "") or _("our newsletter"),
        "lang": language.code(),
    }
    message = EmailMessage()
    _addresses(message, account, subscriber.email, subscriber.name)
    message["Subject"] = _("Confirm your subscription to %(newsletter)s", newsletter=context["from_name"])
    message["Date"] = format_datetime(now())
    message["Message-ID"] = f"<refrain-confirm-{subscriber.id}-{subscriber.token_nonce}@{domain_of(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.render("newsletter/confirm.txt", **context))
    message.add_alternative(mail.render("newsletter/confirm.html", **context), subtype="html")
    return message


def request_confirmation(subscriber: Subscriber) -> None:
    """The confirmation mail goes out from a worker; when Redis cannot take the job, from here. It is
    written in the language the signup was made in (the reader's browser's): the job carries it."""
    subscriber_id, nonce, spoken = subscriber.id, subscriber.token_nonce, language.code()
    try:
        runtime.queues().deliveries.enqueue(
            SEND_NEWSLETTER_CONFIRMATION,
            subscriber_id,
            "",
            spoken,
            job_id=f"newsletter-confirm-{subscriber_id}-{nonce}",
            job_timeout=120,
            result_ttl=KEEP_RESULTS_FOR,
            failure_ttl=KEEP_FAILURES_FOR,
            description=f"newsletter: confirm subscriber {subscriber_id}",
        )
    except Exception as error:  # noqa: BLE001 - Redis down
        log.warning("could not queue the confirmation of subscriber %s (%s); sending it now", subscriber_id, error)
        send_confirmation(subscriber_id, spoken=spoken)


def send_confirmation(subscriber_id: int, _base_url: str = "", spoken: str = "") -> str:
    """``_base_url`` is ignored: jobs queued by an older Refrain still carry the address their request named.
    ``spoken``: the language the mail is written in (the signup's; English for a job that carries none)."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.status != PENDING:
        return "skipped"
    account = mail_account()
    with language.speaking(catalogs.translations(language.best_of(spoken))):
        message = confirmation_message(subscriber, account)
    with Mailer(account) as mailer:
        mailer.send(message, subscriber.email)
    return "sent"
