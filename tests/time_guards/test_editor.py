"""The editor's side of the time guards: a past time refused beside the When field, with the next free
slot; a draft kept at a past time with a warning; "+" on a calendar day proposing a free slot to come."""

import re

import pytest

from scheduler.services import posts
from tests.factories import commit, make_plan, make_post

NOW = "2031-06-02T14:30:00+02:00"  # twitter's slots: 10:00, 13:00, 16:00, 19:00 in Paris


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    commit(plan, "twitter")
    return plan


def typed(plan, when, action, body="Profitez de l'Offre d'été !"):
    return {"body": body, "theme": "auto", "scheduled_local": when, "action": action}


def proposed(client, plan, day) -> str:
    html = client.get(f"/posts/new?plan_id={plan.id}&channel=twitter&date={day}").get_data(as_text=True)
    return re.search(r'name="scheduled_local" type="datetime-local" value="([^"]*)"', html).group(1)


def test_scheduling_a_new_post_at_a_past_time_is_refused_beside_when_and_nothing_is_saved(client, plan):
    answer = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter", data=typed(plan, "2031-06-02T10:00", "schedule")
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Not saved: please correct When below" in html
    said = "When is already past (Mon 02 Jun 2031, 10:00): the next free slot is Mon 02 Jun 2031, 16:00"
    assert f'<em class="error">{said}</em>' in html
    assert posts.list_posts({"plan_id": plan.id}) == []


def test_scheduling_a_saved_draft_at_a_past_time_is_refused_beside_when(client, plan):
    post = make_post(plan, when="2031-06-02T10:00:00+02:00")
    answer = client.post(f"/posts/{post.id}", data=typed(plan, "2031-06-02T10:00", "schedule"))
    assert answer.status_code == 422 and "When is already past" in answer.get_data(as_text=True)
    assert posts.get_post(post.id).status == "draft"
    moved = client.post(f"/posts/{post.id}", data=typed(plan, "2031-06-02T16:00", "schedule"), follow_redirects=True)
    assert "Scheduled: it will be delivered at its time." in moved.get_data(as_text=True)
    assert posts.get_post(post.id).status == "queued"


def test_saving_a_draft_at_a_past_time_keeps_it_and_warns(client, plan):
    answer = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data=typed(plan, "2031-06-01T10:00", "save"),
        follow_redirects=True,
    )
    html = answer.get_data(as_text=True)
    assert "Draft saved." in html
    assert "When is already past: a draft may keep it, but the post cannot be scheduled then" in html
    [post] = posts.list_posts({"plan_id": plan.id})
    assert post.status == "draft" and post.scheduled_at.isoformat() == "2031-06-01T08:00:00+00:00"


def test_plus_on_today_proposes_the_next_free_slot_to_come(client, plan):
    posts.schedule_post(make_post(plan, body="Taken at four", when="2031-06-02T16:00:00+02:00"))
    assert proposed(client, plan, "2031-06-02") == "2031-06-02T19:00"


def test_plus_on_today_late_at_night_proposes_tomorrows_first_free_slot(client, plan, clock_at):
    clock_at("2031-06-02T23:10:00+02:00")
    assert proposed(client, plan, "2031-06-02") == "2031-06-03T10:00"


def test_plus_on_a_day_to_come_proposes_its_first_free_slot(client, plan):
    posts.schedule_post(make_post(plan, body="Taken at ten", when="2031-06-05T10:00:00+02:00"))
    assert proposed(client, plan, "2031-06-05") == "2031-06-05T13:00"


def test_plus_on_a_day_gone_by_proposes_the_next_free_slot_to_come_and_says_so(client, plan):
    html = client.get(f"/posts/new?plan_id={plan.id}&channel=twitter&date=2031-06-01").get_data(as_text=True)
    assert 'value="2031-06-02T16:00"' in html and "01 June is past" in html
