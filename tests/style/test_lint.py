"""The linter on every draft: as you type, on save, before scheduling and delivery, and on the command line."""

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.cli import cli
from scheduler.jobs.workers import run_worker
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import posts
from tests.factories import commit, make_person, make_plan, signed_in

RULES = [
    {
        "kind": "term_rule",
        "title": "Plain words",
        "avoid": "utilize, leverage",
        "prefer": "use",
        "body": "plain words read faster",
        "severity": "warning",
    },
    {"kind": "term_rule", "title": "Never cheap", "avoid": "cheap, bon marché, 便宜", "severity": "error"},
    {
        "kind": "term_rule",
        "title": "Promotions carry #ad",
        "rule": "disclosure",
        "requires": "#ad",
        "triggers": ["discount", "promo code"],
        "channel": "twitter",
        "severity": "error",
    },
    {"kind": "topic", "title": "Content planning", "keywords": ["editorial calendar", "内容规划"]},
]


@pytest.fixture
def rules(client):
    for rule in RULES:
        assert client.post("/api/v1/style/entries", json=rule).status_code == 201


def lint(client, **data):
    answer = client.post("/api/v1/style/lint", json=data)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["problems"]


def test_findings_say_what_to_write_instead_with_their_position(client, rules):
    body = "🎉🎉 We utilize calendars."
    [finding] = lint(client, channel="twitter", body=body)
    assert finding["code"] == "style.avoid" and finding["severity"] == "warning"
    assert "use" in finding["message"] and "plain words read faster" in finding["message"]
    assert body[finding["start"] : finding["end"]] == "utilize"


def test_positions_hold_for_cjk_and_emoji(client, rules):
    body = "夏季👨‍👩‍👧优惠，真的很便宜！"
    found = [p for p in lint(client, channel="twitter", body=body) if p["code"].startswith("style.")]
    assert [body[p["start"] : p["end"]] for p in found] == ["便宜"]


def test_the_disclosure_the_topic_and_channel_limits(client, rules):
    codes = {p["code"] for p in lint(client, channel="twitter", body="20% discount this week")}
    assert "style.disclosure" in codes
    assert not {p["code"] for p in lint(client, channel="twitter", body="20% discount this week #ad")} & {
        "style.disclosure"
    }
    blog = lint(client, channel="blog", title="Why we moved offices", body="A story. " * 60)
    assert any(p["code"] == "style.topic" and "Content planning" in p["message"] for p in blog)
    assert not any(
        p["code"] == "style.topic"
        for p in lint(client, channel="blog", title="Our editorial calendar", body="A story. " * 60)
    )
    long_tweet = lint(client, channel="twitter", body="x" * 300)
    assert any(p["severity"] == "error" and not p["code"].startswith("style.") for p in long_tweet), (
        "the channel's limit"
    )
    no_subject = lint(client, channel="newsletter", body="## Hello\n\nText.")
    assert all({"code", "message", "severity", "start", "end"} <= set(p) for p in no_subject + long_tweet + blog)


def test_bad_lint_requests_are_refused(client):
    answer = client.post("/api/v1/style/lint", json={"channel": "fax", "body": 3})
    assert answer.status_code == 422 and set(answer.get_json()["error"]["fields"]) == {"channel", "body"}


def soon():
    return (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()


def test_a_style_error_blocks_scheduling_until_a_manager_overrides_it_with_a_reason(app, client, rules):
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=today.isoformat(), ends_on=(today + timedelta(days=30)).isoformat())
    commit(plan, "twitter")
    post = client.post(
        "/api/v1/posts",
        json={"plan_id": plan.id, "channel": "twitter", "body": "Cheap seats for the launch", "scheduled_at": soon()},
    ).get_json()
    assert any(p["code"] == "style.never" for p in post["problems"]), "checked on save"
    refused = client.post(f"/api/v1/posts/{post['id']}/schedule")
    assert refused.status_code == 422 and "cheap" in refused.get_json()["error"]["fields"]["body"].lower()
    maya = signed_in(app, make_person("maya@example.com", "manager", "Maya"))
    no_reason = maya.post(f"/api/v1/posts/{post['id']}/override", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    overridden = maya.post(
        f"/api/v1/posts/{post['id']}/override", json={"reason": "a quote from a customer", "by": "Someone else"}
    ).get_json()
    assert overridden["style_override"]["reason"] == "a quote from a customer"
    assert overridden["style_override"]["by"] == "Maya", "the signed-in manager, never a name in the request"
    assert client.post(f"/api/v1/posts/{post['id']}/schedule").status_code == 200

    edited = client.patch(f"/api/v1/posts/{post['id']}", json={"body": "Cheap seats, bon marché"})
    assert edited.status_code == 200
    assert client.post(f"/api/v1/posts/{post['id']}/schedule").status_code == 422, "a new finding needs a new decision"


def test_a_rule_added_after_scheduling_stops_the_delivery(app, client):
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=today.isoformat(), ends_on=(today + timedelta(days=30)).isoformat())
    commit(plan, "twitter")
    post = posts.create_post(
        {
            "plan_id": plan.id,
            "channel": "twitter",
            "body": "Cheap seats for the launch",
            "scheduled_at": (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(),
        }
    )
    posts.schedule_post(post)
    client.post("/api/v1/style/entries", json=RULES[1])
    run_worker(app, burst=True)
    db.session.expire_all()
    stopped = db.session.get(Post, post.id)
    assert stopped.status == "failed" and "cheap" in stopped.failure_reason.lower()


def test_the_cli_lints_a_file_and_exits_1_on_an_error(runner, rules, tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text("We use calendars.\n", encoding="utf-8")
    result = runner.invoke(cli, ["style", "lint", str(clean), "--channel", "twitter"])
    assert result.exit_code == 0, result.output
    warned = tmp_path / "warned.md"
    warned.write_text("Line one.\nWe utilize calendars.\n", encoding="utf-8")
    result = runner.invoke(cli, ["style", "lint", str(warned), "--channel", "twitter"])
    assert result.exit_code == 0 and f"{warned}:2:4: warning style.avoid" in result.output
    bad = tmp_path / "bad.md"
    bad.write_text("So cheap!\n", encoding="utf-8")
    result = runner.invoke(cli, ["style", "lint", str(bad), "--channel", "twitter"])
    assert result.exit_code == 1 and "error style.never" in result.output
    unknown = runner.invoke(cli, ["style", "lint", str(bad), "--channel", "fax"])
    assert unknown.exit_code == 2 and "unknown channel" in unknown.output
    missing = runner.invoke(cli, ["style", "lint", str(tmp_path / "nope.md"), "--channel", "twitter"])
    assert missing.exit_code == 2


def test_the_lint_offers_the_preferred_term_as_a_fix(client):
    client.post(
        "/api/v1/style/entries",
        json={"kind": "term_rule", "title": "Plain words", "avoid": "utilise", "prefer": "use"},
    )
    found = client.post("/api/v1/style/lint", json={"channel": "twitter", "body": "We Utilise it"}).get_json()
    [finding] = [p for p in found["problems"] if p["code"] == "style.avoid"]
    assert (finding["start"], finding["end"], finding["replacement"]) == (3, 10, "Use")
