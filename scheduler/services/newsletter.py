"""The newsletter: subscribers with double opt-in, staff referral codes, one-click unsubscribe, and
issues mailed over SMTP in batches by RQ jobs.

The database is the truth about who got what. When a newsletter post is delivered (live mode), one
``NewsletterSend`` row is written per confirmed subscriber (unique per post and subscriber, so doing
it twice adds nothing), each with its batch number and a Message-ID that never changes
(``<refrain-issue-<post>-<subscriber>@<domain>>``). Then one keyed RQ job per batch is enqueued.

A batch job claims its ``pending`` rows with one guarded ``UPDATE`` (pending → sending, stamped with a
claim id), so two runs of the same batch never share a row; it sends them over one SMTP connection,
in id order, and commits each row ``sent`` as soon as the server has accepted its message. A reply
that says "not now" (4xx, a dropped connection) puts the rest back to ``pending`` and schedules a
retry of that batch (its own job id, backing off from a minute to an hour; rows still pending two
days after the issue went out are ``failed``); a permanent refusal (5xx) marks that row ``failed``.
A subscriber who unsubscribed before their batch ran is ``skipped``. When no row of the issue is
pending or sending any more, the issue is finished: its summary is written once to the post's history.

The window, honestly: if the worker dies after the server accepted a message and before the row
was committed, nothing on our side can know whether that one message went out. Because rows are
sent in id order and committed one by one, that is at most ONE row per crash: the first row still
``sending`` in the dead claim (every later row was never tried). The sweeper puts stale claims back
to ``pending``, notes that first row, and the retry sends it again with the same Message-ID, which
lets receivers that keep Message-IDs drop the copy. Every other recipient is mailed exactly once.
"""

import hashlib
import logging
import re
import secrets
import smtplib
import socket
import ssl
import uuid
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from channels.base import Account
from channels.newsletter import Newsletter
from scheduler.infra import mail
from scheduler.infra.queue import (
    KEEP_FAILURES_FOR,
    KEEP_RESULTS_FOR,
    SEND_NEWSLETTER_BATCH,
    SEND_NEWSLETTER_CONFIRMATION,
)
from scheduler.infra.sanitise import render_markdown
from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import NewsletterIssue, NewsletterSend, Post, PostEvent, ReferralCode, Subscriber
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import accounts, runtime
from scheduler.services.clock import now
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader

log = logging.getLogger(__name__)

PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"

BATCH_SIZE = 100
BATCH_JOB_TIMEOUT = 600  # seconds: 100 messages over one connection take far less
CLAIM_TIMEOUT = BATCH_JOB_TIMEOUT + 60  # a claim older than this belongs to a job that died
SMTP_TIMEOUT = 30
CONFIRM_MAX_AGE = 7 * 24 * 3600
RESEND_CONFIRMATION_AFTER = timedelta(minutes=2)  # a second signup soon after the first sends nothing new
GIVE_UP_AFTER = timedelta(days=2)  # retries back off up to an hour; rows still pending then are failed
SECURITY_MODES = ("starttls", "ssl", "none")
MAIL_OUTBOX = "newsletter-mail"

# ASCII addresses only: a UTF-8 local part needs SMTPUTF8 all along the way
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


class BadToken(ValueError):
    """A link that was tampered with, expired, or meant for another request."""


class MailNotConfigured(RuntimeError):
    pass


# signed links


def _serializer(purpose: str, timed: bool = True) -> URLSafeSerializer:
    """Confirmation links expire; unsubscribe links never do (and stay the same in every retry)."""
    kind = URLSafeTimedSerializer if timed else URLSafeSerializer
    return kind(runtime.settings().secret_key, salt=f"refrain-newsletter-{purpose}")


