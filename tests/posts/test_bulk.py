"""Bulk work on posts: reschedule, move to another plan, cancel. Every post asked for comes back done,
unchanged or refused with its reason; one post's refusal never undoes the others."""

from datetime import datetime, timedelta, timezone

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from scheduler.infra import queue
from scheduler.models import AuditEvent, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import actor, bulk_posts, posts, runtime
from scheduler.services.errors import Invalid
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_person, make_plan, make_post, signed_in

NOW = "2031-05-20T12:00:00+02:00"


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    commit(plan, "twitter")
    return plan


def put_in(post, status: str) -> None:
    with unit_of_work():
        db.session.execute(update(Post).where(Post.id == post.id).values(status=status))


def stored(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


LOCAL = datetime.fromisoformat(NOW).tzinfo


def local(post_id: int) -> str:
    return stored(post_id).scheduled_at.astimezone(LOCAL).isoformat()


def by_id(result) -> dict:
    return {o.post_id: o for o in result.outcomes}


def scheduled_jobs() -> set[str]:
    return set(ScheduledJobRegistry(queue=runtime.queues().deliveries).get_job_ids())


def test_a_shift_moves_the_posts_that_can_move_and_says_why_the_others_cannot(app):
    # the queued post's job waits in RQ's scheduled registry while its time is ahead of the real clock (the
    # queue's own, which a pinned app clock does not move): a plan and times from today, in UTC (no DST)
    day = datetime.now(timezone.utc).date() + timedelta(days=10)
    plan = make_plan(
        starts_on=(day - timedelta(days=10)).isoformat(), ends_on=(day + timedelta(days=30)).isoformat(), timezone="UTC"
    )
    commit(plan, "twitter")
    draft = make_post(plan, when=f"{day}T10:00:00+00:00")
    queued = posts.schedule_post(make_post(plan, body="Offre d'été, deux", when=f"{day}T11:00:00+00:00"))
    published, publishing = make_post(plan, body="Out"), make_post(plan, body="Going")
    put_in(published, "published")
    put_in(publishing, "publishing")
    ids = [draft.id, queued.id, published.id, publishing.id, 999999]
    result = bulk_posts.run({"action": "reschedule", "ids": ids, "shift": "P1D"})
    outcomes = by_id(result)
    assert [outcomes[i].outcome for i in ids] == ["done", "done", "refused", "refused", "refused"]
    assert outcomes[published.id].reason == "it is published: what went out stays out"
    assert outcomes[publishing.id].reason == "it is being delivered right now"
    assert outcomes[999999].reason == "there is no post 999999"
    next_day = day + timedelta(days=1)
    assert local(draft.id) == datetime.fromisoformat(f"{next_day}T10:00:00+00:00").astimezone(LOCAL).isoformat()
    assert local(queued.id) == datetime.fromisoformat(f"{next_day}T11:00:00+00:00").astimezone(LOCAL).isoformat()
    assert stored(queued.id).status == "queued", "still on the queue, for its new time"
    job = runtime.queues().deliveries.fetch_job(queue.delivery_job_id(queued.id))
    assert job is not None and queue.delivery_job_id(queued.id) in scheduled_jobs()
    assert stored(published.id).scheduled_at == published.scheduled_at


def test_a_date_keeps_each_posts_time_of_day_and_a_past_time_is_refused_alone(plan):
    morning = make_post(plan, when="2031-06-02T09:15:00+02:00")
    evening = make_post(plan, body="Offre d'été ce soir", when="2031-06-04T21:30:00+02:00")
    result = bulk_posts.run({"action": "reschedule", "ids": [morning.id, evening.id], "date": "2031-07-01"})
    assert result.counted("done") == 2
    assert (local(morning.id), local(evening.id)) == ("2031-07-01T09:15:00+02:00", "2031-07-01T21:30:00+02:00")

    result = bulk_posts.run({"action": "reschedule", "ids": [morning.id, evening.id], "date": "2031-05-20"})
    outcomes = by_id(result)
    assert outcomes[morning.id].outcome == "refused"
    assert outcomes[morning.id].reason == "the new time, Tue 20 May 2031, 09:15, is already past"
    assert outcomes[evening.id].outcome == "done" and local(evening.id) == "2031-05-20T21:30:00+02:00"


def test_a_post_the_service_refuses_midway_is_rolled_back_alone(plan, monkeypatch):
    first, second, third = (make_post(plan, body=f"Offre d'été {n}") for n in range(3))
    posts.schedule_post(second)
    real = posts.update_post

    def refusing_the_second(post, data):
        real(post, data)  # its new time is written, its job asked for after the commit...
        if post.id == second.id:
            raise Invalid({"scheduled_at": "is refused by the test"})  # ...then it is refused
        return post

    monkeypatch.setattr(posts, "update_post", refusing_the_second)
    jobs_before = scheduled_jobs()
    result = bulk_posts.run({"action": "reschedule", "ids": [first.id, second.id, third.id], "shift": "PT2H"})
    assert [o.outcome for o in result.outcomes] == ["done", "refused", "done"]
    assert by_id(result)[second.id].reason == "scheduled at: is refused by the test"
    assert local(first.id) == local(third.id) == "2031-06-02T12:00:00+02:00"
    assert local(second.id) == "2031-06-02T10:00:00+02:00", "the refused post is as it was"
    assert scheduled_jobs() == jobs_before, "and its job was not moved"


def test_moving_to_another_plan_decides_the_theme_again_and_is_in_the_trail(plan):
    autumn = make_plan(name="Rentrée 2031", keywords=["rentrée"], starts_on="2031-06-01", ends_on="2031-09-30")
    summer = make_post(plan, body="Profitez de l'Offre d'été !")
    back_to_school = make_post(plan, body="C'est la rentrée !")
    out = make_post(plan, body="Déjà publié")
    put_in(out, "published")
    already = make_post(autumn, body="Rentrée encore")
    owner = make_person("olive@example.com", "owner", "Olive")
    with actor.acting_as(actor.Actor(owner.id, "Olive", "owner")):
        result = bulk_posts.run(
            {"action": "move", "ids": [summer.id, back_to_school.id, out.id, already.id], "to_plan_id": autumn.id}
        )
    assert [o.outcome for o in result.outcomes] == ["done", "done", "refused", "unchanged"]
    assert stored(summer.id).plan_id == autumn.id and stored(summer.id).on_theme is False
    assert stored(back_to_school.id).on_theme is True, "on theme by the new plan's keywords"
    assert stored(out.id).plan_id == plan.id
    notes = db.session.scalars(select(PostEvent.note).where(PostEvent.post_id == summer.id)).all()
    assert "moved from plan “Offre d'été 2031” to “Rentrée 2031”" in notes
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == summer.id)).all()
    assert any(e.changes.get("plan_id") == [plan.id, autumn.id] and e.actor_name == "Olive" for e in trail)


