"""The calendar's grid is kept rendered and shared, and never shown stale: any change to what it shows
(a new post, a status step of a delivery, a commitment, a deleted post, another day) renders it anew."""

import pytest
from sqlalchemy import delete

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import calendar, lifecycle, plans, posts
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_plan, make_post

WEEK = "/plans/{}/calendar?view=week&date=2031-06-04"


@pytest.fixture
def builds(monkeypatch):
    made = []
    building = calendar.build
    monkeypatch.setattr(calendar, "build", lambda *args: made.append(1) or building(*args))
    return made


def page(client, plan) -> str:
    answer = client.get(WEEK.format(plan.id))
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_grid_nobody_changed_is_served_as_it_was_kept(client, app, builds, clock_at):
    clock_at("2031-06-01T09:00:00+02:00")  # before the posts' times: a past time cannot be scheduled
    plan = make_plan()
    commit(plan, "twitter")
    posts.schedule_post(make_post(plan, body="Summer offer, day two"))
    first = page(client, plan)
    assert page(client, plan) == first and "1/4" in first
    assert len(builds) == 1, "the second reader got the kept grid"


def test_every_change_to_what_the_grid_shows_renders_it_anew(client, app, builds, clock_at):
    clock_at("2031-06-01T09:00:00+02:00")  # before the posts' times: a past time cannot be scheduled
    plan = make_plan()
    commit(plan, "twitter")
    post = posts.schedule_post(make_post(plan, body="Summer offer, day two"))
    assert "1/4" in page(client, plan)

    posts.schedule_post(make_post(plan, body="Summer offer, again", when="2031-06-02T15:00:00+02:00"))
    assert "2/4" in page(client, plan), "a new post"

    with unit_of_work():  # what a worker does: the chip's colour changes
        assert lifecycle.move(post.id, "publishing") and lifecycle.move(post.id, "published")
    assert "status-published" in page(client, plan), "a delivery's status step"

    plans.set_commitment(plan, "twitter", {"posts": 6, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5})
    assert "2/6" in page(client, plan), "a commitment"

    with unit_of_work():
        db.session.execute(delete(Post).where(Post.id == post.id))
    assert "1/6" in page(client, plan), "a deleted post"

    clock_at("2031-06-05T09:00:00+02:00")
    assert 'class="today"' in page(client, plan) and len(builds) == 6, "another day: today moved"
