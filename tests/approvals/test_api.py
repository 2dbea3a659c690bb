"""Approvals over the API, as the contract says: a creator's schedule waits in review where the plan
requires approval; a manager approves it or asks for changes; the report does not count what waits."""

import pytest

from scheduler.services import plans
from tests.factories import commit, make_person, make_plan, signed_in

WHEN = "2031-06-02T10:00:00+02:00"


@pytest.fixture
def team(app, client, clock_at):
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan(approval_required=True)
    commit(plan, "twitter")
    commit(plan, "blog")
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    return plan, chloe, mina


def write(person, plan, body="Profitez de l'Offre d'été !", channel="twitter", when=WHEN, **more):
    answer = person.post(
        "/api/v1/posts", json={"plan_id": plan.id, "channel": channel, "body": body, "scheduled_at": when, **more}
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["id"]


def test_a_plan_says_whether_it_requires_approval_and_defaults_to_not(client, app):
    made = client.post(
        "/api/v1/plans",
        json={"name": "Q3", "theme": "Atlas", "starts_on": "2031-07-01", "ends_on": "2031-09-30", "timezone": "UTC"},
    ).get_json()
    assert made["approval_required"] is False
    changed = client.patch(f"/api/v1/plans/{made['id']}", json={"approval_required": True}).get_json()
    assert changed["approval_required"] is True
    assert client.get(f"/api/v1/plans/{made['id']}").get_json()["approval_required"] is True
    line = client.put(
        f"/api/v1/plans/{made['id']}/commitments/newsletter",
        json={"posts": 1, "per": "week", "approval_required": False},
    ).get_json()
    assert line["approval_required"] is False
    refused = client.patch(f"/api/v1/plans/{made['id']}", json={"approval_required": "yes"})
    assert refused.status_code == 422 and "approval_required" in refused.get_json()["error"]["fields"]


def test_a_creators_schedule_waits_in_review_and_a_managers_approval_schedules_it(team):
    plan, chloe, mina = team
    post_id = write(chloe, plan)
    waiting = chloe.post(f"/api/v1/posts/{post_id}/schedule")
    assert waiting.status_code == 200 and waiting.get_json()["status"] == "in_review"
    assert chloe.post(f"/api/v1/posts/{post_id}/approve").status_code == 403, "a creator cannot approve"
    approved = mina.post(f"/api/v1/posts/{post_id}/approve", json={"comment": "Lovely"})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    post = approved.get_json()
    assert post["status"] == "queued"
    assert [(r["verdict"], r["by"], r["comment"]) for r in post["reviews"]] == [("approved", "Mina", "Lovely")]
    again = mina.post(f"/api/v1/posts/{post_id}/approve")
    assert again.status_code == 409, "only a post in review can be approved"


def test_asking_for_changes_needs_a_comment_and_returns_the_post_to_draft_with_it(team):
    plan, chloe, mina = team
    post_id = write(chloe, plan)
    chloe.post(f"/api/v1/posts/{post_id}/schedule")
    for empty in ({}, {"comment": ""}, {"comment": "   "}):
        refused = mina.post(f"/api/v1/posts/{post_id}/request-changes", json=empty)
        assert refused.status_code == 422 and "comment" in refused.get_json()["error"]["fields"], empty
    assert chloe.post(f"/api/v1/posts/{post_id}/request-changes", json={"comment": "no"}).status_code == 403
    sent_back = mina.post(f"/api/v1/posts/{post_id}/request-changes", json={"comment": "Say when it ends"})
    assert sent_back.status_code == 200
    post = sent_back.get_json()
    assert post["status"] == "draft"
    assert (
        post["reviews"][-1]["verdict"] == "changes_requested" and post["reviews"][-1]["comment"] == "Say when it ends"
    )
    events = chloe.get(f"/api/v1/posts/{post_id}/events").get_json()
    assert events[-1]["to"] == "draft" and "Say when it ends" in events[-1]["note"]


def test_managers_schedule_without_waiting_and_their_schedule_is_their_approval(team):
    plan, _chloe, mina = team
    post_id = write(mina, plan)
    post = mina.post(f"/api/v1/posts/{post_id}/schedule").get_json()
    assert post["status"] == "queued"
    assert [(r["verdict"], r["by"]) for r in post["reviews"]] == [("approved", "Mina")]


def test_a_commitment_overrides_the_plans_rule_for_its_channel(team):
    plan, chloe, _mina = team
    plans.set_commitment(plan, "blog", {"posts": 4, "per": "month", "approval_required": False})
    blog = write(chloe, plan, channel="blog", body="Notre offre d'été, en détail.", title="L'offre d'été")
    scheduled = chloe.post(f"/api/v1/posts/{blog}/schedule")
    assert scheduled.get_json()["status"] == "queued", scheduled.get_data(as_text=True)
    free = make_plan(name="Free")
    commit(free, "twitter", approval_required=True)
    tweet = write(chloe, free)
    assert chloe.post(f"/api/v1/posts/{tweet}/schedule").get_json()["status"] == "in_review"


def test_a_creator_changing_an_approved_post_sends_it_back_for_approval(team):
    plan, chloe, mina = team
    post_id = write(chloe, plan)
    chloe.post(f"/api/v1/posts/{post_id}/schedule")
    mina.post(f"/api/v1/posts/{post_id}/approve")
    changed = chloe.patch(f"/api/v1/posts/{post_id}", json={"body": "Profitez de l'Offre d'été, vite !"})
    assert changed.get_json()["status"] == "in_review"
    assert (
        mina.patch(f"/api/v1/posts/{post_id}", json={"body": "Offre d'été : profitez-en"}).get_json()["status"]
        == "in_review"
    ), "a manager's edit is no approval: the button is"


def test_the_report_does_not_count_posts_in_review_and_says_how_many_wait(team, client):
    plan, chloe, mina = team
    first, second = write(chloe, plan), write(chloe, plan, body="Encore l'Offre d'été !")
    chloe.post(f"/api/v1/posts/{first}/schedule")
    chloe.post(f"/api/v1/posts/{second}/schedule")
    report = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()
    twitter = next(row for row in report["channels"] if row["channel"] == "twitter")
    assert (twitter["posts"], twitter["pending_approval"]) == (0, 2)
    mina.post(f"/api/v1/posts/{first}/approve")
    report = client.get(f"/api/v1/plans/{plan.id}/compliance").get_json()
    twitter = next(row for row in report["channels"] if row["channel"] == "twitter")
    assert (twitter["posts"], twitter["pending_approval"]) == (1, 1)
    assert next(row for row in report["channels"] if row["channel"] == "blog")["pending_approval"] == 0


def test_the_trail_says_who_approved_and_who_asked_for_changes_with_the_comment(team, client):
    plan, chloe, mina = team
    post_id = write(chloe, plan)
    chloe.post(f"/api/v1/posts/{post_id}/schedule")
    mina.post(f"/api/v1/posts/{post_id}/request-changes", json={"comment": "Too long"})
    chloe.post(f"/api/v1/posts/{post_id}/schedule")
    mina.post(f"/api/v1/posts/{post_id}/approve")
    lines = client.get("/api/v1/audit", query_string={"object": f"post:{post_id}"}).get_json()
    said = [(line["actor"]["name"], line["action"], line["summary"]) for line in reversed(lines)]
    assert ("Mina", "asked for changes", "Too long") in said
    assert ("Mina", "approved", "") in said
    assert ("Chloé", "status", "sent for approval") in said
