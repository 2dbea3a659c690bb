"""An issue of the newsletter: its rows (one per confirmed subscriber, each with its batch and a
Message-ID that never changes), one keyed RQ job per batch, its counts, and its end (a summary
written once to the post's history). Starting an issue is what the newsletter adapter asks for
when a post is delivered live, through the ``MailingList`` it is handed."""

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from channels.base import Account
from scheduler.domain.language import _
from scheduler.infra.queue import KEEP_FAILURES_FOR, KEEP_RESULTS_FOR, SEND_NEWSLETTER_BATCH
from scheduler.models import NewsletterIssue, NewsletterSend, Post, PostEvent, Subscriber
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.clock import now
from scheduler.services.newsletter import CONFIRMED, FAILED, PENDING, SENDING, SENT, SKIPPED
from scheduler.services.newsletter.mailer import check_login, domain_of, settings_problem
from scheduler.services.unit_of_work import after_commit, unit_of_work

BATCH_SIZE = 100
BATCH_JOB_TIMEOUT = 600  # seconds: 100 messages over one connection take far less


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
    for _attempt in range(3):
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
    for batch_no in batches_with(post_id, {PENDING}):
        after_commit(lambda batch_no=batch_no: enqueue_batch(post_id, batch_no))
    return recipients, batches


def batches_with(post_id: int, statuses: set[str]) -> list[int]:
    """The issue's batches that have a row in one of these statuses, in order."""
    return list(
        db.session.scalars(
            select(NewsletterSend.batch_no)
            .distinct()
            .where(NewsletterSend.post_id == post_id, NewsletterSend.status.in_(statuses))
            .order_by(NewsletterSend.batch_no)
        )
    )


def retry_number(post_id: int, batch_no: int) -> int:
    """How many times the batch's pending rows were claimed (0: never), which keys the batch's next job."""
    return (
        db.session.scalar(
            select(func.coalesce(func.max(NewsletterSend.attempts), 0)).where(
                NewsletterSend.post_id == post_id, NewsletterSend.batch_no == batch_no, NewsletterSend.status == PENDING
            )
        )
        or 0
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


def resume_issue(post_id: int) -> int:
    """Send what is still pending now, without waiting for the scheduled retries; returns the batches."""
    with unit_of_work():  # a read, ended before Redis is asked
        retries = {batch_no: retry_number(post_id, batch_no) for batch_no in batches_with(post_id, {PENDING})}
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
    summary = _(
        "newsletter mailed: %(sent)s sent, %(failed)s failed, %(skipped)s skipped (unsubscribed meanwhile)",
        sent=counts[SENT],
        failed=counts[FAILED],
        skipped=counts[SKIPPED],
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


def recent_issues() -> list[dict]:
    """The last 50 issues, newest first, each with its counts by status."""
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


class MailingList:
    """The app's side of a live delivery of an issue, handed to the newsletter adapter in its
    ``DeliveryContext.mailing_list`` by ``services.publishing`` (adapters import no app code)."""

    settings_problem = staticmethod(settings_problem)
    start_issue = staticmethod(start_issue)
    check_login = staticmethod(check_login)  # the account's connection check: SMTP login, no mail sent
