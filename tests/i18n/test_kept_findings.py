"""A post's findings are kept in one language, whoever saves it, so that a decision taken in French
holds for the worker, which checks the post again in English before delivering it."""

from datetime import UTC, datetime, timedelta

from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services.post_checks import blocking_errors, check_post
from tests.factories import commit, make_person, make_plan, signed_in

FRENCH = {"Accept-Language": "fr"}


def test_a_style_error_a_french_manager_overrode_does_not_block_the_delivery(app, client):
    rule = {"kind": "term_rule", "title": "Never cheap", "avoid": "cheap", "severity": "error"}
    assert client.post("/api/v1/style/entries", json=rule).status_code == 201
    today = datetime.now(UTC).date()
    plan = make_plan(starts_on=today.isoformat(), ends_on=(today + timedelta(days=30)).isoformat())
    commit(plan, "twitter")
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    saved = client.post(
        "/api/v1/posts",
        json={"plan_id": plan.id, "channel": "twitter", "body": "Cheap seats for the launch", "scheduled_at": soon},
        headers=FRENCH,
    ).get_json()
    [finding] = [p for p in saved["problems"] if p["code"].startswith("style.")]
    assert "cheap" in finding["message"].lower() and finding["message"] != _english(saved["id"]), "read in French"

    maya = signed_in(app, make_person("maya@example.com", "manager", "Maya"))
    overridden = maya.post(f"/api/v1/posts/{saved['id']}/override", json={"reason": "une citation"}, headers=FRENCH)
    assert overridden.status_code == 200, overridden.get_json()
    assert client.post(f"/api/v1/posts/{saved['id']}/schedule", headers=FRENCH).status_code == 200

    post = db.session.get(Post, saved["id"])
    check_post(post)  # as the worker does before delivering: no reader, so English
    assert blocking_errors(post) == [], "the French decision holds for the English check"


def _english(post_id: int) -> str:
    post = db.session.get(Post, post_id)
    return next(p["message"] for p in post.problems if p["code"].startswith("style."))
