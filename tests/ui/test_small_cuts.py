"""Small cuts: a blocked schedule says so as an error, and every page has its icon (no 404)."""

from scheduler.services import posts
from tests.factories import BEFORE_THE_PLAN, make_plan, make_post


def schedule(client, post, body):
    form = {"action": "schedule", "body": body, "scheduled_local": "2031-06-02T10:00", "theme": "auto"}
    return client.post(f"/posts/{post.id}", data=form, follow_redirects=True).get_data(as_text=True)


def test_a_blocked_schedule_is_shown_as_an_error_not_as_news(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    post = make_post(make_plan(), body="x" * 300)
    html = schedule(client, post, "x" * 300)
    assert '<p class="flash error" role="alert">' in html
    error = html.split('<p class="flash error" role="alert">')[1].split("</p>")[0]
    assert "problems to fix before it can be scheduled" in error
    assert '<p class="flash">' not in html, "nothing of it in the information banner"
    assert posts.get_post(post.id).status == "draft"


def test_news_stays_news(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    post = make_post(make_plan())
    html = schedule(client, post, post.body)
    assert '<p class="flash">Scheduled: it will be delivered at its time.</p>' in html


def test_every_page_links_an_icon_that_is_there(client, anonymous):
    for page in (client.get("/"), anonymous.get("/login"), anonymous.get("/newsletter/signup")):
        assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page.get_data(as_text=True)
    icon = anonymous.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
