"""A time already past is refused for scheduling (422 on scheduled_at), with the next free slot
offered; drafts may keep one; what was queued in time is still delivered."""

import pytest

from scheduler.services import lifecycle, posts, publishing
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_person, make_plan, make_post, signed_in

NOW = "2031-06-02T14:30:00+02:00"  # a Monday afternoon in Paris; twitter's slots: 10:00, 13:00, 16:00, 19:00


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    commit(plan, "twitter")
    return plan


def draft(client, plan, when, body="Profitez de l'Offre d'été !"):
    answer = client.post(
        "/api/v1/posts", json={"plan_id": plan.id, "channel": "twitter", "body": body, "scheduled_at": when}
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def test_scheduling_a_time_already_past_is_refused_on_scheduled_at_with_the_next_free_slot(client, plan):
    posts.schedule_post(make_post(plan, body="Taken at four", when="2031-06-02T16:00:00+02:00"))
    late = draft(client, plan, "2031-06-02T10:00:00+02:00")
    answer = client.post(f"/api/v1/posts/{late['id']}/schedule")
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["message"] == "a time already past cannot be scheduled"
    assert error["fields"]["scheduled_at"] == (
        "is already past (Mon 02 Jun 2031, 10:00): the next free slot is Mon 02 Jun 2031, 19:00"
    )
    assert error["suggested"] == {"scheduled_at": "2031-06-02T17:00:00+00:00"}, "16:00 is taken: 19:00 in Paris"
    assert client.get(f"/api/v1/posts/{late['id']}").get_json()["status"] == "draft"
    moved = client.patch(f"/api/v1/posts/{late['id']}", json={"scheduled_at": error["suggested"]["scheduled_at"]})
    assert moved.status_code == 200 and moved.get_json()["notices"] == {}
    assert client.post(f"/api/v1/posts/{late['id']}/schedule").get_json()["status"] == "queued"


def test_a_draft_may_keep_a_past_time_and_is_told_what_that_means(client, plan):
    kept = draft(client, plan, "2031-06-01T10:00:00+02:00")
    assert kept["status"] == "draft" and kept["scheduled_at"] == "2031-06-01T08:00:00+00:00"
    assert kept["notices"]["scheduled_at"] == (
        "is already past: a draft may keep it, but the post cannot be scheduled then; "
        "the next free slot is Mon 02 Jun 2031, 16:00"
    )
    assert draft(client, plan, "2031-06-03T10:00:00+02:00")["notices"] == {}


def test_a_time_within_the_grace_for_clock_skew_is_still_now(client, plan, clock_at):
    clock_at("2031-06-02T14:30:45+02:00")  # 45 seconds after the time typed: clocks disagree by that much
    on_time = draft(client, plan, "2031-06-02T14:30:00+02:00")
    assert client.post(f"/api/v1/posts/{on_time['id']}/schedule").status_code == 200
    clock_at("2031-06-02T14:32:00+02:00")
    too_late = draft(client, plan, "2031-06-02T14:30:00+02:00")
    assert client.post(f"/api/v1/posts/{too_late['id']}/schedule").status_code == 422


def test_the_time_of_a_post_on_the_calendar_cannot_move_into_the_past(client, plan):
    queued = client.post(f"/api/v1/posts/{draft(client, plan, '2031-06-02T16:00:00+02:00')['id']}/schedule").get_json()
    answer = client.patch(f"/api/v1/posts/{queued['id']}", json={"scheduled_at": "2031-06-02T09:00:00+02:00"})
    assert answer.status_code == 422 and "already past" in answer.get_json()["error"]["fields"]["scheduled_at"]
    suggested = answer.get_json()["error"]["suggested"]["scheduled_at"]
    assert suggested == "2031-06-02T14:00:00+00:00", "its own 16:00 slot: a post that moves holds none"
    kept = client.get(f"/api/v1/posts/{queued['id']}").get_json()
    assert (kept["status"], kept["scheduled_at"]) == ("queued", "2031-06-02T14:00:00+00:00")


def test_a_post_whose_time_passed_while_it_was_queued_is_still_delivered_and_may_be_edited(client, plan, clock_at):
    queued = client.post(f"/api/v1/posts/{draft(client, plan, '2031-06-02T15:00:00+02:00')['id']}/schedule").get_json()
    clock_at("2031-06-02T15:20:00+02:00")  # the worker was busy: its time went by in the queue
    edited = client.patch(f"/api/v1/posts/{queued['id']}", json={"body": "Profitez de l'Offre d'été, vite !"})
    assert edited.status_code == 200 and edited.get_json()["status"] == "queued"
    publishing.deliver(queued["id"])
    assert client.get(f"/api/v1/posts/{queued['id']}").get_json()["status"] == "published"


def test_sending_an_unconfirmed_post_again_is_not_scheduling(client, plan, clock_at):
    post = posts.schedule_post(make_post(plan, when="2031-06-02T15:00:00+02:00"))
    with unit_of_work():
        lifecycle.move(post.id, "publishing", {"queued"})
        lifecycle.move(post.id, "unconfirmed", {"publishing"})
    clock_at("2031-06-02T18:00:00+02:00")
    assert client.post(f"/api/v1/posts/{post.id}/schedule").get_json()["status"] == "queued"


def test_approving_a_post_whose_time_passed_while_in_review_is_refused_with_the_slot(app, clock_at):
    clock_at(NOW)
    plan = make_plan(approval_required=True)
    commit(plan, "twitter")
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    post = draft(chloe, plan, "2031-06-02T16:00:00+02:00")
    assert chloe.post(f"/api/v1/posts/{post['id']}/schedule").get_json()["status"] == "in_review"
    clock_at("2031-06-02T16:30:00+02:00")
    answer = mina.post(f"/api/v1/posts/{post['id']}/approve")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["suggested"] == {"scheduled_at": "2031-06-02T17:00:00+00:00"}
    assert mina.get(f"/api/v1/posts/{post['id']}").get_json()["status"] == "in_review"


def test_nothing_is_offered_once_the_plan_is_over(client, app, clock_at):
    clock_at("2031-09-02T10:00:00+02:00")
    plan = make_plan()  # June to August
    late = draft(client, plan, "2031-08-30T10:00:00+02:00")
    error = client.post(f"/api/v1/posts/{late['id']}/schedule").get_json()["error"]
    assert error["fields"]["scheduled_at"].endswith(
        "the plan has no free slot left on this channel: choose a time to come"
    )
    assert "suggested" not in error
