"""The Interactions pages: the list and its filters, the log form without scripts, the team's kinds, and a
pattern's own page whose terms each lead to the comments that hold them."""

import re
from datetime import date

import pytest

from scheduler.services import demo as demo_service
from scheduler.services import interaction_patterns, interactions
from tests.factories import make_person, signed_in


@pytest.fixture
def today(clock_at):
    clock_at("2031-03-20T12:00:00+00:00")


def logged(channel, kind, resolution, comment, when="2031-03-19T10:00:00Z"):
    return interactions.log_interaction(
        {"channel": channel, "kind": kind, "resolution": resolution, "comment": comment, "occurred_at": when}
    )


def test_the_list_shows_interactions_newest_first_and_filters_them(app, client, today):
    logged("chat", "question", "positive", "How do I export?", "2031-03-18T10:00:00Z")
    logged("phone", "complaint", "negative", "Invoice wrong <again>", "2031-03-19T10:00:00Z")
    page = client.get("/interactions").get_data(as_text=True)
    assert page.index("Invoice wrong &lt;again&gt;") < page.index("How do I export?")
    assert 'class="badge resolution-negative"' in page
    only_chat = client.get("/interactions?channel=chat").get_data(as_text=True)
    assert "How do I export?" in only_chat and "Invoice wrong" not in only_chat
    refused = client.get("/interactions?since=someday").get_data(as_text=True)
    assert "Since" in refused and "How do I export?" in refused, "a bad filter is said, the list still shown"


def test_the_log_form_works_without_scripts_and_keeps_what_was_typed_when_refused(app, client, owner, today):
    page = client.get("/interactions/new").get_data(as_text=True)
    assert 'name="resolution"' in page and "refund request" in page
    refused = client.post("/interactions/new", data={"channel": "chat", "kind": "question", "comment": "Keep me"})
    assert refused.status_code == 422 and "Keep me" in refused.get_data(as_text=True)
    assert "Resolution is required" in refused.get_data(as_text=True)
    done = client.post(
        "/interactions/new", data={"channel": "chat", "kind": "question", "resolution": "positive", "comment": "Hi"}
    )
    assert done.status_code == 302
    (made,) = interactions.list_interactions()
    assert made.author_id == owner.id and made.occurred_at.isoformat() == "2031-03-20T12:00:00+00:00"


def test_managers_add_and_rename_kinds_on_the_page_and_creators_may_not(app, client, today):
    assert client.post("/interactions/kinds", data={"name": "Delivery delay"}).status_code == 302
    kind = interactions.kind_named("delivery delay")
    client.post(f"/interactions/kinds/{kind.id}", data={"name": "Late delivery"})
    assert interactions.get_kind(kind.id).name == "Late delivery"
    duplicate = client.post("/interactions/kinds", data={"name": "complaints"})
    assert duplicate.status_code == 422 and "is already a kind" in duplicate.get_data(as_text=True)
    creator = signed_in(app, make_person("c@example.com", "creator", "Cy"))
    assert creator.post("/interactions/kinds", data={"name": "Other"}).status_code == 403
    assert 'action="/interactions/kinds"' not in creator.get("/interactions").get_data(as_text=True)


def test_every_page_carries_the_shortcut_form_for_those_who_may_log(app, client, today):
    page = client.get("/").get_data(as_text=True)
    assert 'id="log-interaction"' in page and "/static/interactions.js" in page and 'value="email_support"' in page
    viewer = signed_in(app, make_person("v@example.com", "viewer", "Vi"))
    assert 'id="log-interaction"' not in viewer.get("/").get_data(as_text=True)


def test_a_patterns_own_page_lists_the_comments_behind_a_term_with_the_term_marked(app, client, today):
    for n in range(6):
        logged("email_support", "refund request", "negative", f"Toujours pas de remboursement ({n})")
    logged("email_support", "refund request", "negative", "Le colis est arrivé abîmé")
    for _ in range(20):
        logged("chat", "question", "positive", "Merci pour la réponse")
    kind = interactions.kind_named("refund request")
    page = client.get(f"/interactions/patterns/email_support/{kind.id}").get_data(as_text=True)
    assert "7 of 7 negative" in page and "remboursement" in page
    chosen = client.get(f"/interactions/patterns/email_support/{kind.id}?term=remboursement").get_data(as_text=True)
    assert "The 6 comments saying “remboursement”" in chosen
    assert "<mark>remboursement</mark>" in chosen and "arrivé abîmé" not in chosen
    assert client.get(f"/interactions/patterns/fax/{kind.id}").status_code == 404


def test_the_demo_has_one_real_pattern_a_few_isolated_incidents_and_scripts_that_moved(app, client, clock_at):
    demo_service.load(date(2031, 5, 10))
    clock_at("2031-05-10T12:00:00+02:00")
    report = interaction_patterns.report(date(2031, 2, 9), date(2031, 5, 10))
    assert [(p.channel, p.kind) for p in report.flagged] == [("chat", "refund request")]
    by_key = {(p.channel, p.kind): p for p in report.patterns}
    assert by_key[("in_person", "complaint")].too_few and by_key[("newsletter", "complaint")].too_few
    assert by_key[("in_person", "complaint")].negative_share == 1.0
    scripts = {e["title"]: e for e in client.get("/api/v1/style/entries?kind=script").get_json()}
    assert scripts["A refund request by email"]["pattern"] == {"channel": "email_support", "kind": "refund request"}
    guide = client.get("/style").get_data(as_text=True)
    moved = guide.split("Refund requests by email: ")[1].split("</span>")[0]
    before, since = (int(share) for share in re.findall(r"(\d+)% ", moved))
    assert since < before - 20, moved
    assert "Complaints on X / Twitter: " in guide
    demo_service.load(date(2031, 5, 10))
    assert interaction_patterns.report(date(2031, 2, 9), date(2031, 5, 10)).count == report.count, "replaced"
