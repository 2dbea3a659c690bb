"""Moving posts on the calendar in a real browser: dragged to another day or hour, or moved with the
keyboard (M, the arrows, Enter; Escape leaves it); a refused move is shown as an error and the post goes
back where it was. Every move is said in the page's live line."""

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts
from scheduler.services.unit_of_work import unit_of_work
from tests.browser.conftest import expect
from tests.factories import commit, make_plan, make_post

WEEK = "view=week&date=2031-06-02"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def planned(seed, pinned_clock):
    pinned_clock(datetime(2031, 5, 20, 10, 0, tzinfo=timezone.utc))

    def plan_with_posts():
        plan = make_plan(name="Plan to move")
        commit(plan, "twitter")
        first = make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-02T10:15:00+02:00")
        second = posts.schedule_post(make_post(plan, body="L'été arrive", when="2031-06-03T09:00:00+02:00"))
        return plan.id, first.id, second.id

    return seed(plan_with_posts)


def local_time(seed, post_id) -> str:
    def read():
        db.session.expire_all()
        return posts.get_post(post_id).scheduled_at.astimezone(PARIS)

    return seed(read).isoformat()


def chip(page, post_id):
    return page.locator(f"[data-post='{post_id}']")


def test_a_post_dragged_onto_another_day_and_hour_moves_and_a_refused_move_snaps_back(page, seed, planned):
    plan_id, first, second = planned
    page.goto(f"/plans/{plan_id}/calendar?{WEEK}")
    wednesday = page.locator("td[data-day='2031-06-04'][data-channel='twitter']")
    source = chip(page, first).bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + 5)
    page.mouse.down()
    target = wednesday.bounding_box()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=8)
    slot = wednesday.locator(".slot[data-hour='14']")
    expect(slot).to_be_visible()
    expect(slot).to_have_text("14:15")
    box = slot.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    expect(page.locator("#move-status")).to_contain_text(re.compile(r"Moved “Profitez de l'Offre d'été !” to .*14:15"))
    expect(wednesday.locator(f"[data-post='{first}']")).to_contain_text("14:15")
    assert local_time(seed, first) == "2031-06-04T14:15:00+02:00"
    assert page.locator("#move-error").is_hidden()

    def taken_by_a_worker():  # after the page was drawn: the move must be refused
        with unit_of_work():
            db.session.execute(update(Post).where(Post.id == second).values(status="publishing"))

    seed(taken_by_a_worker)
    tuesday = page.locator("td[data-day='2031-06-03'][data-channel='twitter']")
    source = chip(page, second).bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + 5)
    page.mouse.down()
    target = page.locator("td[data-day='2031-06-05'][data-channel='twitter']").bounding_box()
    page.mouse.move(target["x"] + 3, target["y"] + 3, steps=8)
    page.mouse.up()
    expect(page.locator("#move-error")).to_have_text(re.compile(r"Not moved: a publishing post cannot be changed"))
    expect(tuesday.locator(f"[data-post='{second}']")).to_have_count(1)
    assert local_time(seed, second) == "2031-06-03T09:00:00+02:00"


def test_a_post_moved_with_the_keyboard_goes_where_the_arrows_say_and_escape_leaves_it(page, seed, planned):
    plan_id, first, _second = planned
    page.goto(f"/plans/{plan_id}/calendar?{WEEK}")
    post = chip(page, first)
    post.focus()
    page.keyboard.press("m")
    status = page.locator("#move-status")
    expect(status).to_contain_text("Moving “Profitez de l'Offre d'été !”")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(status).to_contain_text("11:15")
    expect(page.locator("td.move-target[data-day='2031-06-04'] .move-proposal")).to_have_text("→ 11:15")
    page.keyboard.press("Enter")
    expect(status).to_contain_text(re.compile(r"Moved “Profitez de l'Offre d'été !” to .*11:15"))
    assert local_time(seed, first) == "2031-06-04T11:15:00+02:00"
    expect(page).to_have_url(re.compile(r"/calendar\?"))  # Enter moved the post, it did not open it
    moved = page.locator(f"td[data-day='2031-06-04'] [data-post='{first}']")
    expect(moved).to_be_focused()

    page.keyboard.press("m")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    expect(status).to_contain_text("was left where it was")
    expect(page.locator(".move-target")).to_have_count(0)
    assert local_time(seed, first) == "2031-06-04T11:15:00+02:00"

    page.goto(f"/plans/{plan_id}/calendar?view=month&date=2031-06-02")
    dot = chip(page, first)
    dot.focus()
    page.keyboard.press("m")
    page.keyboard.press("ArrowDown")  # a week later in the month view
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Moved")
    assert local_time(seed, first) == "2031-06-11T11:15:00+02:00"
