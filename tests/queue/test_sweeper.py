"""The sweeper against a real Redis and the real database: what it hands over, gives back and gives up.

Redis only holds reminders; the sweeper brings it back in step with the database after Redis lost
them (restarted, flushed, down when the post was scheduled) and marks deliveries whose worker died
``unconfirmed``. Each sweep is once across all workers, under a Redis lock.
"""

from datetime import datetime, timedelta, timezone

from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from scheduler import reconfigure
from scheduler.infra.queue import delivery_job_id
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import accounts, lifecycle, posts, runtime
from scheduler.services.lifecycle import PUBLISHING, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.sweeper import GAVE_UP, sweep
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import make_plan, make_post

NOW = "2031-06-02T08:00:00+00:00"


def post_in(status: str, due_in: float | None = 0, attempts: int = 0, channel: str = "twitter") -> int:
    """A post left in ``status`` with no job in Redis (as after a flush), due ``due_in`` seconds from now."""
    extra = {"title": "A hook"} if channel == "webhook" else {}
    post_id = make_post(make_plan(name=f"Plan {status} {due_in} {attempts}"), channel=channel, **extra).id
    when = None if due_in is None else datetime.now(timezone.utc) + timedelta(seconds=due_in)
    with unit_of_work():
        db.session.execute(
            update(Post).where(Post.id == post_id).values(status=status, scheduled_at=when, attempts=attempts)
        )
    return post_id


def status_of(post_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Post, post_id).status


def has_job(post_id: int, attempts: int = 0) -> bool:
    job_id = delivery_job_id(post_id, attempts)
    return job_id in runtime.queues().jobs_alive([job_id])


def test_scheduled_posts_are_handed_to_the_queue_once(app):
    due, later, draft = post_in(SCHEDULED), post_in(SCHEDULED, due_in=3600), post_in("draft")
    unplanned = post_in(SCHEDULED, due_in=None)  # no time: nothing to hand over
    assert sweep() == {"enqueued": 2, "requeued": 0, "unconfirmed": 0, "expired_uploads": 0}
    assert [status_of(p) for p in (due, later, draft, unplanned)] == [QUEUED, QUEUED, "draft", SCHEDULED]
    assert has_job(due) and has_job(later) and not has_job(unplanned)
    assert sweep() == {"enqueued": 0, "requeued": 0, "unconfirmed": 0, "expired_uploads": 0}


def test_posts_waiting_for_their_account_stay_on_the_calendar_in_live_mode(app):
    account = accounts.connect(
        {"channel": "webhook", "name": "receiver", "url": "http://127.0.0.1:9/hook", "signing_secret": "s" * 16}
    )
    accounts.mark_unauthorized(account.id, "the receiver refused the signature")
    waiting, other = post_in(SCHEDULED, channel="webhook"), post_in(SCHEDULED)
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the stand-ins, as an admin would allow them
    assert sweep()["enqueued"] == 1
    assert (status_of(waiting), status_of(other)) == (SCHEDULED, QUEUED)
    reconfigure(app, delivery="outbox")  # the outbox needs no account: nothing waits
    assert sweep()["enqueued"] == 1 and status_of(waiting) == QUEUED


def test_queued_posts_due_within_two_intervals_get_their_job_back_for_their_time(app, caplog):
    interval = runtime.settings().sweep_interval
    soon, beyond = post_in(QUEUED, due_in=2 * interval - 10), post_in(QUEUED, due_in=2 * interval + 10)
    retried = post_in(QUEUED, attempts=2)
    with caplog.at_level("INFO", logger="scheduler"):
        assert sweep()["requeued"] == 2
    assert has_job(soon) and not has_job(beyond) and has_job(retried, attempts=2)
    assert runtime.queues().deliveries.get_job_ids() == [delivery_job_id(retried, 2)], "due now: on the queue"
    assert delivery_job_id(soon) in ScheduledJobRegistry(queue=runtime.queues().deliveries).get_job_ids()
    assert f"post {soon} had no job in Redis; enqueueing it again" in caplog.messages
    assert sweep()["requeued"] == 0, "a job that is back is not enqueued again"
    assert sweep(horizon=timedelta(seconds=2 * interval + 30))["requeued"] == 1 and has_job(beyond)


def test_a_post_due_at_the_horizon_itself_is_within_it(app, clock_at):
    now = clock_at(NOW)
    post_id = post_in(QUEUED, due_in=None)
    with unit_of_work():
        db.session.execute(update(Post).where(Post.id == post_id).values(scheduled_at=now + timedelta(seconds=60)))
    assert sweep(horizon=timedelta(seconds=60))["requeued"] == 1


def test_a_job_started_long_ago_without_claiming_its_post_is_given_again(app):
    """Its worker died between taking the job and claiming the post: the job says started for ever."""
    stale, fresh = post_in(QUEUED), post_in(QUEUED)
    queues = runtime.queues()
    for post_id, started in ((stale, 400), (fresh, 10)):
        job = queues.enqueue_delivery(post_id, datetime.now(timezone.utc))
        queues.deliveries.remove(job.id)  # taken off the queue by a worker
        at = datetime.now(timezone.utc) - timedelta(seconds=started)
        queues.connection.hset(
            job.key, mapping={"status": "started", "started_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        )
    assert sweep()["requeued"] == 1
    assert queues.deliveries.get_job_ids() == [delivery_job_id(stale)]


def test_a_delivery_stuck_longer_than_the_timeout_becomes_unconfirmed(app, clock_at):
    timeout = runtime.settings().publish_timeout
    now = clock_at(NOW)
    stuck, recent = post_in(QUEUED), post_in(QUEUED)
    for post_id, age in ((stuck, timeout + 1), (recent, timeout - 1)):
        with unit_of_work():
            lifecycle.claim(post_id, note="claimed by a worker", claimed_at=now - timedelta(seconds=age))
    assert sweep()["unconfirmed"] == 1
    db.session.expire_all()
    given_up = posts.get_post(stuck)
    assert (given_up.status, given_up.failure_reason) == (UNCONFIRMED, GAVE_UP)
    assert given_up.events[-1].note == GAVE_UP
    assert status_of(recent) == PUBLISHING


def test_one_sweep_at_a_time_and_the_lock_is_given_back(app):
    queues = runtime.queues()
    lock = queues.key("sweeper:lock")
    post_id = post_in(SCHEDULED)
    queues.connection.set(lock, "1")  # another worker is sweeping
    assert sweep() == {"skipped": "another sweep is running"}
    assert status_of(post_id) == SCHEDULED
    queues.connection.delete(lock)
    assert sweep()["enqueued"] == 1
    assert not queues.connection.exists(lock), "the next sweep need not wait for the lock to expire"


def test_the_lock_outlives_a_dead_sweeper_by_less_than_an_interval(app, monkeypatch):
    """A sweeper killed mid-sweep cannot give the lock back: it expires by itself before the next turn."""
    queues = runtime.queues()
    interval = runtime.settings().sweep_interval
    seen = []
    enqueue = type(queues).enqueue_delivery

    def noting_the_lock(self, *args, **kwargs):
        seen.append(self.connection.pttl(self.key("sweeper:lock")))
        return enqueue(self, *args, **kwargs)

    monkeypatch.setattr(type(queues), "enqueue_delivery", noting_the_lock)
    post_in(QUEUED)
    sweep()
    assert seen and interval * 1000 - 1000 < seen[0] <= interval * 1000 - 500
    reconfigure(app, sweep_interval=1)  # a short interval still leaves the lock half a second
    post_in(QUEUED)
    seen.clear()
    sweep()
    assert seen and 0 < seen[0] <= 500
