"""Hostile post text is shown as text everywhere a browser renders it, and never runs."""

import re

from tests.browser.conftest import expect
from tests.factories import commit, make_plan, make_post

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def assert_not_run(page):
    assert page.evaluate("typeof window.__pwned") == "undefined"
    expect(page.locator("main img")).to_have_count(0)
    expect(page.locator("main script")).to_have_count(0)


def test_hostile_body_is_text_in_posts_list_editor_and_calendar(page, seed):
    def hostile_post():
        plan = make_plan(name="Escaping (browser)")
        commit(plan, "twitter")
        post = make_post(plan, body=HOSTILE, when="2031-06-03T11:00:00+02:00")
        return plan.id, post.id

    plan_id, post_id = seed(hostile_post)

    page.goto(f"/plans/{plan_id}/posts")
    link = page.locator("table.posts tbody tr td a", has_text="window.__pwned")
    expect(link).to_have_text(HOSTILE)
    assert_not_run(page)

    link.click()
    expect(page).to_have_url(re.compile(rf"/posts/{post_id}$"))
    expect(page.locator("textarea[name=body]")).to_have_value(HOSTILE)
    expect(page.locator("#counter")).to_have_text(re.compile(r"^\d+ / 280 weighted characters$"))  # JS has run
    expect(page.locator("#preview")).to_have_text(HOSTILE)
    assert_not_run(page)

    # typed live into the editor, it is still only text in the preview
    page.locator("textarea[name=body]").fill("Nouveau " + HOSTILE)
    expect(page.locator("#preview")).to_have_text("Nouveau " + HOSTILE)
    assert_not_run(page)

    page.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-06-03")
    chip = page.locator("a.post-chip")
    expect(chip).to_have_text("11:00 " + HOSTILE[:28])
    expect(chip).to_have_attribute("title", "draft: " + HOSTILE)
    assert_not_run(page)
