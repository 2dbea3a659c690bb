"""The library in a browser: add a feed and watch its import finish, then turn an item into a draft."""

import re
from datetime import date, timedelta

from scheduler import reconfigure
from scheduler.services import feeds
from tests.browser.conftest import expect
from tests.factories import commit, make_plan
from tests.library.conftest import FeedHost
from tests.library.feeds import blog_rss

POSTS = [
    {
        "slug": f"guide-{n}",
        "title": f"Guide number {n}",
        "summary": f"<p>Step {n}. Plan the quarter.</p>",
        "days": n % 60,
    }
    for n in range(300)
]


def test_a_feed_imports_while_its_page_watches_and_an_item_becomes_a_draft(page, seed, live_server):
    host = FeedHost()
    reconfigure(live_server.app, fetch_allow=("127.0.0.1",))
    try:
        url = host.serve("/feed.xml", blog_rss(POSTS, title="The guides blog"))
        today = date.today()
        seed(
            lambda: commit(
                make_plan(
                    name="Library plan",
                    starts_on=(today - timedelta(days=5)).isoformat(),
                    ends_on=(today + timedelta(days=60)).isoformat(),
                ),
                "twitter",
            )
        )

        page.goto("/library/feeds")
        page.fill("input[name=url]", url)
        page.select_option("select[name=channel]", "blog")
        page.click("text=Add feed")
        expect(page.locator(".feed-state [data-status]")).to_have_text("new")
        feed_id = int(re.search(r"/library/feeds/(\d+)", page.url).group(1))

        seed(feeds.import_feed, feed_id)  # what a worker does; the open page notices and shows the result
        expect(page.locator(".feed-state [data-status]")).to_have_text("ok")
        expect(page.get_by_role("heading", name="The guides blog")).to_be_visible()
        expect(page.get_by_text("300 items")).to_be_visible()

        newest = page.locator("main table a").first
        title = newest.inner_text()
        assert title.startswith("Guide number")
        newest.click()
        expect(page.get_by_role("heading", name="Use on…")).to_be_visible()
        page.select_option("select[name=channel]", "twitter")
        page.click("text=Make a draft")
        expect(page).to_have_url(re.compile(r"/posts/\d+$"))
        expect(page.locator(".lineage")).to_contain_text(title)
        expect(page.locator("textarea[name=body]")).to_have_value(re.compile(re.escape(title)))
        expect(page.locator("#problems")).not_to_contain_text("error")
    finally:
        host.close()
