"""A reviewer outside the team approves by a signed link; managers approve from the editor; the
calendar shows what waits, and flags what waits too close to its time."""

import re
import time

import pytest

from scheduler.services import approvals, posts
from scheduler.services.errors import Conflict
from tests.factories import commit, make_person, make_plan, signed_in

WHEN = "2031-06-02T10:00:00+02:00"


@pytest.fixture
def waiting(app, client, clock_at):
    """A creator's post in review on a plan that requires approval, and the team's browsers."""
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan(approval_required=True)
    commit(plan, "twitter", posts=1, one_note_max_share=1.0)
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    post_id = chloe.post(
        "/api/v1/posts",
        json={"plan_id": plan.id, "channel": "twitter", "body": "Profitez de l'Offre d'été !", "scheduled_at": WHEN},
    ).get_json()["id"]
    assert chloe.post(f"/api/v1/posts/{post_id}/schedule").get_json()["status"] == "in_review"
    return plan, post_id, chloe, mina


def link_of(mina, post_id) -> str:
    answer = mina.post(f"/api/v1/posts/{post_id}/review-link")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return "/" + answer.get_json()["url"].split("/", 3)[3]


def test_a_reviewer_sees_the_post_as_its_channel_shows_it_and_approves_it_without_an_account(
    waiting, anonymous, client
):
    _plan, post_id, chloe, mina = waiting
    assert chloe.post(f"/api/v1/posts/{post_id}/review-link").status_code == 403, "managers hand out links"
    link = link_of(mina, post_id)
    page = anonymous.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Profitez de l&#39;Offre d&#39;été !" in text and "Approve" in text and "Send comment" in text
    nameless = anonymous.post(link, data={"verdict": "approve", "name": " "})
    assert nameless.status_code == 422 and "Your name is required" in nameless.get_data(as_text=True)
    done = anonymous.post(link, data={"verdict": "approve", "name": "Rosa Reviewer", "comment": "Parfait"})
    assert done.status_code == 200 and "You approved the post" in done.get_data(as_text=True)
    post = client.get(f"/api/v1/posts/{post_id}").get_json()
    assert post["status"] == "queued"
    assert (post["reviews"][-1]["by"], post["reviews"][-1]["comment"]) == (
        "reviewer: Rosa Reviewer (by link)",
        "Parfait",
    )
    trail = client.get("/api/v1/audit", query_string={"object": f"post:{post_id}"}).get_json()
    assert any(
        line["actor"]["name"] == "reviewer: Rosa Reviewer (by link)" and line["action"] == "approved" for line in trail
    )
    again = anonymous.get(link)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True), "a link works once"


def test_a_reviewers_comment_sends_the_post_back_to_its_writer(waiting, anonymous, client):
    _plan, post_id, _chloe, mina = waiting
    link = link_of(mina, post_id)
    assert anonymous.post(link, data={"verdict": "comment", "name": "Rosa"}).status_code == 422, "a comment is needed"
    anonymous.post(link, data={"verdict": "comment", "name": "Rosa", "comment": "Add the end date"})
    post = client.get(f"/api/v1/posts/{post_id}").get_json()
    assert post["status"] == "draft" and post["reviews"][-1]["comment"] == "Add the end date"
    assert "Add the end date" in client.get(f"/posts/{post_id}").get_data(as_text=True), "the editor shows it"


def test_a_reviewer_link_dies_when_the_post_is_edited_expires_and_cannot_be_forged(waiting, anonymous, monkeypatch):
    _plan, post_id, chloe, mina = waiting
    link = link_of(mina, post_id)
    forged = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    assert anonymous.get(forged).status_code == 410
    assert "not a link Refrain made" in anonymous.get(forged).get_data(as_text=True)
    assert anonymous.get("/review/not-even-a-token").status_code == 410
    eight_days_ago = time.time() - 8 * 86400
    with monkeypatch.context() as m:
        m.setattr("itsdangerous.timed.time.time", lambda: eight_days_ago)
        old_link = "/review/" + approvals.link_token(posts.get_post(post_id))
    assert "expired" in anonymous.get(old_link).get_data(as_text=True)
    assert anonymous.get(link).status_code == 200
    chloe.patch(f"/api/v1/posts/{post_id}", json={"body": "Profitez de l'Offre d'été, vite !"})
    assert chloe.get(f"/api/v1/posts/{post_id}").get_json()["status"] == "in_review", "still waiting, as edited"
    refused = anonymous.post(link, data={"verdict": "approve", "name": "Rosa"})
    assert refused.status_code == 410, "approving what the reviewer did not read is refused"
    assert anonymous.get(link_of(mina, post_id)).status_code == 200, "a new link shows the new text"


