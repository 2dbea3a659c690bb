"""The audit trail: every change, with who made it, when and what changed; read by owners."""

from datetime import datetime

from scheduler.services import accounts, people
from tests.factories import commit, make_person, make_plan, signed_in


def trail(client, **params):
    answer = client.get("/api/v1/audit", query_string=params)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_a_posts_life_is_in_the_trail_with_each_persons_name(app, client, clock_at):
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan()
    commit(plan, "twitter")
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    post = chloe.post(
        "/api/v1/posts",
        json={
            "plan_id": plan.id,
            "channel": "twitter",
            "body": "Atlas 2.0 is here",
            "scheduled_at": "2031-06-02T10:00:00+02:00",
        },
    ).get_json()
    assert post["author"]["name"] == "Chloé"
    chloe.patch(f"/api/v1/posts/{post['id']}", json={"body": "Atlas 2.0 is here, at last"})
    chloe.post(f"/api/v1/posts/{post['id']}/schedule")
    mina.delete(f"/api/v1/posts/{post['id']}")

    lines = list(reversed(trail(client, object=f"post:{post['id']}")))
    said = [(line["actor"]["name"], line["action"], line["changes"].get("status")) for line in lines]
    assert said[:3] == [
        ("Chloé", "created", [None, "draft"]),
        ("Chloé", "changed", None),
        ("Chloé", "status", ["draft", "scheduled"]),
    ]
    assert said[-1][0:2] == ("Mina", "status") and said[-1][2][1] == "cancelled"
    assert all(name == "Chloé" for name, _action, _status in said[:-1]), "queued by her scheduling, too"
    assert lines[0]["changes"]["body"] == [None, "Atlas 2.0 is here"]
    assert lines[1]["changes"]["body"] == ["Atlas 2.0 is here", "Atlas 2.0 is here, at last"]
    assert all(datetime.fromisoformat(line["at"]).tzinfo for line in lines)
    page = client.get(f"/posts/{post['id']}").get_data(as_text=True)
    assert "Chloé" in page and "Mina" in page, "the post's page shows its trail"


def test_the_trail_filters_by_person_and_object_and_only_owners_read_it(app, client, owner):
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    made = mina.post(
        "/api/v1/plans",
        json={
            "name": "Q3",
            "theme": "Atlas",
            "key_message": "",
            "keywords": ["atlas"],
            "starts_on": "2031-07-01",
            "ends_on": "2031-09-30",
            "timezone": "Europe/Paris",
        },
    )
    assert made.status_code == 201
    mina.put(
        f"/api/v1/plans/{made.get_json()['id']}/commitments/twitter",
        json={"posts": 4, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5},
    )
    mine = trail(client, actor=str(owner.id))
    hers = trail(client, actor=str(people.by_email("mina@example.com").id))
    assert {line["object"]["type"] for line in hers} >= {"plan", "commitment"} and all(
        line["actor"]["name"] == "Mina" for line in hers
    )
    assert all(line["actor"]["id"] == owner.id for line in mine)
    assert {line["object"]["type"] for line in trail(client, object="commitment")} == {"commitment"}
    assert mina.get("/api/v1/audit").status_code == 403
    assert mina.get("/audit").status_code == 403
    assert "Mina" in client.get("/audit").get_data(as_text=True)
    refused = client.get("/api/v1/audit", query_string={"object": "spaceship", "since": "yesterday", "actor": "x"})
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"object", "since", "actor"}


def test_a_secret_change_is_recorded_without_the_secret(app, client):
    connected = client.post(
        "/api/v1/accounts",
        json={
            "channel": "mastodon",
            "name": "@atlas",
            "instance": "https://mastodon.example",
            "access_token": "s3cr3t-token",
        },
    )
    assert connected.status_code == 201, connected.get_data(as_text=True)
    lines = trail(client, object="account")
    assert lines and lines[0]["actor"]["name"] == "Olive Owner"
    assert "s3cr3t-token" not in str(lines) and lines[0]["changes"]["secrets"] == [None, "(secret)"]
    assert accounts.list_accounts()


def test_a_change_that_is_refused_leaves_no_line(client):
    plan = make_plan()
    before = len(trail(client))
    refused = client.patch(f"/api/v1/plans/{plan.id}", json={"name": "", "ends_on": "not a date"})
    assert refused.status_code == 422
    assert len(trail(client)) == before
