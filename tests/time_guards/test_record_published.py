"""Recording a post published elsewhere: a separate, explicit action with a link as evidence, in the
post's history and the audit trail, and counted apart by the report."""

import pytest

from scheduler.services import lifecycle, posts
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_person, make_plan, make_post, signed_in

NOW = "2031-06-03T09:00:00+02:00"
LINK = "https://x.com/northwind/status/1234"


@pytest.fixture
def plan(app, clock_at):
    clock_at(NOW)
    plan = make_plan()
    commit(plan, "twitter")
    return plan


@pytest.fixture
def chloe(app):
    return signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))


def test_a_post_recorded_as_published_elsewhere_keeps_its_link_time_and_who(client, plan, chloe):
    post = make_post(plan, when="2031-06-04T10:00:00+02:00")
    answer = chloe.post(
        f"/api/v1/posts/{post.id}/record-published", json={"url": LINK, "published_at": "2031-06-02T18:05:00+02:00"}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    recorded = answer.get_json()
    assert (recorded["status"], recorded["remote_url"], recorded["recorded_by_hand"]) == ("published", LINK, True)
    assert recorded["published_at"] == recorded["scheduled_at"] == "2031-06-02T16:05:00+00:00", "counted on its day"
    [event] = [e for e in chloe.get(f"/api/v1/posts/{post.id}/events").get_json() if e["to"] == "published"]
    assert event["from"] == "draft" and "recorded by hand as published elsewhere by Chloé" in event["note"]
    assert LINK in event["note"]
    lines = client.get("/api/v1/audit", query_string={"object": f"post:{post.id}"}).get_json()
    changes = {
        name: change for line in lines if line["actor"]["name"] == "Chloé" for name, change in line["changes"].items()
    }
    assert changes["recorded_by_hand"] == [False, True] and changes["remote_url"] == ["", LINK]
    assert changes["status"] == ["draft", "published"]


def test_the_link_is_required_and_must_be_a_web_address(plan, chloe):
    post = make_post(plan)
    for body, field in (
        ({}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": LINK, "published_at": "2031-06-05T10:00:00+02:00"}, "published_at"),
        ({"url": LINK, "published_at": "yesterday"}, "published_at"),
    ):
        answer = chloe.post(f"/api/v1/posts/{post.id}/record-published", json=body)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"], body
    assert posts.get_post(post.id).status == "draft"


def test_only_a_post_still_to_go_out_can_be_recorded(plan, chloe):
    cancelled = posts.cancel_post(make_post(plan))
    answer = chloe.post(f"/api/v1/posts/{cancelled.id}/record-published", json={"url": LINK})
    assert answer.status_code == 409
    being_sent = posts.schedule_post(make_post(plan, when="2031-06-04T10:00:00+02:00"))
    with unit_of_work():
        lifecycle.move(being_sent.id, "publishing", {"queued"})
    assert chloe.post(f"/api/v1/posts/{being_sent.id}/record-published", json={"url": LINK}).status_code == 409


def test_a_queued_post_recorded_elsewhere_is_never_delivered(plan, chloe):
    queued = posts.schedule_post(make_post(plan, when="2031-06-04T10:00:00+02:00"))
    assert chloe.post(f"/api/v1/posts/{queued.id}/record-published", json={"url": LINK}).status_code == 200
    with unit_of_work():
        assert lifecycle.claim(queued.id, note="a late job", claimed_at=None) is None


def test_the_report_says_which_posts_were_recorded_by_hand(client, plan, chloe):
    for day in (2, 3):
        post = make_post(plan, when=f"2031-06-0{day}T10:00:00+02:00")
        chloe.post(
            f"/api/v1/posts/{post.id}/record-published",
            json={"url": f"{LINK}{day}", "published_at": f"2031-06-0{day}T08:00:00+02:00"},
        )
    posts.schedule_post(make_post(plan, when="2031-06-04T10:00:00+02:00"))
    row = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()["channels"][0]
    assert (row["posts"], row["published"], row["recorded"]) == (3, 2, 2)
    page = client.get(f"/plans/{plan.id}/report").get_data(as_text=True)
    assert "2 of these were recorded by hand" in page


def test_the_page_records_a_post_from_its_editor(client, plan):
    post = make_post(plan, when="2031-06-04T10:00:00+02:00")
    editor = client.get(f"/posts/{post.id}").get_data(as_text=True)
    assert f'href="/posts/{post.id}/record-published">Record as published elsewhere</a>' in editor
    form = client.get(f"/posts/{post.id}/record-published").get_data(as_text=True)
    assert "Link where it appeared" in form and 'value="2031-06-03T09:00"' in form, "now, on the plan's clock"
    refused = client.post(f"/posts/{post.id}/record-published", data={"url": "", "published_local": "2031-06-02T18:05"})
    assert refused.status_code == 422 and "Link where it appeared is required" in refused.get_data(as_text=True)
    done = client.post(
        f"/posts/{post.id}/record-published",
        data={"url": LINK, "published_local": "2031-06-02T18:05"},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Recorded as published elsewhere, with its link" in html
    assert "Recorded by hand as published elsewhere at Mon 02 Jun 2031, 18:05" in html and LINK in html
    assert "Record as published elsewhere</a>" not in html, "once out, there is nothing more to record"


def test_a_viewer_cannot_record(app, plan):
    viewer = signed_in(app, make_person("vic@example.com", "viewer", "Vic"))
    post = make_post(plan)
    assert viewer.post(f"/api/v1/posts/{post.id}/record-published", json={"url": LINK}).status_code == 403
