"""The newsletter's sweeper, run periodically by every worker (once at a time, under a Redis lock):
what a batch job that died leaves behind, and what Redis lost, brought back in step with the database."""

from datetime import timedelta

from sqlalchemy import select

from scheduler.models import NewsletterIssue, NewsletterSend
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.clock import now
from scheduler.services.newsletter import PENDING, SENDING
from scheduler.services.newsletter.batches import release
from scheduler.services.newsletter.issues import (
    BATCH_JOB_TIMEOUT,
    batch_job_id,
    batches_with,
    enqueue_batch,
    finish_if_done,
    retry_number,
)
from scheduler.services.unit_of_work import unit_of_work

CLAIM_TIMEOUT = BATCH_JOB_TIMEOUT + 60  # a claim older than this belongs to a job that died


def sweep(stale_after: float | None = None) -> dict:
    """Periodic: claims of batch jobs that died go back to pending (see the package's note on the one
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
            release(ids, claim, "its batch job stopped mid-way", in_flight_may_have_gone=True)
        with unit_of_work():  # a read, ended before Redis is asked
            open_issues = db.session.scalars(
                select(NewsletterIssue.post_id).where(NewsletterIssue.finished_at.is_(None))
            ).all()
            expected = {}
            for post_id in open_issues:
                for batch_no in batches_with(post_id, {PENDING}):
                    expected[(post_id, batch_no)] = batch_job_id(post_id, batch_no, retry_number(post_id, batch_no))
        alive = queues.jobs_alive(expected.values()) if expected else set()
        requeued = 0
        for (post_id, batch_no), job_id in expected.items():
            if job_id not in alive:
                enqueue_batch(post_id, batch_no, retry=retry_number(post_id, batch_no))
                requeued += 1
        finished = sum(finish_if_done(post_id) for post_id in open_issues)
        return {"released": len(stuck), "requeued": requeued, "finished": finished}
    finally:
        connection.delete(lock)
