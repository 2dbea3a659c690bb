"""One idea for three channels in a real browser: the drafts, and each shown as its network shows it."""

import re
from datetime import datetime, timezone

from tests.browser.conftest import expect
from tests.factories import commit, make_plan

IDEA = (
    "Our summer offer starts today and covers every plan we sell. Teams of any size can switch in a day. "
    "Ask @refrain for a demo and read the #summer guide before the end of June."
)


def test_composing_one_idea_for_three_channels_and_seeing_each_preview(page, seed, pinned_clock):
    pinned_clock(datetime(2031, 5, 20, 10, 0, tzinfo=timezone.utc))

    def plan_with_x():
        plan = make_plan(name="Composer (browser)")
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(plan_with_x)
    page.goto(f"/plans/{plan_id}")
    page.get_by_role("link", name="One idea, many channels").click()

    page.get_by_label("Title").fill("The summer offer is here")
    page.get_by_label("The idea").fill(IDEA)
    page.get_by_label("Link").fill("https://example.com/summer")
    expect(page.get_by_role("checkbox", name="X / Twitter")).to_be_checked()  # the plan's committed channel
    page.get_by_role("checkbox", name="Mastodon").check()
    page.get_by_role("checkbox", name="Newsletter").check()
    page.get_by_label("When").fill("2031-06-03T10:00")
    page.get_by_role("button", name="Make the drafts").click()

    expect(page.locator("p.flash")).to_have_text("3 drafts made from the idea, one per channel: check each below.")
    expect(page).to_have_url(re.compile(r"/post-sets/\d+$"))
    rows = page.locator("table.set-posts tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator(".status")).to_have_text(["draft", "draft", "draft"])
    expect(page.locator("#set-state")).to_have_text("drafts")

    x = page.locator(".set-preview", has_text="X / Twitter")
    expect(x.locator(".pv-caption")).to_have_text(re.compile(r"^A thread of \d+ posts$"))
    assert x.locator("article.pv-item").count() >= 2
    expect(x.locator(".pv-item").first.locator(".pv-text")).to_have_text(re.compile(r"^The summer offer is here"))
    expect(x.locator(".pv-card .pv-domain").first).to_have_text("example.com")  # the domain while the card is read

    mastodon = page.locator(".set-preview", has_text="Mastodon")
    expect(mastodon.locator(".pv-hashtag")).to_have_text(["#summer"])
    expect(mastodon.locator(".pv-mention")).to_have_text(["@refrain"])

    newsletter = page.locator(".set-preview", has_text="Newsletter")
    expect(newsletter.locator(".pv-subject")).to_have_text("The summer offer is here")
    mail = newsletter.frame_locator("iframe.pv-frame")
    expect(mail.locator("h1")).to_have_text("The summer offer is here")
    expect(mail.locator("a", has_text="Read more")).to_be_visible()

    # one post opened on its own: its editor previews it live as it is typed
    rows.filter(has_text="Mastodon").get_by_role("link", name="Open").click()
    expect(page.locator("h1")).to_contain_text("Mastodon post")
    expect(page.locator("p.in-set")).to_contain_text("One of a set made from one idea")
    page.locator("textarea[name=body]").fill("Typed by hand with #tags and @people")
    expect(page.locator("#preview .pv-text")).to_have_text(  # Mastodon puts the link at the end
        re.compile(r"^Typed by hand with #tags and @people\s+https://example\.com/summer$")
    )
    expect(page.locator("#preview .pv-hashtag")).to_have_text(["#tags"])
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("p.flash")).to_have_text("Saved.")

    page.get_by_role("link", name="see it on its other channels").click()
    expect(page.locator("table.set-posts tbody tr", has_text="Mastodon")).to_contain_text("edited by hand")
