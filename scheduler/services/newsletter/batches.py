"""Mailing one batch of an issue: claim its pending rows, send them in id order over one SMTP
connection, record each row the moment the server answers, and schedule a retry of what is left.
Safe to run any number of times: only pending rows are sent."""

import smtplib
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import NewsletterIssue, NewsletterSend, Subscriber
from scheduler.models.database import db
from scheduler.services import accounts, runtime
from scheduler.services.clock import now
from scheduler.services.newsletter import CONFIRMED, FAILED, PENDING, SENDING, SENT, SKIPPED
from scheduler.services.newsletter.issues import batches_with, enqueue_batch, finish_if_done, retry_number
from scheduler.services.newsletter.mailer import Mailer, MailNotConfigured, login_refusal, mail_account
from scheduler.services.newsletter.messages import issue_message, render_issue
from scheduler.services.unit_of_work import unit_of_work

GIVE_UP_AFTER = timedelta(days=2)  # retries back off up to an hour; rows still pending then are failed
NO_SMTPUTF8 = (
    "the SMTP server does not take addresses with accents before the @ (it does not offer SMTPUTF8): "
    "ask the mail provider, or the reader for another address"
)


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
        refusal = login_refusal(error, account)
        if refusal:
            accounts.mark_unauthorized(accounts.for_channel("newsletter").id, refusal)
            release([row[0] for row in todo], claim, "the SMTP login was refused")
            return "waiting: account to reconnect"
        release([row[0] for row in todo], claim, f"the SMTP server cannot check logins now: {error}")
        stopped = str(error)
        todo = []
    except MailNotConfigured as error:
        release([row[0] for row in todo], claim, str(error))
        return f"waiting: {error}"
    except (smtplib.SMTPException, OSError) as error:
        release([row[0] for row in todo], claim, f"could not reach the SMTP server: {error}")
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
                    release([r[0] for r in todo[index:]], claim, f"the server asked to wait: {stopped}")
                    break
                if _temporary(code):
                    _set([row_id], claim, PENDING, claim="", error=f"{code} {_text(reply)}")
                else:
                    failed += 1
                    _set([row_id], claim, FAILED, claim="", error=f"refused: {code} {_text(reply)}")
                continue
            except smtplib.SMTPNotSupportedError:  # asked before MAIL FROM: the connection is still good
                failed += 1
                _set([row_id], claim, FAILED, claim="", error=NO_SMTPUTF8)
                continue
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                if not _temporary(error.smtp_code):
                    failed += 1
                    _set(
                        [row_id], claim, FAILED, claim="", error=f"refused: {error.smtp_code} {_text(error.smtp_error)}"
                    )
                    continue
                stopped = f"{error.smtp_code} {_text(error.smtp_error)}"
                release([r[0] for r in todo[index:]], claim, f"the server asked to wait: {stopped}")
                break
            except (smtplib.SMTPException, OSError) as error:  # the connection dropped mid-message
                stopped = str(error) or type(error).__name__
                release(
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
    if stopped or batch_no in batches_with(post_id, {PENDING}):
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


@unit_of_work
def _set(ids, owner: str, status: str, **values) -> None:
    """Rows of this claim only: a row the sweeper took back meanwhile is not ours to record."""
    db.session.execute(
        update(NewsletterSend)
        .where(NewsletterSend.id.in_(list(ids)), NewsletterSend.claim == owner, NewsletterSend.status == SENDING)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )


def release(ids, claim: str, why: str, in_flight_may_have_gone: bool = False) -> None:
    """Rows of this claim back to pending with the reason; ``in_flight_may_have_gone``: the first of them
    was being sent when the connection (or the job) died, and says it may go twice."""
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


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _schedule_retry(post_id: int, batch_no: int) -> None:
    retry = retry_number(post_id, batch_no)
    if not retry:
        return
    delay = min(60 * 2 ** (retry - 1), 3600)
    enqueue_batch(post_id, batch_no, when=now() + timedelta(seconds=delay), retry=retry)