def test_a_creators_scheduled_post_moved_into_a_plan_that_asks_for_approval_waits_for_it(plan):
    reviewed = make_plan(name="Reviewed", approval_required=True)
    post = posts.schedule_post(make_post(plan))
    creator = make_person("chloe@example.com", "creator", "Chloé")
    with actor.acting_as(actor.Actor(creator.id, "Chloé", "creator")):
        bulk_posts.run({"action": "move", "ids": [post.id], "to_plan_id": reviewed.id})
    assert stored(post.id).status == "in_review"
    assert queue.delivery_job_id(post.id) not in scheduled_jobs()


def test_cancel_takes_posts_off_the_queue_and_lists_those_it_cannot_cancel(plan):
    queued = posts.schedule_post(make_post(plan))
    cancelled, published = make_post(plan, body="Annulé"), make_post(plan, body="Publié")
    put_in(cancelled, "cancelled")
    put_in(published, "published")
    result = bulk_posts.run({"action": "cancel", "ids": [queued.id, cancelled.id, published.id]})
    assert [(o.outcome, o.reason) for o in result.outcomes] == [
        ("done", ""),
        ("unchanged", "it is cancelled already"),
        ("refused", "it is published: what went out stays out"),
    ]
    assert stored(queued.id).status == "cancelled"
    assert queue.delivery_job_id(queued.id) not in scheduled_jobs()


def test_a_dry_run_says_what_would_happen_and_changes_nothing(plan):
    post = posts.schedule_post(make_post(plan))
    result = bulk_posts.run({"action": "reschedule", "ids": [post.id], "shift": "-P1D", "dry_run": True})
    (outcome,) = result.outcomes
    assert outcome.outcome == "done" and outcome.to_time.isoformat() == "2031-06-01T08:00:00+00:00"
    assert local(post.id) == "2031-06-02T10:00:00+02:00" and stored(post.id).status == "queued"


def test_all_posts_a_filter_matches_and_no_more_than_an_action_takes(plan, monkeypatch):
    tweets = [make_post(plan, body=f"Offre d'été {n}") for n in range(3)]
    blog = make_post(plan, channel="blog", title="Été", body="Offre d'été au long cours")
    result = bulk_posts.run({"action": "cancel", "filter": {"plan_id": plan.id, "channel": "twitter"}})
    assert sorted(o.post_id for o in result.outcomes) == sorted(p.id for p in tweets)
    assert stored(blog.id).status == "draft"
    monkeypatch.setattr(bulk_posts, "MOST", 2)
    with pytest.raises(Invalid) as refused:
        bulk_posts.run({"action": "cancel", "filter": {"plan_id": plan.id}})
    assert refused.value.fields == {"filter": "matches 4 posts; one action takes at most 2: narrow the filter"}


def test_what_a_request_must_say_is_refused_field_by_field(plan):
    with pytest.raises(Invalid) as refused:
        bulk_posts.run({"action": "reschedule", "ids": [1], "filter": {}, "shift": "soon"})
    assert set(refused.value.fields) == {"ids", "shift"}
    with pytest.raises(Invalid) as refused:
        bulk_posts.run({"action": "move", "filter": {"status": "lost"}, "to_plan_id": 999})
    assert set(refused.value.fields) == {"filter.status", "to_plan_id"}


# the API


def test_the_api_answers_each_posts_outcome(app, plan):
    post = make_post(plan)
    out = make_post(plan, body="Publié")
    put_in(out, "published")
    creator = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    answer = creator.post("/api/v1/posts/bulk", json={"action": "cancel", "ids": [post.id, out.id]})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["done"], body["refused"], body["total"]) == (1, 1, 2)
    assert body["results"][1] == {
        "id": out.id,
        "outcome": "refused",
        "reason": "it is published: what went out stays out",
        "notice": None,
        "status": "published",
        "plan_id": plan.id,
        "scheduled_at": out.scheduled_at.isoformat(),
        "to_time": None,
    }
    refused = creator.post("/api/v1/posts/bulk", json={"action": "reschedule", "ids": [post.id]})
    assert refused.status_code == 422 and "shift" in refused.get_json()["error"]["fields"]
    viewer = signed_in(app, make_person("vic@example.com", "viewer", "Vic"))
    assert viewer.post("/api/v1/posts/bulk", json={"action": "cancel", "ids": [post.id]}).status_code == 403
