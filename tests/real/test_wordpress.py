"""The blog's WordPress target against a real WordPress: Debian's package with MariaDB and Apache,
set up by ``scripts/real/wordpress.sh`` (two sites: pretty permalinks, and plain ones where only
``?rest_route=`` reaches the API). Posts go through Refrain's own delivery path (an account connected
through the API, a post scheduled, the worker), and what WordPress then holds is read back from its
REST API: one post per Refrain post, never one Refrain did not write."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.request import urlopen

import pytest
from sqlalchemy import select

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from scheduler import reconfigure
from scheduler.jobs.workers import run_worker
from scheduler.models import ChannelAccount, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import posts, publishing
from scheduler.services.clock import pinned
from scheduler.services.post_checks import content_of
from tests.factories import make_plan
from tests.real.conftest import service_settings
from tests.real.wordpress_site import Site

TIMEOUT = 3  # Refrain's delivery timeout here: the late answer below comes after it
BODY = (
    "L'*œuvre* d'été commence en septembre, avec un **programme** complet pour toute l'équipe.\n\n"
    "冬季优惠即将开始，欢迎大家参加。这是第二段，用来检查中文在 WordPress 中是否完整保存。\n\n"
    "Read [the plan](https://example.com/plan) before the first meeting, and bring your questions, "
    "your calendars and your ideas for the newsletter, the blog and the videos of the season."
)


@pytest.fixture(scope="module")
def settings():
    return service_settings("wordpress")


@pytest.fixture
def pretty(settings):
    site = Site(settings, "pretty")
    site.clear()
    return site


@pytest.fixture
def plain(settings):
    site = Site(settings, "plain")
    site.clear()
    return site


@pytest.fixture
def live(app):
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",), delivery_timeout=TIMEOUT)
    return app


def connect(client, site: Site, who: str = "admin", password: str | None = None) -> dict:
    user = site.users[who]
    answer = client.post(
        "/api/v1/accounts",
        json={
            "channel": "blog",
            "name": f"{site.name} blog",
            "target": "wordpress",
            "site_url": site.url,
            "user": user["user"],
            "app_password": password or user["app_password"],
        },
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def blog_post(title: str, body: str = BODY, tags=(), when: datetime | None = None) -> int:
    """A blog post on the calendar: due now unless ``when`` says otherwise."""
    when = when or datetime.now(timezone.utc) - timedelta(seconds=5)
    plan = make_plan(
        starts_on=(when - timedelta(days=1)).date().isoformat(), ends_on=(when + timedelta(days=9)).date().isoformat()
    )
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "blog",
            "title": title,
            "body": body,
            "scheduled_at": when.isoformat(),
            "extra": {"tags": list(tags)},
        }
    )
    return posts.schedule_post(post).id


def reloaded(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def last_note(post_id: int) -> str:
    """What the post's history says last (the outcome's message for a delivery)."""
    notes = select(PostEvent.note).where(PostEvent.post_id == post_id).order_by(PostEvent.id.desc())
    return db.session.scalars(notes).first() or ""


def delivered(app, post_id: int) -> Post:
    run_worker(app, burst=True)
    return reloaded(post_id)


def adapter_context(site: Site, who: str = "admin", password: str | None = None) -> DeliveryContext:
    """What the app gives the adapter, for the calls no service makes yet (an update, a withdrawal)."""
    user = site.users[who]
    account = Account(
        1,
        "blog",
        "blog",
        {"target": "wordpress", "site_url": site.url, "user": user["user"]},
        {"app_password": password or user["app_password"]},
    )
    return DeliveryContext(
        "live", "/nonexistent", account=account, http=HttpClient(allow=("127.0.0.1",), timeout=TIMEOUT)
    )


def ours(site: Site, post_id: int) -> list[dict]:
    return [item for item in site.posts() if f"<!-- refrain-post-{post_id} -->" in item["content"]["raw"]]


# --- delivering ----------------------------------------------------------------------------------------


def test_a_post_is_published_now_with_its_text_intact(live, client, pretty):
    connect(client, pretty)
    post_id = blog_post("L'œuvre d'été : 冬季优惠", tags=["été", "冬季"])
    post = delivered(live, post_id)
    assert post.status == "published", post.failure_reason
    held = pretty.post(post.remote_id)
    assert held["status"] == "publish" and held["title"]["raw"] == "L'œuvre d'été : 冬季优惠"
    raw = held["content"]["raw"]
    assert "<em>œuvre</em>" in raw and "<strong>programme</strong>" in raw and "冬季优惠即将开始" in raw
    assert '<a href="https://example.com/plan">the plan</a>' in raw
    assert raw.rstrip().endswith(f"<!-- refrain-post-{post_id} -->")
    assert pretty.tag_names(held["tags"]) == ["été", "冬季"]
    assert post.remote_url == held["link"] and "?p=" not in post.remote_url


def test_a_future_post_is_scheduled_on_wordpress_at_its_permalink(live, client, pretty):
    connect(client, pretty)
    when = datetime(2031, 9, 1, 8, 0, tzinfo=timezone.utc)
    with pinned(when - timedelta(seconds=1)):  # the worker's moment: just before the post's time
        post_id = blog_post("Rentrée 2031", when=when)
        publishing.deliver(post_id)
    post = reloaded(post_id)
    assert post.status == "published", post.failure_reason
    held = pretty.post(post.remote_id)
    assert (held["status"], held["date_gmt"]) == ("future", "2031-09-01T08:00:00")
    assert post.remote_url == f"{pretty.url}2031/09/{held['slug']}/", "the permalink, not the ?p= preview"


def test_an_update_goes_to_the_same_wordpress_post(live, client, pretty):
    connect(client, pretty)
    post_id = blog_post("Summer plans")
    post = delivered(live, post_id)
    blog = registry.get("blog")
    content = replace(content_of(post), body=BODY + "\n\nAn afterword.")
    outcome = blog.deliver(blog.validate(content).draft, content, adapter_context(pretty))
    assert (outcome.status, outcome.remote_id) == ("published", post.remote_id), outcome.message
    assert "An afterword." in pretty.post(post.remote_id)["content"]["raw"]
    assert len(pretty.posts()) == 1


def test_a_lost_answer_then_send_again_makes_one_post_not_two(live, client, pretty):
    connect(client, pretty)
    post_id = blog_post("Answer lost on the way")
    with pretty.answering_late(TIMEOUT + 3):
        lost = delivered(live, post_id)
    assert lost.status == "unconfirmed" and lost.remote_id == "", lost.failure_reason
    assert len(pretty.posts()) == 1, "WordPress saved it all the same"
    assert client.post(f"/api/v1/posts/{post_id}/schedule").status_code == 200
    again = delivered(live, post_id)
    assert again.status == "published", again.failure_reason
    [held] = pretty.posts()
    assert str(held["id"]) == again.remote_id and "updated" in last_note(post_id)


def test_a_title_edited_before_send_again_makes_no_duplicate(live, client, pretty):
    connect(client, pretty)
    post_id = blog_post("First title")
    with pretty.answering_late(TIMEOUT + 3):
        assert delivered(live, post_id).status == "unconfirmed"
    edited = client.patch(f"/api/v1/posts/{post_id}", json={"title": "Second title, better"})
    assert edited.status_code == 200, edited.get_json()
    client.post(f"/api/v1/posts/{post_id}/schedule")
    assert delivered(live, post_id).status == "published"
    [held] = pretty.posts()
    assert held["title"]["raw"] == "Second title, better"


def test_two_posts_with_the_same_title_make_two_wordpress_posts(live, client, pretty):
    connect(client, pretty)
    first_id = blog_post("Same title")
    first = delivered(live, first_id)
    before = pretty.post(first.remote_id)
    second_id = blog_post("Same title", body=BODY + "\n\nThe other one.")
    second = delivered(live, second_id)
    assert second.status == "published" and second.remote_id != first.remote_id
    after = pretty.post(first.remote_id)
    assert (after["content"]["raw"], after["modified_gmt"]) == (before["content"]["raw"], before["modified_gmt"])
    assert len(pretty.posts()) == 2


def test_a_hand_written_post_with_the_same_title_is_left_alone(live, client, pretty):
    theirs = pretty.write_by_hand("Summer plans", "<p>Written by hand.</p>")
    connect(client, pretty)
    post = delivered(live, blog_post("Summer plans"))
    assert post.status == "published" and post.remote_id != str(theirs["id"])
    held = pretty.post(theirs["id"])
    assert (held["content"]["raw"], held["modified_gmt"]) == ("<p>Written by hand.</p>", theirs["modified_gmt"])


def test_a_wrong_password_marks_the_account_to_reconnect(live, client, pretty):
    account = connect(client, pretty, password="abcd efgh ijkl mnop qrst uvwx")
    post = delivered(live, blog_post("Never sent"))
    assert post.status == "scheduled" and "reconnected" in post.failure_reason
    marked = db.session.get(ChannelAccount, account["id"])
    assert marked.status == "unauthorized"
    assert marked.status_message.startswith("WordPress refused the user or application password")
    assert pretty.posts() == []


def test_a_site_without_pretty_permalinks_is_found_and_published_to(live, client, plain):
    connect(client, plain)
    post = delivered(live, blog_post("Plain permalinks", tags=["plain"]))
    assert post.status == "published", post.failure_reason
    held = plain.post(post.remote_id)
    assert held["status"] == "publish" and held["title"]["raw"] == "Plain permalinks"
    assert post.remote_url == f"{plain.url}?p={post.remote_id}"


def test_a_site_whose_pages_announce_no_api_is_found_at_rest_route(live, client, plain):
    connect(client, plain)
    with plain.without_api_link():
        assert "link" not in {name.lower() for name in urlopen(plain.url).headers}
        post = delivered(live, blog_post("Found at rest_route"))
    assert post.status == "published", post.failure_reason
    assert plain.post(post.remote_id)["title"]["raw"] == "Found at rest_route"


def test_a_script_in_the_markdown_never_reaches_wordpress(live, client, pretty):
    connect(client, pretty)  # the administrator: WordPress itself would keep the script
    post = delivered(live, blog_post("Scripted", body=BODY + "\n\n<script>alert('x')</script>\n"))
    assert post.status == "published", post.failure_reason
    assert "<script" not in pretty.post(post.remote_id)["content"]["raw"].lower()


# --- an author's account, the connection test, withdrawing ------------------------------------------------


def test_an_authors_posts_keep_refrains_mark(live, client, pretty):
    """An author may not post raw HTML (no unfiltered_html): WordPress still keeps the comment."""
    connect(client, pretty, who="author")
    post_id = blog_post("By an author")
    post = delivered(live, post_id)
    assert post.status == "published", post.failure_reason
    blog = registry.get("blog")
    content = replace(content_of(post), remote_id="")  # an answer lost: found again by the mark alone
    outcome = blog.deliver(blog.validate(content).draft, content, adapter_context(pretty, "author"))
    assert outcome.remote_id == post.remote_id and "updated" in outcome.message
    assert len(ours(pretty, post_id)) == 1 and len(pretty.posts()) == 1


@pytest.mark.parametrize("name", ["pretty", "plain"])
def test_the_connection_test_names_the_user_or_the_refusal(settings, name):
    site = Site(settings, name)
    blog = registry.get("blog")
    works = blog.check_connection(adapter_context(site, "author"))
    assert (works.status, works.message) == ("published", f"connected as {site.users['author']['name']}")
    wrong = blog.check_connection(adapter_context(site, "author", password="wrong wrong wrong"))
    assert wrong.status == "unauthorized" and "application password" in wrong.message


def test_a_cancelled_hand_over_is_withdrawn_to_the_trash(live, client, pretty):
    connect(client, pretty)
    when = datetime(2031, 9, 1, 8, 0, tzinfo=timezone.utc)
    with pinned(when - timedelta(seconds=1)):
        post_id = blog_post("Handed over, then cancelled", when=when)
        publishing.deliver(post_id)
    post = reloaded(post_id)
    outcome = registry.get("blog").withdraw(content_of(post), adapter_context(pretty))
    assert outcome.status == "published" and "trash" in outcome.message
    assert pretty.post(post.remote_id)["status"] == "trash"


def test_an_address_that_is_not_wordpress_is_named_plainly(settings):
    site = Site(settings, "pretty")
    context = adapter_context(site)
    context = replace(
        context,
        account=replace(context.account, settings={**context.account.settings, "site_url": site.url + "wp-content/"}),
    )
    outcome = registry.get("blog").check_connection(context)
    assert outcome.status == "rejected" and "does not look like a WordPress site" in outcome.message
    assert "<" not in outcome.message
