"""Cancelling from the editor asks first and can be undone for a few minutes, through the guarded
status machine: an undo never puts back on the queue a post that is already on its way."""

from datetime import datetime, timedelta, timezone

import pytest
from rq.registry import ScheduledJobRegistry

from scheduler.infra import queue
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import cancel_undo, lifecycle, posts, runtime
from scheduler.services.errors import Conflict
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, make_plan, make_post


def html_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def waiting_jobs(post_id) -> bool:
    registry = ScheduledJobRegistry(queue=runtime.queues().deliveries)
    return queue.delivery_job_id(post_id) in registry.get_job_ids()


def test_cancel_asks_first_and_nothing_happens_until_it_is_confirmed(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    post = posts.schedule_post(make_post(make_plan()))
    editor = html_of(client.get(f"/posts/{post.id}"))
    assert 'value="cancel" data-confirm="Cancel this post?' in editor
    question = html_of(client.post(f"/posts/{post.id}", data={"action": "cancel"}))
    assert "Cancel this X / Twitter post?" in question and 'name="confirmed" value="yes"' in question
    assert posts.get_post(post.id).status == "queued", "asking changed nothing"
    confirmed = {"action": "cancel", "confirmed": "yes"}
    done = html_of(client.post(f"/posts/{post.id}", data=confirmed, follow_redirects=True))
    assert "Cancelled: it will not be delivered" in done and posts.get_post(post.id).status == "cancelled"
    assert 'id="undo-cancel"' in done and "it goes back to queued (on the calendar again)" in done
    assert not waiting_jobs(post.id)


def test_undo_puts_a_queued_post_back_on_the_calendar_with_its_job(client, app):
    # its job waits in RQ's scheduled registry while its time is ahead of the real clock (the queue's own,
    # which a pinned app clock does not move): a plan and a time from today
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=today.isoformat(), ends_on=(today + timedelta(days=30)).isoformat())
    post = posts.schedule_post(make_post(plan, when=(datetime.now(timezone.utc) + timedelta(days=2)).isoformat()))
    client.post(f"/posts/{post.id}", data={"action": "cancel", "confirmed": "yes"})
    page = html_of(client.post(f"/posts/{post.id}/undo-cancel", follow_redirects=True))
    assert "Cancel undone: it is back on the calendar" in page and 'id="undo-cancel"' not in page
    db.session.expire_all()
    restored = posts.get_post(post.id)
    assert restored.status == "queued" and waiting_jobs(post.id)
    assert [e.note for e in restored.events][-2:] == ["cancel undone", "handed to the queue"]


def test_a_draft_comes_back_a_draft_and_a_second_undo_is_refused_as_an_error(client, app):
    post = make_post(make_plan())
    client.post(f"/posts/{post.id}", data={"action": "cancel", "confirmed": "yes"})
    client.post(f"/posts/{post.id}/undo-cancel")
    assert posts.get_post(post.id).status == "draft"
    again = html_of(client.post(f"/posts/{post.id}/undo-cancel", follow_redirects=True))
    assert '<p class="flash error" role="alert">The cancel can no longer be undone (the post is draft now).' in again


def test_a_post_claimed_since_its_cancel_cannot_be_undone_into_a_second_delivery(app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    post = posts.schedule_post(make_post(make_plan()))
    posts.cancel_post(post)
    offer = cancel_undo.undo_offer(posts.get_post(post.id))
    assert offer is not None and offer.restores == "queued"
    # meanwhile someone brought it back and scheduled it, and a worker claimed it
    posts.unschedule_post(posts.get_post(post.id))
    posts.schedule_post(posts.get_post(post.id))
    with unit_of_work():
        assert lifecycle.claim(post.id, "claimed", utcnow()) == 1
    db.session.expire_all()
    with pytest.raises(Conflict, match="the post is publishing now"):
        cancel_undo.undo_cancel(posts.get_post(post.id))
    db.session.expire_all()
    assert posts.get_post(post.id).status == "publishing"


def test_an_undo_that_loses_the_race_to_a_claim_changes_nothing(app, monkeypatch, clock_at):
    """The offer was read while the post was cancelled; the guarded move is what decides."""
    clock_at(BEFORE_THE_PLAN)
    post = posts.schedule_post(make_post(make_plan()))
    posts.cancel_post(post)
    stale = cancel_undo.undo_offer(posts.get_post(post.id))
    posts.unschedule_post(posts.get_post(post.id))
    posts.schedule_post(posts.get_post(post.id))
    with unit_of_work():
        lifecycle.claim(post.id, "claimed", utcnow())
    monkeypatch.setattr(cancel_undo, "undo_offer", lambda *_args, **_kw: stale)
    with pytest.raises(Conflict):
        cancel_undo.undo_cancel(posts.get_post(post.id))
    db.session.expire_all()
    assert posts.get_post(post.id).status == "publishing"


def test_the_undo_lasts_minutes_and_a_post_whose_time_passed_comes_back_as_a_draft(app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    post = posts.schedule_post(make_post(make_plan()))
    posts.cancel_post(post)
    cancelled = posts.get_post(post.id)
    assert cancel_undo.undo_offer(cancelled, at=utcnow() + cancel_undo.UNDO_FOR + timedelta(seconds=1)) is None
    clock_at("2031-06-02T10:05:00+02:00")  # five minutes after its time
    assert cancel_undo.undo_cancel(cancelled) == "draft"
    assert "its time had passed" in posts.get_post(post.id).events[-1].note
    assert not waiting_jobs(post.id)
