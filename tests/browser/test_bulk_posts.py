"""Bulk work on the posts list in a real browser: every post of the page ticked with one box, a cancel
reviewed (the published post is listed with its reason, nothing changes yet), then confirmed."""

from datetime import datetime, timezone

from sqlalchemy import update

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts
from scheduler.services.unit_of_work import unit_of_work
from tests.browser.conftest import expect
from tests.factories import commit, make_plan, make_post


def test_posts_ticked_on_a_page_are_cancelled_after_a_review_that_lists_what_cannot_be(
    page, seed, pinned_clock, clock_at
):
    pinned_clock(datetime(2031, 5, 20, 10, 0, tzinfo=timezone.utc))
    clock_at("2031-05-20T10:00:00+00:00")  # the seed schedules in this thread: the same day

    def plan_with_posts():
        plan = make_plan(name="Plan to tidy")
        commit(plan, "twitter")
        queued = posts.schedule_post(make_post(plan, body="Offre d'été, en file", when="2031-06-03T10:00:00+02:00"))
        draft = make_post(plan, body="Un brouillon d'été", when="2031-06-02T10:00:00+02:00")
        out = make_post(plan, body="Déjà parti", when="2031-06-01T10:00:00+02:00")
        with unit_of_work():
            db.session.execute(update(Post).where(Post.id == out.id).values(status="published"))
        return plan.id, queued.id, draft.id, out.id

    plan_id, queued, draft, out = seed(plan_with_posts)
    page.goto(f"/plans/{plan_id}/posts")
    page.get_by_label("Select every post on this page").check()
    expect(page.locator("#ticked")).to_have_text("3")
    page.get_by_label("Action").select_option("cancel")
    expect(page.get_by_label("Shift by", exact=True)).to_be_hidden()
    page.get_by_role("button", name="Review…").click()

    expect(page.locator("h1")).to_have_text("Review: Cancel: they will not be delivered")
    expect(page.locator(".bulk-summary")).to_contain_text("2 will change")
    expect(page.locator("tr.outcome-refused")).to_contain_text("cannot: it is published: what went out stays out")
    assert seed(lambda: posts.get_post(queued).status) == "queued"
    page.get_by_role("button", name="Confirm: cancel").click()

    expect(page.locator(".bulk-summary")).to_contain_text("2 of the 3 posts changed")
    expect(page.locator("tr.outcome-refused")).to_contain_text("refused: it is published")

    def statuses():
        db.session.expire_all()
        return [posts.get_post(i).status for i in (queued, draft, out)]

    assert seed(statuses) == ["cancelled", "cancelled", "published"]
