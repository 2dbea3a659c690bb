"""The insight loop's API in the contract's shapes: log, list, import, patterns, and the team's kinds."""

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.services import interactions, tokens
from tests.factories import make_person, signed_in

NOW = "2031-03-20T12:00:00+00:00"


@pytest.fixture
def pinned(clock_at):
    clock_at(NOW)


def log(client, **fields):
    data = {"channel": "email_support", "kind": "refund request", "resolution": "negative"} | fields
    return client.post("/api/v1/interactions", json=data)


def test_logging_an_interaction_answers_201_with_the_signed_in_author(app, client, owner, pinned):
    answer = log(client, comment="Where is my refund?", link="https://desk.example.com/t/1", customer="ana@x.com")
    assert answer.status_code == 201, answer.get_json()
    found = answer.get_json()
    assert found | {"id": 0} == {
        "id": 0,
        "channel": "email_support",
        "kind": "refund request",
        "resolution": "negative",
        "comment": "Where is my refund?",
        "link": "https://desk.example.com/t/1",
        "customer": "ana@x.com",
        "occurred_at": NOW,
        "author": {"id": owner.id, "name": "Olive Owner"},
        "source": None,
    }


def test_an_author_in_the_body_is_not_taken(app, client, owner, pinned):
    answer = log(client, author={"id": 999, "name": "Mallory"})
    assert answer.status_code == 201 and answer.get_json()["author"]["name"] == "Olive Owner"


def test_every_wrong_field_is_named_at_once(app, client, pinned):
    answer = log(
        client,
        channel="fax",
        kind="haiku",
        resolution="meh",
        link="javascript:alert(1)",
        occurred_at="2031-03-25T10:00:00Z",
    )
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"channel", "kind", "resolution", "link", "occurred_at"}
    assert "phone" in fields["channel"] and "refund request" in fields["kind"] and "future" in fields["occurred_at"]


def test_a_kind_is_named_the_way_people_type_it(app, client, pinned):
    assert log(client, kind="Refund_Requests").get_json()["kind"] == "refund request"
    assert log(client, channel="twitter", kind="complaint", resolution="positive").status_code == 201


def test_the_list_filters_by_channel_kind_and_days(app, client, pinned):
    for days_ago, channel, kind in ((1, "chat", "question"), (3, "chat", "complaint"), (10, "phone", "question")):
        when = (datetime(2031, 3, 20, 12, tzinfo=timezone.utc) - timedelta(days=days_ago)).isoformat()
        assert log(client, channel=channel, kind=kind, occurred_at=when).status_code == 201
    listed = client.get("/api/v1/interactions?channel=chat").get_json()
    assert [(i["channel"], i["kind"]) for i in listed] == [("chat", "question"), ("chat", "complaint")]
    assert len(client.get("/api/v1/interactions?kind=question").get_json()) == 2
    window = client.get("/api/v1/interactions?since=2031-03-10&until=2031-03-17").get_json()
    assert [i["kind"] for i in window] == ["complaint", "question"]
    assert client.get("/api/v1/interactions?until=2031-03-17T12:00:01Z").get_json()[0]["kind"] == "complaint"
    refused = client.get("/api/v1/interactions?channel=fax&since=yesterday")
    assert refused.status_code == 400 and "channel" in refused.get_json()["error"]["fields"]


def test_importing_csv_answers_what_was_imported_and_each_bad_rows_line_and_field(app, client, pinned):
    csv_text = (
        "channel,kind,resolution,comment,occurred_at\n"
        "chat,question,positive,Thanks!,2031-03-02T10:00:00+01:00\n"
        "fax,question,positive,Hm,2031-03-02T10:00:00+01:00\n"
        "chat,refund request,furious,Grr,2031-03-03\n"
    )
    answer = client.post("/api/v1/interactions/import", json={"csv": csv_text})
    assert answer.status_code == 200, answer.get_json()
    found = answer.get_json()
    assert found["imported"] == 1
    assert [{k: e[k] for k in ("line", "field")} for e in found["errors"]] == [
        {"line": 3, "field": "channel"},
        {"line": 4, "field": "resolution"},
    ]
    assert all(e["message"] for e in found["errors"])
    again = client.post("/api/v1/interactions/import", data=csv_text, content_type="text/csv").get_json()
    assert (again["imported"], again["created"], again["updated"]) == (1, 0, 1), "a re-import updates"
    assert len(client.get("/api/v1/interactions").get_json()) == 1


