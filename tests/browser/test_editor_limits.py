"""The editor on a tweet that is too long: the live counter says so, and scheduling is refused
without losing what was written."""

import re
from datetime import datetime

from tests.browser.conftest import expect
from tests.factories import BEFORE_THE_PLAN, commit, make_plan

CJK = "夏季优惠活动现在开始，" * 15  # 165 characters, each weighing 2: 330 weighted


def test_overlong_cjk_tweet_is_flagged_and_refused_but_kept(page, seed, pinned_clock):
    pinned_clock(datetime.fromisoformat(BEFORE_THE_PLAN))  # the pages' today: 2031-06-05 is ahead

    def plan_with_twitter():
        plan = make_plan(name="长推文 (browser)")
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(plan_with_twitter)

    page.goto(f"/posts/new?plan_id={plan_id}&channel=twitter&date=2031-06-05")
    counter = page.locator("#counter")
    expect(counter).to_have_text("0 / 280 weighted characters")
    page.locator("textarea[name=body]").fill(CJK)
    expect(counter).to_have_text("330 / 280 weighted characters")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    problem = page.locator("#problems li.error")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("50 weighted characters over the limit of 280")
    expect(page.locator("#theme-line")).to_have_text("On theme (keywords): matched 夏季优惠")

    page.get_by_role("button", name="Schedule").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    expect(page.locator("p.flash")).to_contain_text("the post has problems to fix before it can be scheduled")
    expect(page.locator("p.flash")).to_contain_text("50 weighted characters over the limit of 280")
    expect(page.locator("h1 .status")).to_have_text("draft")
    expect(page.locator("textarea[name=body]")).to_have_value(CJK)

    # an edit made on the draft, then a second refused attempt: the edit is kept too
    page.locator("textarea[name=body]").press("Control+End")
    page.locator("textarea[name=body]").press_sequentially("！！")
    expect(counter).to_have_text("334 / 280 weighted characters")
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("p.flash")).to_contain_text("54 weighted characters over the limit of 280")

    page.reload()
    expect(page.locator("p.flash")).to_have_count(0)
    expect(page.locator("textarea[name=body]")).to_have_value(CJK + "！！")
    expect(page.locator("h1 .status")).to_have_text("draft")
    expect(page.get_by_label("When (Europe/Paris)")).to_have_value("2031-06-05T10:00")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    expect(page.locator("#problems li.error")).to_contain_text("54 weighted characters over the limit of 280")
