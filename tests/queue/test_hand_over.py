"""Posts handed over to a service that holds them until their time, against a real Redis and RQ worker
and a StandIn playing the service (tests/support/ahead_channel.py). Every request the service gets is
counted: a hand-over creates one object, edits and the delivery at its time update that very object,
and cancelling withdraws it."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from scheduler import reconfigure
from scheduler.infra import queue
from scheduler.jobs.workers import run_worker
from scheduler.models import ChannelAccount, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import runtime
from tests.factories import make_plan
from tests.support.stand_in import StandIn

OBJECT = {"id": "77", "url": "https://ahead.example/?p=77"}


@pytest.fixture
def ahead(app, extra_channel):
    from tests.support.ahead_channel import AheadChannel

    extra_channel(AheadChannel)
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the stand-in, as an admin would allow it
    service = StandIn()
    yield service
    service.close()


@pytest.fixture
def plan(app):
    today = datetime.now(timezone.utc).date()
    return make_plan(starts_on=(today - timedelta(days=1)).isoformat(), ends_on=(today + timedelta(days=9)).isoformat())


def connect(client, service, channel="aheadtest"):
    answer = client.post(
        "/api/v1/accounts", json={"channel": channel, "name": "Blog", "api_url": service.url, "token": "t0ken"}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def in_minutes(minutes: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


def scheduled_post(client, plan, minutes=90, body="Notre rentrée, en avance", **fields) -> int:
    made = client.post(
        "/api/v1/posts",
        json={
            "plan_id": plan.id,
            "channel": "aheadtest",
            "title": "Rentrée",
            "body": body,
            "scheduled_at": in_minutes(minutes),
            "hand_over_early": True,
            **fields,
        },
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["hand_over_early"] is True
    post_id = made.get_json()["id"]
    assert client.post(f"/api/v1/posts/{post_id}/schedule").status_code == 200
    return post_id


def handed_over(client, ahead, plan, **fields) -> int:
    ahead.answer("POST", "/posts", 201, OBJECT)
    connect(client, ahead)
    post_id = scheduled_post(client, plan, **fields)
    run_worker(client.application, burst=True)
    return post_id


def reloaded(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def notes(post_id: int) -> list[str]:
    db.session.expire_all()
    return [e.note for e in db.session.scalars(select(PostEvent).where(PostEvent.post_id == post_id))]


def its_time_comes(post_id: int) -> None:
    """The post's time is now: its row says so, and its delivery job is due in RQ's scheduled registry."""
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.execute(update(Post).where(Post.id == post_id).values(scheduled_at=past))
    db.session.commit()
    registry = ScheduledJobRegistry(queue=runtime.queues().deliveries)
    job_id = queue.delivery_job_id(post_id)
    assert job_id in registry.get_job_ids(), "its delivery is still waiting for its time"
    runtime.queues().connection.zadd(registry.key, {job_id: past.timestamp()})


def test_a_post_is_handed_over_when_scheduled_and_stays_scheduled(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    [created] = ahead.received()
    assert (created.method, created.path) == ("POST", "/posts")
    sent = created.json()
    assert sent["status"] == "future" and sent["ref"] == f"refrain-post-{post_id}"
    post = reloaded(post_id)
    assert datetime.fromisoformat(sent["publish_at"]) == post.scheduled_at, "with the post's own time"
    assert post.status == "queued" and post.published_at is None, "not published: the service holds it"
    assert post.remote_id == "77" and post.remote_url == OBJECT["url"] and post.handed_over_at is not None
    assert any(note.startswith("handed over to Ahead, to go out at") for note in notes(post_id))
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Handed over to Ahead at" in page and "held there as scheduled" in page and OBJECT["url"] in page
    assert "Delivered:" not in page
    shown = client.get(f"/api/v1/posts/{post_id}").get_json()
    assert shown["hand_over_early"] is True and shown["handed_over_at"] and shown["status"] == "queued"


def test_an_edit_updates_the_object_the_service_holds_once(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("PUT", "/posts/77", 200, OBJECT)
    changed = client.patch(f"/api/v1/posts/{post_id}", json={"body": "Notre rentrée, corrigée"})
    assert changed.status_code == 200, changed.get_json()
    run_worker(app, burst=True)
    assert [(r.method, r.path) for r in ahead.received()] == [("POST", "/posts"), ("PUT", "/posts/77")]
    assert ahead.received("PUT")[0].json()["text"] == "Notre rentrée, corrigée"
    assert reloaded(post_id).status == "queued"


def test_a_new_time_far_enough_is_handed_over_and_one_too_close_is_left_to_the_delivery(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("PUT", "/posts/77", 200, OBJECT)
    client.patch(f"/api/v1/posts/{post_id}", json={"scheduled_at": in_minutes(240)})
    run_worker(app, burst=True)
    [moved] = ahead.received("PUT")
    assert datetime.fromisoformat(moved.json()["publish_at"]) == reloaded(post_id).scheduled_at
    client.patch(f"/api/v1/posts/{post_id}", json={"scheduled_at": in_minutes(1)})
    run_worker(app, burst=True)
    assert len(ahead.received()) == 2, "a minute ahead: its delivery updates the service at its time"


def test_cancelling_withdraws_the_post_from_the_service(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("DELETE", "/posts/77", 200, {"deleted": True})
    assert client.delete(f"/api/v1/posts/{post_id}").status_code == 200
    run_worker(app, burst=True)
    assert [(r.method, r.path) for r in ahead.received()] == [("POST", "/posts"), ("DELETE", "/posts/77")]
    post = reloaded(post_id)
    assert post.status == "cancelled" and post.handed_over_at is None
    assert "withdrawn from Ahead: deleted there" in notes(post_id)
    assert "still holds" not in client.get(f"/posts/{post_id}").get_data(as_text=True)


def test_unscheduling_to_draft_withdraws_it_too(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("DELETE", "/posts/77", 200, {})
    assert client.post(f"/api/v1/posts/{post_id}/unschedule").status_code == 200
    run_worker(app, burst=True)
    assert len(ahead.received("DELETE", "/posts/77")) == 1 and reloaded(post_id).status == "draft"


def test_a_service_that_will_not_let_go_is_said_plainly_with_its_link(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("DELETE", "/posts/77", 400, {"message": "This post is locked by another editor"})
    client.delete(f"/api/v1/posts/{post_id}")
    run_worker(app, burst=True)
    post = reloaded(post_id)
    assert post.status == "cancelled", "cancelled in Refrain all the same"
    assert "Ahead still holds this post as scheduled at https://ahead.example/?p=77" in post.failure_reason
    assert "locked by another editor" in post.failure_reason
    assert any("still holds this post" in note for note in notes(post_id))
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "still holds this post as scheduled" in page and 'href="https://ahead.example/?p=77"' in page


def test_at_its_time_the_delivery_updates_the_same_object_and_publishes(app, client, ahead, plan):
    post_id = handed_over(client, ahead, plan)
    ahead.answer("PUT", "/posts/77", 200, {"id": "77", "url": "https://ahead.example/2031/rentree"})
    its_time_comes(post_id)
    run_worker(app, burst=True)
    post = reloaded(post_id)
    assert post.status == "published" and post.remote_id == "77"
    assert post.remote_url == "https://ahead.example/2031/rentree", "the service's final address"
    assert [(r.method, r.path) for r in ahead.received()] == [("POST", "/posts"), ("PUT", "/posts/77")]
    assert ahead.received("PUT")[0].json()["status"] == "publish"
    assert "Delivered:" in client.get(f"/posts/{post_id}").get_data(as_text=True)


def test_a_failed_hand_over_is_noted_and_the_post_still_goes_out_at_its_time(app, client, ahead, plan):
    ahead.answer("POST", "/posts", 503, {"message": "down for maintenance"})
    ahead.answer("POST", "/posts", 201, {"id": "78", "url": "https://ahead.example/?p=78"})
    connect(client, ahead)
    post_id = scheduled_post(client, plan)
    run_worker(app, burst=True)
    waiting = reloaded(post_id)
    assert waiting.status == "queued" and waiting.remote_id == "" and waiting.failure_reason == ""
    assert any(
        "could not hand it over to Ahead (127.0.0.1 answered 503: down for maintenance); trying again" in n
        for n in notes(post_id)
    )
    assert runtime.queues().jobs_alive([queue.hand_over_job_id(post_id, 1)]), "tried again later"
    its_time_comes(post_id)
    run_worker(app, burst=True)
    done = reloaded(post_id)
    assert done.status == "published" and done.remote_id == "78"
    assert len(ahead.received("POST", "/posts")) == 2 and ahead.received("PUT") == []


def test_a_refused_account_is_marked_and_the_post_keeps_its_place(app, client, ahead, plan):
    ahead.answer("POST", "/posts", 401, {"message": "Sorry, you are not allowed to do that."})
    account = connect(client, ahead)
    post_id = scheduled_post(client, plan)
    run_worker(app, burst=True)
    assert reloaded(post_id).status == "queued"
    assert db.session.get(ChannelAccount, account["id"]).status == "unauthorized"
    assert any(note.startswith("not handed over to Ahead") for note in notes(post_id))


def test_a_cancel_during_the_hand_over_wins_and_the_object_is_withdrawn(app, client, ahead, plan):
    ahead.answer("POST", "/posts", 201, OBJECT, delay=1.5)
    ahead.answer("DELETE", "/posts/77", 200, {})
    connect(client, ahead)
    post_id = scheduled_post(client, plan)
    answers = []

    def cancel_while_the_service_answers():
        deadline = time.monotonic() + 10
        while not ahead.received("POST") and time.monotonic() < deadline:
            time.sleep(0.02)
        answers.append(client.delete(f"/api/v1/posts/{post_id}").status_code)

    canceller = threading.Thread(target=cancel_while_the_service_answers)
    canceller.start()
    run_worker(app, burst=True)  # the hand-over, its answer 1.5 s late
    canceller.join(timeout=30)
    assert answers == [200]
    run_worker(app, burst=True)  # the withdrawal, if it waited for the hand-over to finish
    post = reloaded(post_id)
    assert post.status == "cancelled" and post.remote_id == "77" and post.handed_over_at is None
    assert len(ahead.received("DELETE", "/posts/77")) == 1
    assert any(note.endswith("as it was taken off the calendar: withdrawing it") for note in notes(post_id))


def test_the_option_is_refused_where_the_service_cannot_hold_posts(app, client, ahead, plan, extra_channel):
    from tests.support.echo_channel import EchoChannel

    extra_channel(EchoChannel)
    asked = {"plan_id": plan.id, "body": "Hello", "scheduled_at": in_minutes(90), "hand_over_early": True}
    no_account = client.post("/api/v1/posts", json={**asked, "channel": "aheadtest"})
    assert no_account.status_code == 422
    assert "connect a Ahead account first" in no_account.get_json()["error"]["fields"]["hand_over_early"]
    connect(client, ahead, channel="echotest")
    cannot = client.post("/api/v1/posts", json={**asked, "channel": "echotest"})
    assert cannot.status_code == 422
    assert "cannot hold a post until its time" in cannot.get_json()["error"]["fields"]["hand_over_early"]
    draft = client.post("/api/v1/posts", json={**asked, "channel": "echotest", "hand_over_early": False})
    assert draft.status_code == 201 and draft.get_json()["hand_over_early"] is False


def test_the_editor_offers_the_option_only_where_it_works(app, client, ahead, plan):
    offer = "Hand over to Ahead as soon as it is scheduled, so it goes out even if Refrain is down"
    assert offer not in client.get(f"/posts/new?plan_id={plan.id}&channel=aheadtest").get_data(as_text=True)
    connect(client, ahead)
    assert offer in client.get(f"/posts/new?plan_id={plan.id}&channel=aheadtest").get_data(as_text=True)
    saved = client.post(
        f"/posts/new?plan_id={plan.id}&channel=aheadtest",
        data={
            "plan_id": plan.id,
            "channel": "aheadtest",
            "body": "Depuis l'éditeur",
            "scheduled_local": (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "hand_over_early": "y",
            "action": "save",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    post = db.session.scalar(select(Post).where(Post.body == "Depuis l'éditeur"))
    assert post.hand_over_early is True
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert offer in page and "checked" in page.split(offer)[0].rsplit("<label", 1)[1]
