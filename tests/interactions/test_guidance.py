"""From a flagged pattern to the style guide's script, and back: the sentence that says it, the link that
writes or opens the script, and on each script how its pattern moved since it was written."""

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.services import clock, interactions, style

TODAY = datetime(2031, 3, 20, 12, tzinfo=timezone.utc)


@pytest.fixture
def today(clock_at):
    clock_at(TODAY.isoformat())


def logged(channel, kind, count, negative, days_ago=1):
    for n in range(count):
        when = TODAY - timedelta(days=days_ago, minutes=n)
        interactions.log_interaction(
            {
                "channel": channel,
                "kind": kind,
                "resolution": "negative" if n < negative else "positive",
                "comment": "Still no refund, chat closed" if n < negative else "Thanks for the help",
                "occurred_at": when.isoformat(),
            }
        )


def test_a_flagged_pattern_without_a_script_says_so_and_offers_to_write_it(app, client, today):
    logged("chat", "refund request", 14, 12)
    logged("email_support", "question", 60, 3)
    logged("in_person", "complaint", 2, 2)
    page = client.get("/interactions/patterns").get_data(as_text=True)
    assert "refund requests on chat: 12 negative in the last 90 days, no script yet" in page
    assert (
        "/style/new?kind=script&amp;pattern_channel=chat&amp;pattern_kind=refund+request"
        "&amp;title=Refund+requests+on+chat" in page
    )
    assert page.count('<span class="badge flagged">pattern</span>') == 1
    assert "too few to say" in page, "two angry customers at the counter are not a pattern"
    assert 'class="chip"' in page and "term=refund" in page and "<svg" in page


def test_writing_the_script_from_the_pattern_links_it_and_the_pattern_then_opens_it(app, client, today):
    logged("chat", "refund request", 14, 12)
    logged("email_support", "question", 60, 3)
    form = client.get("/style/new?kind=script&pattern_channel=chat&pattern_kind=refund+request&title=Refund+on+chat")
    page = form.get_data(as_text=True)
    assert 'value="chat" selected' in page or '<option selected value="chat">' in page
    assert 'value="Refund on chat"' in page
    saved = client.post(
        "/style/new",
        data={
            "kind": "script",
            "title": "Refund on chat",
            "body": "Give the ticket number before the chat ends.",
            "pattern_channel": "chat",
            "pattern_kind": "refund request",
        },
    )
    assert saved.status_code == 302
    (entry,) = style.list_entries("script")
    assert style.entry_dict(entry)["pattern"] == {"channel": "chat", "kind": "refund request"}
    page = client.get("/interactions/patterns").get_data(as_text=True)
    assert "refund requests on chat: 12 negative in the last 90 days, script: “Refund on chat”" in page
    assert f'href="/style/{entry.id}">Open the script' in page


def test_a_script_shows_how_its_pattern_moved_since_it_was_written(app, client, clock_at):
    clock_at(TODAY.isoformat())
    logged("twitter", "complaint", 20, 10, days_ago=20)  # before: 10 of 20 negative
    with clock.pinned(TODAY - timedelta(days=10)):
        entry = style.create_entry(
            {
                "kind": "script",
                "title": "A complaint on Twitter",
                "body": "Answer in public within the hour.",
                "pattern": {"channel": "twitter", "kind": "complaint"},
            }
        )
    logged("twitter", "complaint", 20, 2, days_ago=3)  # since: 2 of 20
    page = client.get(f"/style/{entry.id}").get_data(as_text=True)
    assert "How complaints on X / Twitter moved since this script" in page
    assert "2031-02-27 – 2031-03-09" in page and "2031-03-10 – 2031-03-20" in page, "as many days before as since"
    assert '<td class="num">20</td><td class="num">10</td>' in page and "50%" in page
    assert '<td class="num">20</td><td class="num">2</td>' in page and "10%" in page
    assert "Down 40 points." in page
    listed = client.get("/style").get_data(as_text=True)
    assert "50% negative before (10 of 20)" in listed and "10% since (2 of 20)" in listed


def test_only_a_script_answers_a_pattern_and_it_must_name_a_known_one(app, client):
    refused = client.post(
        "/api/v1/style/entries",
        json={"kind": "guideline", "title": "x", "pattern": {"channel": "chat", "kind": "question"}},
    )
    assert refused.status_code == 422 and "only a script" in refused.get_json()["error"]["fields"]["pattern"]
    unknown = client.post(
        "/api/v1/style/entries", json={"kind": "script", "title": "x", "pattern": {"channel": "chat", "kind": "haiku"}}
    )
    assert unknown.status_code == 422 and "team's kinds" in unknown.get_json()["error"]["fields"]["pattern"]


def test_a_renamed_kind_keeps_its_scripts(app, client):
    made = client.post(
        "/api/v1/style/entries",
        json={"kind": "script", "title": "Refunds", "pattern": {"channel": "email_support", "kind": "refund request"}},
    ).get_json()
    kind = interactions.kind_named("refund request")
    client.patch(f"/api/v1/interactions/kinds/{kind.id}", json={"name": "money back"})
    assert client.get(f"/api/v1/style/entries/{made['id']}").get_json()["pattern"]["kind"] == "money back"
    unlinked = client.patch(f"/api/v1/style/entries/{made['id']}", json={"pattern": None}).get_json()
    assert unlinked["pattern"] is None and unlinked["version"] == 1