def _email_tag(email: str) -> str:
    """Binds a link to the address too, so an id reused after a deletion opens nothing."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:10]


def confirm_token(subscriber: Subscriber) -> str:
    return _serializer("confirm").dumps([subscriber.id, subscriber.token_nonce])


def unsubscribe_token(subscriber_id: int, email: str) -> str:
    return _serializer("unsubscribe", timed=False).dumps([subscriber_id, _email_tag(email)])


def _read(token: str, purpose: str, max_age: int | None = None) -> list:
    try:
        value = (
            _serializer(purpose).loads(token, max_age=max_age)
            if max_age
            else _serializer(purpose, timed=False).loads(token)
        )
    except SignatureExpired:
        raise BadToken("this link has expired: sign up again to get a new one") from None
    except BadSignature:
        raise BadToken("this link is not valid") from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken("this link is not valid")
    return value


# subscribers


def new_nonce() -> str:
    return secrets.token_hex(8)


def signup(data) -> tuple[Subscriber, bool]:
    """A signup from the public form: (subscriber, whether a confirmation mail should go out).

    The answer is the same whether or not the address was known, so the form tells nobody who reads
    the newsletter; a confirmed subscriber gets no mail, a pending one gets the link again (not more
    than once every two minutes), an unsubscribed one starts a new opt-in."""
    reader = Reader(dict(data))
    email = reader.text("email", max_length=320).lower()
    name = " ".join(reader.text("name", required=False, max_length=200).split())
    ref = reader.text("ref", required=False, max_length=40).lower()
    if email and not EMAIL.match(email):
        reader.fail("email", "is not an email address (name@example.com)")
    reader.done()
    try:
        created = _add_subscriber(email, name, ref)
    except IntegrityError:  # the same address, signed up at the same moment elsewhere
        created = None
    return (created, True) if created is not None else _sign_up_again(email, name, ref)


def _referral(ref: str) -> str | None:
    return ref if ref and db.session.scalar(select(ReferralCode.id).where(ReferralCode.code == ref)) else None


@unit_of_work
def _add_subscriber(email: str, name: str, ref: str) -> Subscriber | None:
    """A new, pending subscriber; None when the address is already known."""
    if db.session.scalar(select(Subscriber.id).where(Subscriber.email == email)) is not None:
        return None
    subscriber = Subscriber(
        email=email,
        name=name,
        status=PENDING,
        referral_code=_referral(ref),
        source="signup",
        token_nonce=new_nonce(),
        created_at=now(),
        confirm_sent_at=now(),
    )
    db.session.add(subscriber)
    return subscriber


@unit_of_work
def _sign_up_again(email: str, name: str, ref: str) -> tuple[Subscriber, bool]:
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
    if subscriber.status == CONFIRMED:
        return subscriber, False
    if subscriber.status == UNSUBSCRIBED:
        subscriber.status, subscriber.token_nonce, subscriber.unsubscribed_at = PENDING, new_nonce(), None
    elif subscriber.confirm_sent_at and now() - subscriber.confirm_sent_at < RESEND_CONFIRMATION_AFTER:
        return subscriber, False
    subscriber.name = name or subscriber.name
    subscriber.referral_code = subscriber.referral_code or _referral(ref)  # the first referral counts
    subscriber.confirm_sent_at = now()  # when the last link was asked for: the throttle counts from here
    return subscriber, True


@unit_of_work
def confirm(token: str) -> Subscriber:
    subscriber_id, nonce = _read(token, "confirm", max_age=CONFIRM_MAX_AGE)
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound("subscriber")
    if subscriber.status == CONFIRMED:
        return subscriber
    if subscriber.status != PENDING or not secrets.compare_digest(nonce, subscriber.token_nonce or ""):
        raise BadToken("this link was replaced by a newer one: use the latest email, or sign up again")
    db.session.execute(
        update(Subscriber)
        .where(Subscriber.id == subscriber.id, Subscriber.status == PENDING)
        .values(status=CONFIRMED, confirmed_at=now())
    )
    db.session.refresh(subscriber)
    return subscriber


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    subscriber_id, tag = _read(token, "unsubscribe")
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or not secrets.compare_digest(tag, _email_tag(subscriber.email)):
        raise NotFound("subscriber")
    return subscriber


@unit_of_work
def unsubscribe(token: str) -> Subscriber:
    """One click, no questions: also drops the subscriber from every issue still being mailed."""
    subscriber = subscriber_for_unsubscribe(token)
    if subscriber.status != UNSUBSCRIBED:
        db.session.execute(
            update(Subscriber).where(Subscriber.id == subscriber.id).values(status=UNSUBSCRIBED, unsubscribed_at=now())
        )
        db.session.execute(
            update(NewsletterSend)
            .where(NewsletterSend.subscriber_id == subscriber.id, NewsletterSend.status == PENDING)
            .values(status=SKIPPED, error="unsubscribed before this issue reached them")
        )
        db.session.refresh(subscriber)
    return subscriber


def counts_by_status() -> dict:
    found = dict(db.session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status)).all())
    return {status: found.get(status, 0) for status in (PENDING, CONFIRMED, UNSUBSCRIBED)}


# referral codes


def add_referral_code(data) -> ReferralCode:
    try:
        return _add_referral_code(data)
    except IntegrityError:  # the same code, added at the same moment elsewhere
        raise Invalid({"code": "is already taken"}) from None


@unit_of_work
def _add_referral_code(data) -> ReferralCode:
    reader = Reader(dict(data))
    code = reader.text("code", max_length=40).lower()
    staff = " ".join(reader.text("staff_name", max_length=200).split())
    if code and not CODE.match(code):
        reader.fail("code", "use 2 to 40 letters, digits, - or _ (it goes in a link)")
    if code and CODE.match(code) and db.session.scalar(select(ReferralCode.id).where(ReferralCode.code == code)):
        reader.fail("code", "is already taken")
    reader.done()
    referral = ReferralCode(code=code, staff_name=staff, created_at=now())
    db.session.add(referral)
    return referral


def referral_report() -> list[dict]:
    """Per staff member: their codes and the signups each brought (all, and confirmed ones)."""
    counted = {
        code: (total, confirmed)
        for code, total, confirmed in db.session.execute(
            select(Subscriber.referral_code, func.count(), func.sum(case((Subscriber.status == CONFIRMED, 1), else_=0)))
            .where(Subscriber.referral_code.is_not(None))
            .group_by(Subscriber.referral_code)
        ).all()
    }
    rows = []
    for referral in db.session.scalars(select(ReferralCode).order_by(ReferralCode.staff_name, ReferralCode.code)):
        total, confirmed = counted.get(referral.code, (0, 0))
        rows.append(
            {
                "code": referral.code,
                "staff_name": referral.staff_name,
                "signups": total,
                "confirmed": int(confirmed or 0),
            }
        )
    return rows


# the mail account


def mail_account() -> Account | None:
    """The newsletter's connected account (SMTP and addresses), decrypted; None when there is none."""
    account = accounts.for_channel("newsletter")
    if account is None or account.status == accounts.UNAUTHORIZED:
        return None
    return accounts.as_adapter_account(account)


