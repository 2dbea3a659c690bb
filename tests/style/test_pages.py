"""The guide's pages: reading, writing with a remembered name, the history, safe Markdown."""

from datetime import datetime, timedelta, timezone

from tests.factories import commit, make_person, make_plan, signed_in


def test_writing_an_entry_keeps_versions_and_renders_markdown_safely(app):
    client = signed_in(app, make_person("maya@example.com", "manager", "Maya"))
    form = {
        "kind": "guideline",
        "channel": "",
        "title": "Tone",
        "body": "**Warm**, never cute.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    }
    created = client.post("/style/new", data=form)
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "<strong>Warm</strong>" in page and "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page and "version 1 by Maya" in page
    edit_url = created.headers["Location"] + "/edit"
    client.post(edit_url, data={**form, "title": "Voice"})
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "v2</strong> edit by Maya" in page and "v1</strong> create by Maya" in page


def test_a_bad_rule_is_refused_on_the_form_and_nothing_is_lost(client):
    form = {
        "kind": "term_rule",
        "title": "Bad",
        "avoid": "(oops",
        "is_pattern": "on",
        "rule": "term",
        "severity": "error",
        "body": "my careful reason",
    }
    answer = client.post("/style/new", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "regular expression" in page and "my careful reason" in page
    assert "(oops" in page


def test_the_guide_lists_entries_by_kind_and_the_search_box_is_on_every_page(client):
    client.post("/api/v1/style/entries", json={"kind": "topic", "title": "Content planning"})
    client.post(
        "/api/v1/style/entries", json={"kind": "term_rule", "title": "Plain", "avoid": "utilize", "prefer": "use"}
    )
    page = client.get("/style").get_data(as_text=True)
    assert "Acceptable blog topics" in page and "Content planning" in page and "avoid “utilize” → “use”" in page
    for url in ("/", "/library", "/style"):
        assert 'id="lookup"' in client.get(url).get_data(as_text=True)


def test_the_editor_offers_the_override_for_style_errors_and_shows_the_decision(app, client):
    client.post(
        "/api/v1/style/entries",
        json={"kind": "term_rule", "title": "Never cheap", "avoid": "cheap", "severity": "error"},
    )
    today = datetime.now(timezone.utc).date()
    plan = make_plan(starts_on=today.isoformat(), ends_on=(today + timedelta(days=20)).isoformat())
    commit(plan, "twitter")
    post = client.post(
        "/api/v1/posts",
        json={
            "plan_id": plan.id,
            "channel": "twitter",
            "body": "So cheap",
            "scheduled_at": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat(),
        },
    ).get_json()
    editor = client.get(f"/posts/{post['id']}").get_data(as_text=True)
    assert "Override the style errors" in editor
    maya = signed_in(app, make_person("maya@example.com", "manager", "Maya"))
    maya.post(f"/posts/{post['id']}/override", data={"reason": "quoting a customer"})
    editor = client.get(f"/posts/{post['id']}").get_data(as_text=True)
    assert "overridden by <strong>Maya</strong>" in editor and "quoting a customer" in editor


def test_top_performers_appear_in_the_guide_as_examples_with_their_figures(app, client):
    from scheduler.services import style
    from tests.library.builders import add_items

    add_items(
        "twitter",
        [
            {
                "remote_id": f"t{n}",
                "title": f"tweet {n}",
                "summary": f"Tweet number {n}",
                "metrics": {"impressions": 1000, "clicks": 10 * n},
            }
            for n in range(1, 11)
        ],
    )
    assert style.refresh_examples() == 2
    examples = client.get("/api/v1/style/entries?kind=example").get_json()
    assert {e["title"] for e in examples} == {"tweet 10", "tweet 9"}
    assert "Score" in examples[0]["body"] and "impressions" in examples[0]["body"]
    found = client.get("/api/v1/style/search?q=tweet").get_json()
    assert {e["title"] for e in found} >= {"tweet 10", "tweet 9"}
