"""Small cuts in a real browser: "Cancel post" asks first and offers an undo, the UTM builder's link goes
to the clipboard with one click, and a term rule's finding is fixed with one."""

from datetime import datetime

from scheduler.services import posts, style
from tests.browser.conftest import expect
from tests.factories import BEFORE_THE_PLAN, make_plan, make_post


def test_cancel_asks_first_and_undo_puts_the_post_back_on_the_calendar(page, seed, pinned_clock, clock_at):
    pinned_clock(datetime.fromisoformat(BEFORE_THE_PLAN))  # the pages' today, and the seed's below
    clock_at(BEFORE_THE_PLAN)

    def queued_post():
        return posts.schedule_post(make_post(make_plan(name="Undo plan"))).id

    post_id = seed(queued_post)
    page.goto(f"/posts/{post_id}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Cancel post").click()
    expect(page.locator("h1 .status")).to_have_text("queued")  # said no: nothing was sent
    assert seed(lambda: posts.get_post(post_id).status) == "queued"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel post").click()
    expect(page.locator("h1 .status")).to_have_text("cancelled")
    expect(page.get_by_text("Cancelled: it will not be delivered")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Cancel undone: it is back on the calendar")).to_be_visible()
    expect(page.locator("h1 .status")).to_have_text("queued")
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)


def test_the_utm_builder_copies_its_link(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    page.get_by_role("link", name="UTM links").click()
    page.get_by_label("Link").fill("https://example.com/offer")
    page.get_by_label("Source").fill("mastodon")
    page.get_by_label("Medium").fill("social")
    page.get_by_label("Campaign").fill("ete")
    page.get_by_role("button", name="Build the link").click()
    built = "https://example.com/offer?utm_source=mastodon&utm_medium=social&utm_campaign=ete"
    expect(page.get_by_label("Your link")).to_have_value(built)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == built


def test_a_term_rules_finding_is_fixed_in_one_click(page, seed):
    def draft_with_a_rule():
        style.create_entry(
            {"kind": "term_rule", "title": "Plain words", "avoid": "utilise", "prefer": "use", "body": "plain words"},
            "Maya",
        )
        return make_post(make_plan(name="Fix plan"), body="Nous voulons l'offre d'été. Utilise the calendar.").id

    post_id = seed(draft_with_a_rule)
    page.goto(f"/posts/{post_id}")
    fix = page.get_by_role("button", name="Use “Use”")
    fix.click()
    expect(page.locator("textarea[name=body]")).to_have_value("Nous voulons l'offre d'été. Use the calendar.")
    expect(fix).to_have_count(0)  # checked again: the finding is gone
    expect(page.locator("#problems")).not_to_contain_text("Utilise")