def test_no_link_for_a_post_that_is_not_in_review(app, client, clock_at):
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan()
    commit(plan, "twitter")
    post = posts.create_post({"plan_id": plan.id, "channel": "twitter", "body": "Offre d'été", "scheduled_at": WHEN})
    assert client.post(f"/api/v1/posts/{post.id}/review-link").status_code == 409
    with pytest.raises(Conflict):
        approvals.link_token(post)


def test_a_manager_approves_or_asks_for_changes_from_the_editor(waiting, app):
    _plan, post_id, chloe, mina = waiting
    creator_page = chloe.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "awaiting approval" in creator_page and "Ask for changes" not in creator_page
    page = mina.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Approve" in page and "Ask for changes" in page and "Copy a reviewer link" in page
    mina.post(f"/posts/{post_id}/review-link")
    shown = mina.get(f"/posts/{post_id}").get_data(as_text=True)
    assert re.search(r'value="http://localhost/review/[^"]+"', shown), "the link is shown to copy"
    assert chloe.post(f"/posts/{post_id}/approve").status_code == 403
    mina.post(f"/posts/{post_id}/request-changes", data={"comment": ""})
    assert mina.get(f"/api/v1/posts/{post_id}").get_json()["status"] == "in_review", "no comment, no verdict"
    mina.post(f"/posts/{post_id}/request-changes", data={"comment": "Shorter, please"})
    page = chloe.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Mina</strong> asked for changes" in page and "Shorter, please" in page
    chloe.post(f"/api/v1/posts/{post_id}/schedule")
    mina.post(f"/posts/{post_id}/approve")
    assert mina.get(f"/api/v1/posts/{post_id}").get_json()["status"] == "queued"


def test_the_calendar_shows_what_waits_and_flags_it_urgent_when_its_day_needs_it(waiting, client, clock_at):
    plan, post_id, _chloe, _mina = waiting
    week = f"/plans/{plan.id}/calendar?view=week&date=2031-06-02"
    page = client.get(week).get_data(as_text=True)
    assert "awaiting approval" in page and "status-in_review" in page
    assert 'class="flag' not in page, "twelve days ahead: nothing to flag yet"
    clock_at("2031-06-01T14:00:00+02:00")  # 20 hours before; the day owes 1 and has nothing else
    page = client.get(week).get_data(as_text=True)
    assert "flag urgent" in page


def test_one_channel_can_require_approval_from_the_plans_page(app, client, clock_at):
    """The plan does not ask for approval, its newsletter does: a creator's newsletter waits, a tweet not."""
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan()
    commit(plan, "twitter")
    row = {"posts": "1", "per": "week", "on_theme_min": "0", "one_note_max_share": "100%", "approval_required": "yes"}
    assert client.post(f"/plans/{plan.id}/commitments/newsletter", data=row).status_code in (200, 302)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="yes">required</option>', page), "the row shows it"
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    statuses = {}
    for channel, extra in (("newsletter", {"title": "June news"}), ("twitter", {})):
        post = chloe.post(
            "/api/v1/posts",
            json={
                "plan_id": plan.id,
                "channel": channel,
                "body": "Summer offer",
                "scheduled_at": "2031-06-03T10:00:00+02:00",
                **extra,
            },
        ).get_json()
        statuses[channel] = chloe.post(f"/api/v1/posts/{post['id']}/schedule").get_json()["status"]
    assert statuses["newsletter"] == "in_review" and statuses["twitter"] in ("scheduled", "queued")
