"""The style guide through the API: entries and their history, lookups in three languages."""

import pytest

from scheduler.cli import cli
from tests.factories import make_person, signed_in

GUIDE = [
    {
        "kind": "guideline",
        "title": "Tweets that work",
        "channel": "twitter",
        "body": "Short sentences. A question gets replies; a link to a guide gets clicks.",
    },
    {
        "kind": "script",
        "title": "Une réclamation en français",
        "body": "« Bonjour, merci de nous l'avoir signalé. Nous regardons l'été prochain. »",
    },
    {"kind": "script", "title": "处理中文客户投诉", "body": "先致歉，再确认问题，一小时内回复夏季优惠活动的问题。"},
    {
        "kind": "guideline",
        "title": "Calendars",
        "body": "The editorial calendar is planned per quarter. Le calendrier éditorial est partagé.",
    },
    {
        "kind": "term_rule",
        "title": "Plain words",
        "avoid": "utilize, leverage",
        "prefer": "use",
        "body": "plain words read faster",
    },
    {"kind": "topic", "title": "Content planning", "keywords": ["editorial calendar", "内容规划"]},
]


@pytest.fixture
def guide(client):
    return [client.post("/api/v1/style/entries", json=dict(e, author="Maya")).get_json() for e in GUIDE]


def people_named(app, *names):
    """Managers of the team, each signed in on a client of their own: who edits is who is signed in."""
    return [signed_in(app, make_person(f"{n.lower()}@example.com", "manager", n)) for n in names]


def search(client, q, **params):
    answer = client.get("/api/v1/style/search", query_string={"q": q, **params})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_an_entry_is_created_read_changed_and_removed_with_every_version_kept(app, client):
    maya, lea = people_named(app, "Maya", "Léa")
    created = maya.post(
        "/api/v1/style/entries", json={"kind": "guideline", "title": "Tone", "body": "Warm.", "author": "Not Maya"}
    )
    assert created.status_code == 201
    entry = created.get_json()
    assert entry["channel"] is None and entry["version"] == 1 and entry["updated_by"] == "Maya"
    changed = lea.patch(f"/api/v1/style/entries/{entry['id']}", json={"body": "Warm, never cute."}).get_json()
    assert changed["version"] == 2 and changed["body"] == "Warm, never cute." and changed["updated_by"] == "Léa"
    assert client.delete(f"/api/v1/style/entries/{entry['id']}").status_code == 204
    assert client.get(f"/api/v1/style/entries/{entry['id']}").status_code == 404
    assert search(client, "warm") == []


def test_versions_say_who_changed_what_and_when(client, app):
    maya, lea = people_named(app, "Maya", "Léa")
    entry = maya.post("/api/v1/style/entries", json={"kind": "guideline", "title": "Tone", "body": "Warm."}).get_json()
    lea.patch(f"/api/v1/style/entries/{entry['id']}", json={"title": "Voice"})
    history = client.get(f"/api/v1/style/entries/{entry['id']}/versions").get_json()
    assert [(v["version"], v["author"], v["data"]["title"]) for v in history] == [
        (2, "Léa", "Voice"),
        (1, "Maya", "Tone"),
    ]
    assert all(v["at"] for v in history)


def test_bad_entries_are_refused_with_field_names_and_nothing_is_saved(client):
    answer = client.post("/api/v1/style/entries", json={"kind": "poem", "channel": "fax", "title": ""})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"kind", "channel", "title"}
    bad_pattern = client.post(
        "/api/v1/style/entries", json={"kind": "term_rule", "title": "x", "avoid": "(unclosed", "is_pattern": True}
    )
    assert bad_pattern.status_code == 422 and "avoid" in bad_pattern.get_json()["error"]["fields"]
    assert "regular expression" in bad_pattern.get_json()["error"]["fields"]["avoid"]
    no_text = client.post("/api/v1/style/entries", json={"kind": "term_rule", "title": "x", "rule": "disclosure"})
    assert no_text.status_code == 422 and "requires" in no_text.get_json()["error"]["fields"]
    assert client.get("/api/v1/style/entries").get_json() == []


def test_english_lookups_rank_titles_first_and_mark_the_words(client, guide):
    results = search(client, "calendar")
    assert results[0]["title"] == "Calendars"
    assert "<mark>calendar</mark>" in results[0]["snippet_html"]
    as_you_type = search(client, "tweets th")
    assert as_you_type[0]["title"] == "Tweets that work"
    assert "<mark>Tweets</mark>" in as_you_type[0]["title_html"]


def test_french_lookups_ignore_accents_and_elisions(client, guide):
    for query in ("reclamation", "RÉCLAMATION", "ete", "l'été", "calendrier editorial"):
        titles = [r["title"] for r in search(client, query)]
        assert titles, query
    assert search(client, "reclamation")[0]["title"] == "Une réclamation en français"
    assert "<mark>réclamation</mark>" in search(client, "reclamation")[0]["title_html"]
    assert "<mark>été</mark>" in search(client, "ete")[0]["snippet_html"]


def test_chinese_lookups_find_words_inside_unspaced_text(client, guide):
    results = search(client, "优惠")
    assert results and results[0]["title"] == "处理中文客户投诉"
    assert "<mark>优惠</mark>" in results[0]["snippet_html"]
    assert search(client, "投诉")[0]["title"] == "处理中文客户投诉"


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "AND OR NOT",
        "NEAR(a b)",
        "*",
        "title:x",
        "^start",
        "a - b",
        "(((",
        "';DROP TABLE style_entries;--",
        "\x00\x01",
        "🎉" * 50,
        "word " * 2000,
    ],
)
def test_any_search_string_gives_results_or_an_empty_list(client, guide, query):
    results = search(client, query)
    assert isinstance(results, list)
    assert len(client.get("/api/v1/style/entries").get_json()) == len(GUIDE)


def test_the_search_box_answer_is_escaped(client):
    client.post(
        "/api/v1/style/entries",
        json={
            "kind": "guideline",
            "title": "<script>alert(1)</script> tone",
            "body": "<img src=x onerror=alert(1)> warm tone",
        },
    )
    [hit] = search(client, "tone")
    assert "<script>" not in hit["title_html"] and "&lt;script&gt;" in hit["title_html"]
    assert "<img" not in hit["snippet_html"]


def test_the_cli_looks_things_up(runner, guide):
    result = runner.invoke(cli, ["style", "lookup", "réclamation"])
    assert result.exit_code == 0 and "Une *réclamation* en français" in result.output
    nothing = runner.invoke(cli, ["style", "lookup", "zzzz"])
    assert nothing.exit_code == 0 and "nothing in the guide matches" in nothing.output