def settings_problem(account: Account) -> str:
    """What makes this account unusable for mail, in words; "" when nothing does."""
    if not account.setting("host"):
        return "the newsletter account has no SMTP server"
    if not account.setting("port", "587").isdigit():
        return f"the SMTP port {account.setting('port')!r} is not a number"
    if account.setting("security", "starttls") not in SECURITY_MODES:
        return f"SMTP security must be one of {', '.join(SECURITY_MODES)}"
    if not EMAIL.match(account.setting("from_address").lower()):
        return "the newsletter account needs a valid From address"
    if not account.setting("public_url").startswith(("https://", "http://")):
        return "the newsletter account needs the public address of Refrain (for its links)"
    return ""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower() or "refrain.invalid"


def public_url(account: Account | None, fallback: str = "") -> str:
    return ((account.setting("public_url") if account else "") or fallback or "http://localhost:5000").rstrip("/")


@lru_cache(maxsize=1)
def local_hostname() -> str:
    """Looked up once per process: smtplib would otherwise ask DNS on every connection."""
    return socket.getfqdn()


class Mailer:
    """One SMTP connection for many messages (or, in outbox mode, the outbox folder)."""

    def __init__(self, account: Account | None, mode: str | None = None):
        self.account = account
        settings = runtime.settings()
        self.mode = mode or settings.delivery
        self.smtp = None
        self.folder = settings.outbox / MAIL_OUTBOX

    @property
    def sender(self) -> str:
        return self.account.setting("from_address") if self.account else "newsletter@localhost"

    def open(self) -> "Mailer":
        if self.mode != "live":
            self.folder.mkdir(parents=True, exist_ok=True)
            return self
        if self.account is None:
            raise MailNotConfigured("no newsletter account is connected: connect one on the Accounts page")
        problem = settings_problem(self.account)
        if problem:
            raise MailNotConfigured(problem)
        host, port = self.account.setting("host"), int(self.account.setting("port", "587"))
        security = self.account.setting("security", "starttls")
        if security == "ssl":
            smtp = smtplib.SMTP_SSL(
                host, port, local_hostname=local_hostname(), timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, local_hostname=local_hostname(), timeout=SMTP_TIMEOUT)
        try:
            if security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.account.setting("user"):
                smtp.login(self.account.setting("user"), self.account.secret("password"))
        except BaseException:
            _close(smtp)
            raise
        self.smtp = smtp
        return self

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self.smtp is None:  # outbox: one file per message, named by its stable Message-ID
            name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>")) + ".eml"
            (self.folder / name).write_bytes(bytes(message))
            return
        self.smtp.send_message(message, from_addr=self.sender, to_addrs=[recipient])

    def close(self) -> None:
        if self.smtp is not None:
            _close(self.smtp)
            self.smtp = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()