def test_a_file_that_cannot_be_mapped_is_refused_with_the_fields_to_fix(app, client):
    answer = client.post("/api/v1/interactions/import", json={"csv": "Note,Mood\nhello,ok\n"})
    assert answer.status_code == 422
    assert {"occurred_at", "channel", "kind", "resolution"} <= set(answer.get_json()["error"]["fields"])
    assert client.post("/api/v1/interactions/import", json={}).status_code == 422


def test_patterns_answer_the_contracts_shape(app, client, pinned):
    for n in range(12):
        log(client, channel="chat", comment=f"refund {n}", occurred_at=f"2031-03-{n + 1:02d}T10:00:00Z")
    for n in range(30):
        log(client, kind="question", resolution="positive" if n % 10 else "negative", occurred_at=NOW)
    log(client, channel="in_person", kind="complaint", occurred_at=NOW)
    found = client.get("/api/v1/interactions/patterns?since=2031-03-01&until=2031-03-20").get_json()
    assert set(found[0]) >= {"channel", "kind", "count", "negative", "negative_share", "interval", "flagged"}
    first = found[0]
    assert (first["channel"], first["kind"], first["count"], first["negative"], first["flagged"]) == (
        "chat",
        "refund request",
        12,
        12,
        True,
    )
    assert first["negative_share"] == 1.0 and len(first["interval"]) == 2 and first["interval"][1] == 1.0
    others = {(p["channel"], p["kind"]): p for p in found[1:]}
    assert not others[("in_person", "complaint")]["flagged"], "one angry customer is an incident"
    assert not others[("email_support", "question")]["flagged"]
    assert client.get("/api/v1/interactions/patterns?since=2031-03-21&until=2031-03-20").status_code == 400
    terms = client.get("/api/v1/interactions/patterns/terms?channel=chat&kind=refund+request&since=2031-03-01")
    assert terms.status_code == 200 and terms.get_json()[0]["term"] == "refund"


def test_managers_keep_the_list_of_kinds_and_a_rename_follows_every_interaction(app, client, pinned):
    log(client, kind="complaint")
    kinds = client.get("/api/v1/interactions/kinds").get_json()
    assert [k["name"] for k in kinds] == ["complaint", "question", "praise", "refund request"]
    assert kinds[0]["interactions"] == 1
    made = client.post("/api/v1/interactions/kinds", json={"name": "Delivery delay"})
    assert made.status_code == 201 and made.get_json()["name"] == "Delivery delay"
    assert client.post("/api/v1/interactions/kinds", json={"name": "delivery  delays"}).status_code == 422
    renamed = client.patch(f"/api/v1/interactions/kinds/{kinds[0]['id']}", json={"name": "grievance"})
    assert renamed.status_code == 200
    assert client.get("/api/v1/interactions").get_json()[0]["kind"] == "grievance"


def test_creators_log_viewers_only_read_and_only_managers_rename(app, pinned):
    viewer = make_person("v@example.com", "viewer", "Vi")
    creator = make_person("c@example.com", "creator", "Cy")
    as_viewer, as_creator = signed_in(app, viewer), signed_in(app, creator)
    assert log(as_viewer).status_code == 403
    assert log(as_creator).get_json()["author"]["name"] == "Cy"
    assert as_viewer.get("/api/v1/interactions").status_code == 200
    assert as_creator.post("/api/v1/interactions/kinds", json={"name": "x"}).status_code == 403
    _row, token = tokens.create(creator, "desk")
    bearer = app.test_client().post(
        "/api/v1/interactions/import",
        data="channel,kind,resolution,occurred_at\nphone,praise,positive,2031-03-01\n",
        content_type="text/csv",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bearer.status_code == 200 and bearer.get_json()["imported"] == 1
    assert interactions.list_interactions(channel="phone")[0].author_name == "Cy"
