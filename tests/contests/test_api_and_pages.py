"""Contests through the API (the contract's shapes, refusals, who may) and on their pages."""

import pytest

from scheduler.services import contests, tokens
from tests.contests.helpers import metrics, published
from tests.factories import make_person, make_plan, signed_in

JUNE = {
    "name": "Best visual of June",
    "metric": "clicks_comments_likes",
    "channels": ["pinterest", "facebook"],
    "starts_on": "2031-06-01",
    "ends_on": "2031-06-30",
}


@pytest.fixture
def people(app):
    return {role: make_person(f"{role}@example.com", role, role.title()) for role in ("manager", "creator", "viewer")}


def bearer(person):
    return {"Authorization": f"Bearer {tokens.create(person, 't')[1]}"}


def test_a_contest_is_opened_and_its_leaderboard_has_the_contracts_shape(app, client, people, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    answer = client.post("/api/v1/contests", json=JUNE)
    assert answer.status_code == 201
    opened = answer.get_json()
    assert {k: opened[k] for k in ("name", "metric", "channels", "starts_on", "ends_on", "kind", "state")} == {
        **{k: JUNE[k] for k in ("name", "metric", "channels", "starts_on", "ends_on")},
        "kind": "posts",
        "state": "running",
    }
    plan = make_plan()
    pin = published(plan, people["creator"], "2031-06-04T10:00:00+02:00", channel="pinterest")
    metrics(pin, "2031-06-05", clicks=4, replies=1, likes=5, impressions=500)
    board = client.get(f"/api/v1/contests/{opened['id']}/leaderboard").get_json()
    assert board == [{"rank": 1, "person": "Creator", "person_id": people["creator"].id, "entries": 1, "score": 50.0}]
    entries = client.get(f"/api/v1/contests/{opened['id']}/entries?person_id={people['creator'].id}").get_json()
    assert [(e["post_id"], e["figure"], e["channel"]) for e in entries] == [(pin.id, 10.0, "pinterest")]
    assert client.get(f"/api/v1/contests/{opened['id']}/entries?person_id={people['manager'].id}").get_json() == []
    assert [c["id"] for c in client.get("/api/v1/contests").get_json()] == [opened["id"]]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"metric": "shares"}, "metric"),
        ({"metric": None}, "metric"),
        ({"channels": ["myspace"]}, "channels"),
        ({"ends_on": "2031-05-01"}, "ends_on"),
        ({"starts_on": "June"}, "starts_on"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"participants": [999999]}, "participants"),
        ({"kind": "ideas", "metric": "signups"}, "metric"),
        ({"name": ""}, "name"),
    ],
)
def test_a_contest_that_cannot_be_run_is_refused_by_field(client, change, field):
    answer = client.post("/api/v1/contests", json={**JUNE, **change})
    assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"], answer.get_json()
    assert client.get("/api/v1/contests").get_json() == []


def test_managers_open_and_run_contests_creators_put_ideas_forward(app, people, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    asked = app.test_client()
    ideas = {**JUNE, "kind": "ideas", "metric": "likes"}
    assert asked.post("/api/v1/contests", json=ideas, headers=bearer(people["creator"])).status_code == 403
    opened = asked.post("/api/v1/contests", json=ideas, headers=bearer(people["manager"])).get_json()
    path = f"/api/v1/contests/{opened['id']}"
    idea = asked.post(f"{path}/ideas", json={"text": "Pins of the team"}, headers=bearer(people["creator"]))
    assert idea.status_code == 201 and idea.get_json()["text"] == "Pins of the team"
    assert asked.post(f"{path}/ideas", json={"text": "x"}, headers=bearer(people["viewer"])).status_code == 403
    link = f"{path}/ideas/{idea.get_json()['id']}/posts"
    post = published(make_plan(), people["creator"], "2031-06-04T10:00:00+02:00", channel="pinterest")
    assert asked.put(link, json={"post_ids": [post.id]}, headers=bearer(people["creator"])).status_code == 403
    linked = asked.put(link, json={"post_ids": [post.id]}, headers=bearer(people["manager"]))
    assert linked.status_code == 200 and linked.get_json()["post_ids"] == [post.id]
    assert asked.put(link, json={"post_ids": [999999]}, headers=bearer(people["manager"])).status_code == 422
    board = asked.get(f"{path}/leaderboard", headers=bearer(people["viewer"])).get_json()
    assert [(r["idea"], r["person"], r["entries"]) for r in board] == [("Pins of the team", "Creator", 1)]


def test_a_contest_that_is_over_keeps_its_result_and_refuses_changes(client, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    opened = client.post("/api/v1/contests", json=JUNE).get_json()
    assert client.patch(f"/api/v1/contests/{opened['id']}", json={"name": "Best pin of June"}).status_code == 200
    clock_at("2031-07-02T12:00:00+02:00")
    refused = client.patch(f"/api/v1/contests/{opened['id']}", json={"ends_on": "2031-07-31"})
    assert refused.status_code == 409 and "is over" in refused.get_json()["error"]["message"]
    assert client.get(f"/api/v1/contests/{opened['id']}").get_json()["state"] == "over"


def test_the_pages_show_the_leaderboard_and_a_persons_entries_a_click_away(app, client, people, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    plan = make_plan()
    c = contests.create_contest({**JUNE, "channels": ["twitter"], "metric": "likes"})
    post = published(plan, people["creator"], "2031-06-04T10:00:00+02:00", body="Our summer offer, in pictures")
    metrics(post, "2031-06-05", likes=7)
    listing = client.get("/contests").get_data(as_text=True)
    assert "Best visual of June" in listing and "1. Creator" in listing and "Open a contest" in listing
    page = client.get(f"/contests/{c.id}").get_data(as_text=True)
    link = f'href="/contests/{c.id}?person={people["creator"].id}#entries"'
    assert "Leaderboard" in page and link in page and "<td>Creator</td>" in page, "everyone's entries, by whom"
    theirs = client.get(f"/contests/{c.id}?person={people['creator'].id}").get_data(as_text=True)
    assert "Entries of Creator" in theirs and "Our summer offer, in pictures" in theirs and f"#{post.id}" in theirs
    viewer = signed_in(app, people["viewer"])
    assert "Open a contest" not in viewer.get("/contests").get_data(as_text=True)
    assert viewer.post("/contests/new", data={"name": "x"}).status_code == 403


def test_a_manager_opens_a_contest_on_its_page(app, people, clock_at):
    clock_at("2031-06-20T12:00:00+02:00")
    manager = signed_in(app, people["manager"])
    assert "Open the contest" in manager.get("/contests/new").get_data(as_text=True)
    form = {
        "name": "Most signups",
        "kind": "posts",
        "metric": "signups",
        "starts_on": "2031-06-01",
        "ends_on": "2031-06-30",
        "timezone": "Europe/Paris",
        "participants": [str(people["creator"].id)],
    }
    answer = manager.post("/contests/new", data=form)
    assert answer.status_code == 302
    [c] = contests.list_contests()
    assert (c.metric, c.participants, c.channels) == ("signups", [people["creator"].id], [])
    refused = manager.post("/contests/new", data={**form, "ends_on": "2031-05-01"})
    assert refused.status_code == 422 and "Ends on must be on or after starts_on" in refused.get_data(as_text=True)
