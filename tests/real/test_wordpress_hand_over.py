"""A post handed over to a real WordPress ahead of its time, through the whole path a person takes:
the API schedules it with ``hand_over_early``, a worker hands it over (WordPress holds it as
``future``), an edit updates that very post, and at its time the delivery publishes it; or a cancel
puts it in WordPress's trash. WordPress holds one post for it all along."""

from datetime import datetime, timedelta, timezone

from rq.registry import ScheduledJobRegistry
from sqlalchemy import update

from scheduler.infra import queue
from scheduler.jobs.workers import run_worker
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import runtime
from tests.factories import make_plan
from tests.real.test_wordpress import connect, live, ours, pretty, reloaded, settings  # noqa: F401 - fixtures

BODY = (
    "La rentrée arrive : voici le programme complet de septembre pour toute l'équipe, avec les dates, "
    "les lieux et les personnes à contacter pour chaque atelier, et un mot sur le thème de la saison."
)


def handed_over(client, site, minutes: float = 90) -> int:
    """A blog post scheduled ``minutes`` ahead with the option, and the worker's hand-over done."""
    connect(client, site)
    when = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    plan = make_plan(
        starts_on=(when - timedelta(days=1)).date().isoformat(), ends_on=(when + timedelta(days=9)).date().isoformat()
    )
    made = client.post(
        "/api/v1/posts",
        json={
            "plan_id": plan.id,
            "channel": "blog",
            "title": "Le programme de la rentrée",
            "body": BODY,
            "scheduled_at": when.isoformat(),
            "hand_over_early": True,
        },
    )
    assert made.status_code == 201, made.get_json()
    post_id = made.get_json()["id"]
    assert client.post(f"/api/v1/posts/{post_id}/schedule").status_code == 200
    run_worker(client.application, burst=True)
    return post_id


def its_time_comes(post_id: int) -> None:
    """The post's time is now: its row says so, and its delivery job is due in RQ's scheduled registry."""
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.execute(update(Post).where(Post.id == post_id).values(scheduled_at=past))
    db.session.commit()
    registry = ScheduledJobRegistry(queue=runtime.queues().deliveries)
    runtime.queues().connection.zadd(registry.key, {queue.delivery_job_id(post_id): past.timestamp()})


def test_wordpress_holds_the_handed_over_post_as_future_and_refrain_keeps_it_queued(live, client, pretty):  # noqa: F811
    post_id = handed_over(client, pretty)
    post = reloaded(post_id)
    assert post.status == "queued" and post.handed_over_at is not None, post.failure_reason
    [held] = ours(pretty, post_id)
    assert str(held["id"]) == post.remote_id and held["status"] == "future"
    assert held["date_gmt"][:16] == post.scheduled_at.strftime("%Y-%m-%dT%H:%M")
    assert "?p=" not in post.remote_url, "the permalink it will have, not the preview"


def test_an_edit_updates_the_post_wordpress_holds_and_its_time_publishes_it_once(live, client, pretty):  # noqa: F811
    post_id = handed_over(client, pretty)
    first = reloaded(post_id).remote_id
    changed = client.patch(f"/api/v1/posts/{post_id}", json={"body": BODY + " Mis à jour."})
    assert changed.status_code == 200, changed.get_json()
    run_worker(client.application, burst=True)
    [held] = ours(pretty, post_id)
    assert str(held["id"]) == first and "Mis à jour." in held["content"]["raw"]
    assert held["status"] == "future"

    its_time_comes(post_id)
    run_worker(client.application, burst=True)
    post = reloaded(post_id)
    assert post.status == "published" and post.remote_id == first, post.failure_reason
    [published] = ours(pretty, post_id)
    assert str(published["id"]) == first and published["status"] == "publish"
    assert post.remote_url == published["link"]


def test_a_cancelled_hand_over_goes_to_wordpress_trash(live, client, pretty):  # noqa: F811
    post_id = handed_over(client, pretty)
    remote = reloaded(post_id).remote_id
    assert client.delete(f"/api/v1/posts/{post_id}").status_code == 200
    run_worker(client.application, burst=True)
    assert reloaded(post_id).status == "cancelled"
    assert pretty.post(remote)["status"] == "trash", "WordPress will not publish it at its time"
