"""Mailing an issue: batches by RQ jobs over a real SMTP server, interrupted and resumed, with every
recipient mailed exactly once; and the one-message window of a worker that dies mid-batch."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from scheduler.jobs.workers import run_worker
from scheduler.models import NewsletterIssue, NewsletterSend, Post, PostEvent, Subscriber
from scheduler.models.database import db
from scheduler.services import posts
from scheduler.services.newsletter import batches, issues, mailer, subscribers, sweeper
from tests.factories import make_plan

BODY = (
    "Three ideas for a summer on one theme.\n\n## The calendar\n\nPlan the offer week by week.\n\n"
    "## The report\n\nSee what went out."
)


def add_subscribers(count, status="confirmed") -> list[str]:
    when = datetime.now(timezone.utc)
    rows = [
        {
            "email": f"reader{n:04d}@example.com",
            "name": f"Reader {n}",
            "status": status,
            "source": "import",
            "token_nonce": "",
            "created_at": when,
            "confirmed_at": when,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Subscriber), rows)
    db.session.commit()
    return [row["email"] for row in rows]


def due_issue(title="June: the summer offer") -> Post:
    when = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat()
    return posts.create_post(
        {"plan_id": make_plan().id, "channel": "newsletter", "title": title, "body": BODY, "scheduled_at": when}
    )


def due_issue_id() -> int:
    return due_issue().id


def send_counts(post_id) -> dict:
    db.session.expire_all()
    return issues.issue_counts(post_id)


def test_a_1000_subscriber_issue_interrupted_half_way_reaches_everyone_exactly_once(live, smtp):
    emails = add_subscribers(1000)
    post = due_issue()
    posts.schedule_post(post)
    smtp.fail_after = 537  # mid-batch: the server starts answering "421 try again later"
    run_worker(live, burst=True)

    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "published"
    assert "queued for 1000 subscribers in 10 batches" in db.session.get(Post, post.id).events[-1].note
    counts = send_counts(post.id)
    assert counts["sent"] == 537 and counts["pending"] == 463 and counts["sending"] == 0
    assert sum(smtp.received.values()) == 537
    assert db.session.get(NewsletterIssue, post.id).finished_at is None

    smtp.fail_after = None  # the server is back; resume without waiting for the scheduled retries
    assert issues.resume_issue(post.id) == 5
    run_worker(live, burst=True)

    assert send_counts(post.id) == {"pending": 0, "sending": 0, "sent": 1000, "failed": 0, "skipped": 0}
    assert set(smtp.received) == set(emails)
    assert set(smtp.received.values()) == {1}  # nobody twice, nobody missed
    ids = set(smtp.message_ids())
    stored = set(db.session.scalars(select(NewsletterSend.message_id).where(NewsletterSend.post_id == post.id)))
    assert len(ids) == 1000 and ids == stored
    assert all(i.startswith(f"<refrain-issue-{post.id}-") and i.endswith("@refrain.test>") for i in ids)
    sample = smtp.first()
    assert sample["Subject"] == "June: the summer offer" and sample["List-Unsubscribe-Post"]
    assert b"\r\nList-Unsubscribe: <https://refrain.test/newsletter/unsubscribe/" in smtp.raw[0][1]
    issue = db.session.get(NewsletterIssue, post.id)
    assert issue.finished_at is not None and issue.summary.startswith("newsletter mailed: 1000 sent")
    notes = db.session.scalars(select(PostEvent.note).where(PostEvent.post_id == post.id)).all()
    assert sum(n.startswith("newsletter mailed") for n in notes) == 1


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing in the job gets to handle it."""


def test_a_batch_killed_after_the_server_accepted_a_message_resends_only_that_one(live, smtp, monkeypatch):
    emails = add_subscribers(6)
    post_id = due_issue_id()
    payload = {"subject": "June", "preheader": "", "sections": [], "text": "Hello"}
    assert issues.start_issue(post_id, payload, mailer.mail_account(), batch_size=10) == (6, 1)
    real_send = mailer.Mailer.send

    def dies_after_the_third(self, message, recipient):
        real_send(self, message, recipient)
        if sum(smtp.received.values()) == 3:
            raise WorkerDied()  # accepted by the server, not yet recorded

    monkeypatch.setattr(mailer.Mailer, "send", dies_after_the_third)
    with pytest.raises(WorkerDied):
        batches.send_batch(post_id, 0)
    monkeypatch.undo()
    assert send_counts(post_id)["sent"] == 2 and send_counts(post_id)["sending"] == 4

    assert sweeper.sweep(stale_after=0) == {"released": 4, "requeued": 1, "finished": 0}  # a stale claim
    flagged = db.session.scalars(select(NewsletterSend.error).where(NewsletterSend.error.like("%may have%"))).all()
    assert len(flagged) == 1  # only the one in flight when the worker died can have gone out
    run_worker(live, burst=True)  # the batch's job (and the sweeper's retry) run: only pending rows go

    assert send_counts(post_id)["sent"] == 6
    assert smtp.received[emails[2]] == 2  # the window: one message per crash, sent again...
    assert len({m["Message-ID"] for m in smtp.to(emails[2])}) == 1  # ...with the same Message-ID
    assert all(smtp.received[e] == 1 for e in emails if e != emails[2])


def test_unsubscribed_before_the_batch_runs_means_skipped(live, smtp, client):
    emails = add_subscribers(3)
    post_id = due_issue_id()
    issues.start_issue(post_id, {"subject": "June", "sections": [], "text": "Hi"}, mailer.mail_account())
    leaver = db.session.scalar(select(Subscriber).where(Subscriber.email == emails[1]))
    answer = client.post(
        f"/newsletter/unsubscribe/{subscribers.unsubscribe_token(leaver.id, leaver.email)}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    run_worker(live, burst=True)
    assert send_counts(post_id) == {"pending": 0, "sending": 0, "sent": 2, "failed": 0, "skipped": 1}
    assert set(smtp.received) == {emails[0], emails[2]}
    assert db.session.scalar(select(func.count()).select_from(NewsletterSend)) == 3
    page = client.get("/newsletter").get_data(as_text=True)
    assert "June: the summer offer" in page and "newsletter mailed: 2 sent" in page


def test_delivering_the_issue_again_adds_no_recipient(live, smtp):
    add_subscribers(5)
    post_id = due_issue_id()
    account = mailer.mail_account()
    assert issues.start_issue(post_id, {"subject": "x", "sections": [], "text": "x"}, account) == (5, 1)
    assert issues.start_issue(post_id, {"subject": "x", "sections": [], "text": "x"}, account) == (5, 1)
    run_worker(live, burst=True)
    assert sum(smtp.received.values()) == 5
