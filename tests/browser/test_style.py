"""The style guide in a browser: "/" then typing finds entries with the words marked; the editor
underlines a finding where it is, even after emoji and Chinese."""

import re
from datetime import date, timedelta

from scheduler.services import style
from tests.browser.conftest import expect
from tests.factories import commit, make_plan


def test_slash_opens_the_lookup_and_answers_as_you_type(page, seed):
    seed(
        lambda: [
            style.create_entry(e, "Maya")
            for e in (
                {
                    "kind": "script",
                    "title": "Une réclamation en français",
                    "body": "« Bonjour, merci de nous l'avoir signalé. »",
                },
                {"kind": "script", "title": "处理中文客户投诉", "body": "先致歉，再确认夏季优惠活动的问题。"},
                {"kind": "guideline", "title": "Tweets that work", "body": "Short sentences."},
            )
        ]
    )
    page.goto("/")
    page.keyboard.press("/")
    expect(page.locator("#lookup")).to_be_focused()
    page.keyboard.type("reclam")
    first = page.locator("#lookup-results a").first
    expect(first).to_contain_text("Une réclamation en français")
    expect(first.locator("mark")).to_have_text("réclam")
    page.locator("#lookup").fill("优惠")
    expect(page.locator("#lookup-results a").first).to_contain_text("处理中文客户投诉")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="处理中文客户投诉")).to_be_visible()


def test_the_editor_underlines_a_finding_where_it_is(page, seed):
    def prepare():
        style.create_entry(
            {
                "kind": "term_rule",
                "title": "Plain",
                "avoid": "utilize",
                "prefer": "use",
                "body": "plain words read faster",
            },
            "Maya",
        )
        plan = make_plan(
            name="Style (browser)",
            starts_on=date.today().isoformat(),
            ends_on=(date.today() + timedelta(days=30)).isoformat(),
        )
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(prepare)
    page.goto(f"/posts/new?plan_id={plan_id}&channel=twitter")
    page.locator("textarea[name=body]").fill("🎉 夏季优惠 — we utilize calendars")
    underlined = page.locator("#marks u")
    expect(underlined).to_have_text("utilize")
    expect(underlined).to_have_class(re.compile("warning"))
    expect(page.locator("#problems")).to_contain_text("write “use” instead")
