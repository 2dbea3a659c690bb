"""Only http(s) links are stored or rendered as a post's link or a service's answer: a javascript:,
data: or vbscript: link would run in the reader's browser when clicked."""

import pytest

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import lifecycle
from scheduler.services.unit_of_work import unit_of_work
from tests.api.test_api import PLAN, new_post

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "http:javascript:alert(1)",
    "https://exa mple.com/",
    "//evil.example/x",
]


@pytest.fixture
def plan(client):
    return client.post("/api/v1/plans", json=PLAN).get_json()


def unconfirmed(client, plan) -> int:
    post = new_post(client, plan).get_json()
    with unit_of_work():
        for status in ("scheduled", "queued", "publishing", "unconfirmed"):
            assert lifecycle.move(post["id"], status)
    return post["id"]


@pytest.mark.parametrize("link", HOSTILE)
def test_a_posts_link_that_is_not_http_is_a_field_error(client, plan, link):
    answer = new_post(client, plan, link=link)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["link"] == "must be an http:// or https:// address"


@pytest.mark.parametrize("link", HOSTILE)
def test_confirming_by_hand_at_a_link_that_is_not_http_is_a_field_error(client, plan, link):
    post_id = unconfirmed(client, plan)
    answer = client.post(f"/api/v1/posts/{post_id}/confirm", json={"url": link})
    assert answer.status_code == 422 and "url" in answer.get_json()["error"]["fields"]
    assert db.session.get(Post, post_id).status == "unconfirmed"


def test_a_stored_link_that_is_not_http_is_never_an_href(client, plan):
    """A row written before these checks (or by hand) shows as text, not as a link."""
    post_id = unconfirmed(client, plan)
    with unit_of_work():
        lifecycle.move(post_id, "published", remote_id="1", remote_url="javascript:alert(1)")
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Delivered:" in page and 'href="javascript:' not in page


def test_an_http_link_is_kept_and_rendered(client, plan):
    post_id = unconfirmed(client, plan)
    client.post(f"/api/v1/posts/{post_id}/confirm", json={"url": "https://x.com/refrain/status/1"})
    assert 'href="https://x.com/refrain/status/1"' in client.get(f"/posts/{post_id}").get_data(as_text=True)