def _close(smtp) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


# messages


def _addresses(message: EmailMessage, account: Account | None, to_email: str, to_name: str) -> None:
    from_address = account.setting("from_address") if account else "newsletter@localhost"
    message["From"] = Address(
        display_name=account.setting("from_name") if account else "Refrain", addr_spec=from_address
    )
    message["To"] = Address(display_name=to_name or "", addr_spec=to_email)
    if account and account.setting("reply_to"):
        message["Reply-To"] = account.setting("reply_to")


LONG_HEADERS = default_policy.clone(max_line_length=998)
UNSUBSCRIBE_SLOT, NAME_SLOT = "@@refrain-unsubscribe-url@@", "@@refrain-subscriber-name@@"


def render_issue(payload: dict, account: Account | None) -> tuple[str, str]:
    """The issue's text and HTML, rendered once per batch from templates/newsletter/issue.*; each
    recipient's unsubscribe link and name go into their slots afterwards."""
    context = {
        "issue": payload,
        "sections": payload.get("sections") or [],
        "name": NAME_SLOT,
        "unsubscribe_url": UNSUBSCRIBE_SLOT,
        "render_markdown": render_markdown,
        "from_name": account.setting("from_name") if account else "",
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
    unsubscribe_url = f"{public_url(account)}/newsletter/unsubscribe/{unsubscribe_token(subscriber_id, email)}"
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


def confirmation_message(subscriber: Subscriber, account: Account | None, base_url: str = "") -> EmailMessage:
    link = f"{public_url(account, base_url)}/newsletter/confirm/{confirm_token(subscriber)}"
    sender = account.setting("from_address") if account else "newsletter@localhost"
    context = {
        "name": subscriber.name,
        "confirm_url": link,
        "from_name": (account.setting("from_name") if account else "") or "our newsletter",
    }
    message = EmailMessage()
    _addresses(message, account, subscriber.email, subscriber.name)
    message["Subject"] = f"Confirm your subscription to {context['from_name']}"
    message["Date"] = format_datetime(now())
    message["Message-ID"] = f"<refrain-confirm-{subscriber.id}-{subscriber.token_nonce}@{domain_of(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.render("newsletter/confirm.txt", **context))
    message.add_alternative(mail.render("newsletter/confirm.html", **context), subtype="html")
    return message


def request_confirmation(subscriber: Subscriber, base_url: str = "") -> None:
    """The confirmation mail goes out from a worker; when Redis cannot take the job, from here."""
    subscriber_id, nonce = subscriber.id, subscriber.token_nonce
    try:
        runtime.queues().deliveries.enqueue(
            SEND_NEWSLETTER_CONFIRMATION,
            subscriber_id,
            base_url,
            job_id=f"newsletter-confirm-{subscriber_id}-{nonce}",
            job_timeout=120,
            result_ttl=KEEP_RESULTS_FOR,
            failure_ttl=KEEP_FAILURES_FOR,
            description=f"newsletter: confirm subscriber {subscriber_id}",
        )
    except Exception as error:  # noqa: BLE001 - Redis down
        log.warning("could not queue the confirmation of subscriber %s (%s); sending it now", subscriber_id, error)
        send_confirmation(subscriber_id, base_url)


def send_confirmation(subscriber_id: int, base_url: str = "") -> str:
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.status != PENDING:
        return "skipped"
    account = mail_account()
    with Mailer(account) as mailer:
        mailer.send(confirmation_message(subscriber, account, base_url), subscriber.email)
    return "sent"


# issues


def message_id(post_id: int, subscriber_id: int, domain: str) -> str:
    return f"<refrain-issue-{post_id}-{subscriber_id}@{domain}>"


def batch_job_id(post_id: int, batch_no: int, retry: int = 0) -> str:
    return f"newsletter-{post_id}-batch-{batch_no}" + (f"-retry-{retry}" if retry else "")


def start_issue(post_id: int, payload: dict, account: Account, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """One row per confirmed subscriber and post (the rows already there are kept: running this again
    adds only subscribers confirmed since), then one job per batch. Returns (recipients, batches).

    Each step is a unit of work of its own: another worker may start the same issue at the same
    moment, and the unique keys refuse its copy of a row, which only means the row is there."""
    try:
        _add_issue(post_id, payload)
    except IntegrityError:
        pass
    domain = domain_of(account.setting("from_address"))
    for _ in range(3):
        try:
            _add_recipients(post_id, domain, batch_size)
            break
        except IntegrityError:
            continue
    recipients, batches = _count_recipients(post_id)
    if not recipients:
        finish_if_done(post_id)
    return recipients, batches


@unit_of_work
def _add_issue(post_id: int, payload: dict) -> None:
    if db.session.get(NewsletterIssue, post_id) is None:
        db.session.add(NewsletterIssue(post_id=post_id, payload=payload, created_at=now()))


@unit_of_work
def _add_recipients(post_id: int, domain: str, batch_size: int) -> None:
    have = set(db.session.scalars(select(NewsletterSend.subscriber_id).where(NewsletterSend.post_id == post_id)))
    confirmed = db.session.scalars(select(Subscriber.id).where(Subscriber.status == CONFIRMED).order_by(Subscriber.id))
    missing = [s for s in confirmed.all() if s not in have]
    rows = [
        {
            "post_id": post_id,
            "subscriber_id": s,
            "batch_no": (len(have) + n) // batch_size,
            "message_id": message_id(post_id, s, domain),
            "status": PENDING,
            "claim": "",
            "attempts": 0,
            "error": "",
        }
        for n, s in enumerate(missing)
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(NewsletterSend), rows[start : start + 1000])


@unit_of_work
def _count_recipients(post_id: int) -> tuple[int, int]:
    """Kept on the issue, and each batch with pending rows handed to the queue once that is committed."""
    recipients = db.session.scalar(
        select(func.count()).select_from(NewsletterSend).where(NewsletterSend.post_id == post_id)
    )
    batches = db.session.scalar(
        select(func.count(func.distinct(NewsletterSend.batch_no))).where(NewsletterSend.post_id == post_id)
    )
    db.session.execute(
        update(NewsletterIssue).where(NewsletterIssue.post_id == post_id).values(recipients=recipients, batches=batches)
    )
    for batch_no in _batches_with(post_id, {PENDING}):
        after_commit(lambda batch_no=batch_no: enqueue_batch(post_id, batch_no))
    return recipients, batches


def _batches_with(post_id: int, statuses: set[str]) -> list[int]:
    return list(
        db.session.scalars(
            select(NewsletterSend.batch_no)
            .distinct()
            .where(NewsletterSend.post_id == post_id, NewsletterSend.status.in_(statuses))
            .order_by(NewsletterSend.batch_no)
        )
    )


def enqueue_batch(post_id: int, batch_no: int, when: datetime | None = None, retry: int = 0):
    queues = runtime.queues()
    return queues.enqueue(
        queues.deliveries,
        SEND_NEWSLETTER_BATCH,
        post_id,
        batch_no,
        when=when,
        job_id=batch_job_id(post_id, batch_no, retry),
        job_timeout=BATCH_JOB_TIMEOUT,
        result_ttl=KEEP_RESULTS_FOR,
        failure_ttl=KEEP_FAILURES_FOR,
        description=f"newsletter: post {post_id}, batch {batch_no}",
    )


@unit_of_work
def _set(ids, owner: str, status: str, **values) -> None:
    """Rows of this claim only: a row the sweeper took back meanwhile is not ours to record."""
    db.session.execute(
        update(NewsletterSend)
        .where(NewsletterSend.id.in_(list(ids)), NewsletterSend.claim == owner, NewsletterSend.status == SENDING)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )


def _release(ids, claim: str, why: str, in_flight_may_have_gone: bool = False) -> None:
    ids = list(ids)
    if not ids:
        return
    first_note = (
        f"{why}; the server may have accepted it, so it will go again with the same Message-ID"
        if in_flight_may_have_gone
        else why
    )
    _set(ids[:1], claim, PENDING, claim="", error=first_note[:2000])
    if ids[1:]:
        _set(ids[1:], claim, PENDING, claim="", error=why[:2000])


def _temporary(code: int) -> bool:
    return 400 <= code < 500


def send_batch(post_id: int, batch_no: int) -> str:
    """Mail one batch of an issue; safe to run any number of times (only pending rows are sent)."""
    issue = db.session.get(NewsletterIssue, post_id)
    if issue is None:
        return "missing"
    payload = issue.payload
    try:
        account = mail_account()
    except UnreadableSecrets as error:
        stored = accounts.for_channel("newsletter")
        accounts.mark_unauthorized(stored.id, str(error))
        return "waiting: account to reconnect"
    if account is None and runtime.settings().delivery == "live":
        return "waiting: account to reconnect"
    claim = uuid.uuid4().hex
    rows = _claim_batch(post_id, batch_no, claim, give_up=issue.created_at < now() - GIVE_UP_AFTER)
    if not rows:
        finish_if_done(post_id)
        return "nothing to send"
    gone = [row[0] for row in rows if row[5] != CONFIRMED]
    if gone:
        _set(gone, claim, SKIPPED, claim="", error="no longer subscribed when the batch ran")
    todo = [row for row in rows if row[5] == CONFIRMED]
    sent, failed, stopped = 0, 0, ""
    rendered = render_issue(payload, account)
    mailer = Mailer(account)
    try:
        mailer.open()
    except smtplib.SMTPAuthenticationError as error:
        stored = accounts.for_channel("newsletter")
        accounts.mark_unauthorized(
            stored.id, f"the SMTP server refused the login: {error.smtp_code} {_text(error.smtp_error)}"
        )
        _release([row[0] for row in todo], claim, "the SMTP login was refused")
        return "waiting: account to reconnect"
    except MailNotConfigured as error:
        _release([row[0] for row in todo], claim, str(error))
        return f"waiting: {error}"
    except (smtplib.SMTPException, OSError) as error:
        _release([row[0] for row in todo], claim, f"could not reach the SMTP server: {error}")
        stopped = str(error)
        todo = []
    try:
        for index, (row_id, mid, subscriber_id, email, name, _) in enumerate(todo):
            try:
                message = issue_message(payload, post_id, subscriber_id, email, name, mid, account, rendered)
            except (ValueError, UnicodeError) as error:  # this one message cannot be built: the others can
                failed += 1
                _set([row_id], claim, FAILED, claim="", error=f"the message could not be built: {error}")
                continue
            try:
                mailer.send(message, email)
            except smtplib.SMTPRecipientsRefused as error:
                code, reply = next(iter(error.recipients.values()), (550, b""))
                if code == 421:  # the server is closing the connection: nothing more goes over it
                    stopped = f"{code} {_text(reply)}"
                    _release([r[0] for r in todo[index:]], claim, f"the server asked to wait: {stopped}")
                    break
                if _temporary(code):
                    _set([row_id], claim, PENDING, claim="", error=f"{code} {_text(reply)}")
                else:
                    failed += 1
                    _set([row_id], claim, FAILED, claim="", error=f"refused: {code} {_text(reply)}")
                continue
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                if not _temporary(error.smtp_code):
                    failed += 1
                    _set(
                        [row_id], claim, FAILED, claim="", error=f"refused: {error.smtp_code} {_text(error.smtp_error)}"
                    )
                    continue
                stopped = f"{error.smtp_code} {_text(error.smtp_error)}"
                _release([r[0] for r in todo[index:]], claim, f"the server asked to wait: {stopped}")
                break
            except (smtplib.SMTPException, OSError) as error:  # the connection dropped mid-message
                stopped = str(error) or type(error).__name__
                _release(
                    [r[0] for r in todo[index:]],
                    claim,
                    f"the connection failed: {stopped}",
                    in_flight_may_have_gone=True,
                )
                break
            # accepted by the server: recorded at once, so a crash can leave at most this one unrecorded
            _set([row_id], claim, SENT, claim="", sent_at=now(), error="")
            sent += 1
    finally:
        mailer.close()
    if stopped or batch_no in _batches_with(post_id, {PENDING}):
        _schedule_retry(post_id, batch_no)
    finish_if_done(post_id)
    return f"sent {sent}, failed {failed}, skipped {len(gone)}" + (f"; stopped: {stopped}" if stopped else "")


@unit_of_work
def _claim_batch(post_id: int, batch_no: int, claim: str, give_up: bool) -> list:
    """The batch's pending rows, claimed (committed before any mail goes out) and read back with
    their subscribers. ``give_up``: an outage longer than GIVE_UP_AFTER made the issue old news."""
    batch = (NewsletterSend.post_id == post_id, NewsletterSend.batch_no == batch_no)
    if give_up:
        db.session.execute(
            update(NewsletterSend)
            .where(*batch, NewsletterSend.status == PENDING)
            .values(
                status=FAILED, error="still not accepted two days after the issue went out: " + NewsletterSend.error
            )
        )
    claimed = db.session.execute(
        update(NewsletterSend)
        .where(*batch, NewsletterSend.status == PENDING)
        .values(status=SENDING, claim=claim, claimed_at=now(), attempts=NewsletterSend.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return []
    return db.session.execute(
        select(
            NewsletterSend.id,
            NewsletterSend.message_id,
            Subscriber.id,
            Subscriber.email,
            Subscriber.name,
            Subscriber.status,
        )
        .join(Subscriber, Subscriber.id == NewsletterSend.subscriber_id)
        .where(NewsletterSend.claim == claim)
        .order_by(NewsletterSend.id)
    ).all()


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _retry_number(post_id: int, batch_no: int) -> int:
    return (
        db.session.scalar(
            select(func.coalesce(func.max(NewsletterSend.attempts), 0)).where(
                NewsletterSend.post_id == post_id, NewsletterSend.batch_no == batch_no, NewsletterSend.status == PENDING
            )
        )
        or 0
    )


def _schedule_retry(post_id: int, batch_no: int) -> None:
    retry = _retry_number(post_id, batch_no)
    if not retry:
        return
    delay = min(60 * 2 ** (retry - 1), 3600)
    enqueue_batch(post_id, batch_no, when=now() + timedelta(seconds=delay), retry=retry)


def resume_issue(post_id: int) -> int:
    """Send what is still pending now, without waiting for the scheduled retries; returns the batches."""
    with unit_of_work():  # a read, ended before Redis is asked
        retries = {batch_no: _retry_number(post_id, batch_no) for batch_no in _batches_with(post_id, {PENDING})}
    queues = runtime.queues()
    for batch_no, retry in retries.items():
        queues.unschedule_job(queues.deliveries, batch_job_id(post_id, batch_no, retry))
        enqueue_batch(post_id, batch_no, retry=retry)
    return len(retries)


def issue_counts(post_id: int) -> dict:
    found = dict(
        db.session.execute(
            select(NewsletterSend.status, func.count())
            .where(NewsletterSend.post_id == post_id)
            .group_by(NewsletterSend.status)
        ).all()
    )
    return {status: found.get(status, 0) for status in (PENDING, SENDING, SENT, FAILED, SKIPPED)}


@unit_of_work
def finish_if_done(post_id: int) -> bool:
    """Once nothing is pending or being sent: the issue's summary, written once to the post's history."""
    counts = issue_counts(post_id)
    if counts[PENDING] or counts[SENDING]:
        return False
    summary = (
        f"newsletter mailed: {counts[SENT]} sent, {counts[FAILED]} failed, "
        f"{counts[SKIPPED]} skipped (unsubscribed meanwhile)"
    )
    done = db.session.execute(
        update(NewsletterIssue)
        .where(NewsletterIssue.post_id == post_id, NewsletterIssue.finished_at.is_(None))
        .values(finished_at=now(), summary=summary)
    ).rowcount
    if done:
        status = db.session.scalar(select(Post.status).where(Post.id == post_id)) or ""
        db.session.execute(
            insert(PostEvent).values(post_id=post_id, at=utcnow(), from_status=status, to_status=status, note=summary)
        )
    return bool(done)


def issues() -> list[dict]:
    found = []
    for issue, title in db.session.execute(
        select(NewsletterIssue, Post.title)
        .join(Post, Post.id == NewsletterIssue.post_id)
        .order_by(NewsletterIssue.created_at.desc())
        .limit(50)
    ).all():
        found.append(
            {
                "post_id": issue.post_id,
                "title": title,
                "recipients": issue.recipients,
                "batches": issue.batches,
                "created_at": issue.created_at,
                "finished_at": issue.finished_at,
                "summary": issue.summary,
                "counts": issue_counts(issue.post_id),
            }
        )
    return found


def sweep(stale_after: float | None = None) -> dict:
    """Periodic: claims of batch jobs that died go back to pending (see the module's note on the one
    message per crash that may go twice), batches whose job Redis lost are enqueued again, and issues
    with nothing left to send are finished."""
    queues = runtime.queues()
    connection, lock = queues.connection, queues.key("newsletter-sweeper:lock")
    interval = runtime.settings().sweep_interval
    if not connection.set(lock, "1", nx=True, px=max(interval * 1000 - 500, 500)):
        return {"skipped": "another sweep is running"}
    try:
        cutoff = now() - timedelta(seconds=CLAIM_TIMEOUT if stale_after is None else stale_after)
        with unit_of_work():  # a read
            stuck = db.session.execute(
                select(NewsletterSend.id, NewsletterSend.claim)
                .where(NewsletterSend.status == SENDING, NewsletterSend.claimed_at <= cutoff)
                .order_by(NewsletterSend.id)
            ).all()
        by_claim: dict[str, list[int]] = {}
        for row_id, claim in stuck:
            by_claim.setdefault(claim, []).append(row_id)
        for claim, ids in by_claim.items():
            _release(ids, claim, "its batch job stopped mid-way", in_flight_may_have_gone=True)
        with unit_of_work():  # a read, ended before Redis is asked
            open_issues = db.session.scalars(
                select(NewsletterIssue.post_id).where(NewsletterIssue.finished_at.is_(None))
            ).all()
            expected = {}
            for post_id in open_issues:
                for batch_no in _batches_with(post_id, {PENDING}):
                    expected[(post_id, batch_no)] = batch_job_id(post_id, batch_no, _retry_number(post_id, batch_no))
        alive = queues.jobs_alive(expected.values()) if expected else set()
        requeued = 0
        for (post_id, batch_no), job_id in expected.items():
            if job_id not in alive:
                enqueue_batch(post_id, batch_no, retry=_retry_number(post_id, batch_no))
                requeued += 1
        finished = sum(finish_if_done(post_id) for post_id in open_issues)
        return {"released": len(stuck), "requeued": requeued, "finished": finished}
    finally:
        connection.delete(lock)


class MailingList:
    """What the newsletter adapter calls when an issue is delivered live (adapters import no app code)."""

    settings_problem = staticmethod(settings_problem)
    start_issue = staticmethod(start_issue)


Newsletter.mailing_list = MailingList()
