"""The keyboard alone: "?" lists the shortcuts and Escape closes the list, n opens a new post in the
page's plan, [ and ] step through the calendar's periods, a approves the post under review, keys typed
in a field stay in the field, and the focused control shows where it is."""

import re
from datetime import datetime, timezone

from scheduler.services import actor, posts
from tests.browser.conftest import expect
from tests.factories import commit, make_person, make_plan, make_post


def test_question_mark_lists_the_shortcuts_and_escape_closes_the_list(page, seed, pinned_clock):
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))

    def plan_with_x():
        plan = make_plan(name="Keyboard plan")
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(plan_with_x)
    page.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-05-20")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_hidden()
    page.keyboard.press("?")
    expect(shortcuts).to_be_visible()
    for said in ("New post in this plan", "Previous and next period", "Approve", "Look up the style guide"):
        expect(shortcuts).to_contain_text(said)
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()

    # a key pressed once the address changed but before the new page's scripts ran would be lost: each
    # step waits for the page to have loaded
    page.keyboard.press("]")
    expect(page).to_have_url(re.compile(r"date=2031-05-27"))
    page.wait_for_load_state("load")
    page.keyboard.press("[")
    expect(page).to_have_url(re.compile(r"date=2031-05-20"))
    page.wait_for_load_state("load")

    page.keyboard.press("/")  # the lookup (kept): keys typed there are words, not shortcuts
    expect(page.locator("#lookup")).to_be_focused()
    page.keyboard.type("n?")
    expect(page.locator("#lookup")).to_have_value("n?")
    expect(shortcuts).to_be_hidden()
    page.keyboard.press("Escape")

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(rf"/posts/new\?plan_id={plan_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("post")
    expect(page.locator("textarea[name=body]")).to_be_visible()


def test_a_approves_the_post_under_review(page, seed, pinned_clock):
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))

    def post_in_review():
        plan = make_plan(name="Keyboard approvals", approval_required=True)
        commit(plan, "twitter")
        post = make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-02T10:00:00+02:00")
        creator = make_person("chloe@example.com", "creator", "Chloé")
        with actor.acting_as(actor.Actor(creator.id, "Chloé", "creator")):
            return post.id, posts.schedule_post(post).status

    post_id, status = seed(post_in_review)
    assert status == "in_review"
    page.goto(f"/posts/{post_id}")
    page.keyboard.press("a")
    expect(page.locator("h1 .status")).not_to_have_text("in review")


def test_the_focused_link_shows_an_outline(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile("brand"))
    outline = focused.evaluate("e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")
    assert outline[0] != "none" and outline[1] >= 2, outline
