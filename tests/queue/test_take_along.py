"""A burst of due posts: one delivery job takes along the due posts waiting behind it, each claimed on
its own, so a hundred posts due at 9:00 cost a few RQ jobs, and still each goes out exactly once."""

from collections import Counter
from datetime import datetime, timedelta, timezone

from rq.registry import FinishedJobRegistry
from sqlalchemy import func, select

from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from scheduler.services import accounts, posts, runtime
from tests.factories import make_plan
from tests.support.stand_in import StandIn


def test_a_burst_of_due_posts_needs_fewer_jobs_and_each_post_goes_out_once(app):
    service = StandIn()
    service.answer("POST", "/hook", 200, {"id": "accepted"})
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the stand-ins, as an admin would allow them
    accounts.connect({"channel": "webhook", "name": "receiver", "url": f"{service.url}/hook", "signing_secret": "s"})
    due = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat()
    plan = make_plan()
    made = [
        posts.schedule_post(
            posts.create_post({"plan_id": plan.id, "channel": "webhook", "body": f"Burst {n}", "scheduled_at": due})
        ).id
        for n in range(40)
    ]
    try:
        run_worker(app, burst=True)
    finally:
        service.close()
    sent = Counter(seen.headers.get("x-refrain-idempotency-key") for seen in service.received("POST", "/hook"))
    assert sent == Counter({f"refrain-post-{post_id}": 1 for post_id in made}), "every post sent once, none twice"
    statuses = dict(db.session.execute(select(Post.id, Post.status).where(Post.id.in_(made))).all())
    assert set(statuses.values()) == {"published"}
    claims = db.session.execute(
        select(PostEvent.post_id, func.count())
        .where(PostEvent.post_id.in_(made), PostEvent.to_status == "publishing")
        .group_by(PostEvent.post_id)
    ).all()
    assert sorted(count for _, count in claims) == [1] * len(made), "each post claimed on its own, once"
    jobs_run = FinishedJobRegistry(queue=runtime.queues().deliveries).count
    assert jobs_run <= len(made) // 5, f"{jobs_run} jobs for {len(made)} due posts"
    assert runtime.queues().deliveries.count == 0, "the jobs of the posts taken along are gone from the queue"
