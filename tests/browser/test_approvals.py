"""Approval in the browser: a creator schedules and the post waits; the manager sees it waiting on the
calendar and approves it in the editor; another post goes back to its writer with a comment."""

import re
from datetime import datetime, timezone

from tests.browser.conftest import CSP_LISTENER, TIMEOUT_MS, expect, session_cookie
from tests.factories import commit, make_plan, make_post


def signed_in_page(browser, live_server, email, role, name):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris")
    context.add_cookies([session_cookie(live_server, email, role, name)])
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    return context, context.new_page()


def test_a_creators_post_waits_for_approval_and_a_manager_approves_or_sends_it_back(
    browser, live_server, seed, pinned_clock, csp_violations
):
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))

    def plan_with_posts():
        plan = make_plan(name="Plan to approve", approval_required=True)
        commit(plan, "twitter")
        first = make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-02T10:00:00+02:00")
        second = make_post(plan, body="Encore l'Offre d'été !", when="2031-06-02T12:00:00+02:00")
        return plan.id, first.id, second.id

    plan_id, first, second = seed(plan_with_posts)
    creator_context, creator = signed_in_page(browser, live_server, "chloe@example.com", "creator", "Chloé")
    manager_context, manager = signed_in_page(browser, live_server, "mina@example.com", "manager", "Mina")
    for page in (creator, manager):
        page.on(
            "console",
            lambda message: csp_violations.append(message.text) if message.text.startswith("CSP violation") else None,
        )
    try:
        for post_id in (first, second):
            creator.goto(f"/posts/{post_id}")
            creator.get_by_role("button", name="Schedule").click()
            expect(creator.locator("p.flash")).to_contain_text("Sent for approval")
            expect(creator.locator("h1 .status")).to_have_text("in review")
        expect(creator.get_by_role("button", name="Approve")).to_have_count(0)

        manager.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-06-02")
        waiting = manager.locator("a.post-chip.status-in_review")
        expect(waiting).to_have_count(2)
        expect(waiting.first).to_contain_text("awaiting approval")
        waiting.first.click()
        expect(manager.locator("#approval")).to_contain_text("awaiting approval")
        manager.locator("#approval").get_by_role("button", name="Approve").click()
        expect(manager.locator("p.flash")).to_have_text("Approved: it will be delivered at its time.")
        expect(manager.locator("h1 .status")).to_have_text("queued")
        expect(manager.locator("ol.reviews")).to_contain_text("Mina approved")

        manager.goto(f"/posts/{second}")
        manager.get_by_label("Comment").fill("Say until when the offer runs")
        manager.get_by_role("button", name="Ask for changes").click()
        expect(manager.locator("h1 .status")).to_have_text("draft")

        creator.goto(f"/posts/{second}")
        expect(creator.locator("ol.reviews")).to_contain_text("Mina asked for changes: Say until when the offer runs")
        expect(creator.get_by_role("button", name="Schedule")).to_be_visible()

        manager.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-06-02")
        expect(manager.locator("a.post-chip.status-in_review")).to_have_count(0)
        expect(manager.locator("a.post-chip", has_text=re.compile("Profitez"))).to_have_class(
            re.compile(r"status-queued")
        )
    finally:
        creator_context.close()
        manager_context.close()
    assert not csp_violations, f"the Content-Security-Policy refused: {csp_violations}"


def test_a_reviewer_approves_through_the_link_a_manager_copied(
    browser, live_server, seed, pinned_clock, anonymous_page, clock_at
):
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))
    clock_at("2031-05-20T09:00:00+00:00")  # the seed schedules in this thread: the same day

    def waiting_post():
        from scheduler.services import actor, people, posts
        from tests.factories import make_person

        plan = make_plan(name="Plan with an outside reviewer", approval_required=True)
        commit(plan, "twitter")
        post = make_post(plan, body="L'Offre d'été, revue dehors", when="2031-06-03T10:00:00+02:00")
        with actor.acting_as(people.as_actor(make_person("chloe@example.com", "creator", "Chloé"))):
            posts.schedule_post(post)
        return post.id

    post_id = seed(waiting_post)
    context, manager = signed_in_page(browser, live_server, "mina@example.com", "manager", "Mina")
    try:
        manager.goto(f"/posts/{post_id}")
        manager.get_by_role("button", name="Copy a reviewer link").click()
        link = manager.locator("#review-link").input_value()
        assert link.startswith(f"{live_server.url}/review/")
    finally:
        context.close()
    anonymous_page.goto(link)
    expect(anonymous_page.locator("#review-preview")).to_contain_text("L'Offre d'été, revue dehors")
    anonymous_page.get_by_label("Your name").fill("Rosa Reviewer")
    anonymous_page.get_by_role("button", name="Approve").click()
    expect(anonymous_page.locator("h1")).to_have_text("Thank you")
    anonymous_page.goto(link)
    expect(anonymous_page.locator("h1")).to_have_text("This review link does not work")
