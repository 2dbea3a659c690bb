"""Managers keep the webhooks on their pages and over the API; creators may not; refusals in words."""

from scheduler.services import webhooks
from tests.factories import make_person, signed_in
from tests.webhooks.conftest import subscribe


def test_a_creator_can_neither_see_nor_manage_webhooks(app, allowed, manager, receiver):
    made = subscribe(manager, receiver)
    creator = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    assert creator.get("/api/v1/webhooks").status_code == 403
    assert (
        creator.post("/api/v1/webhooks", json={"url": "https://example.com", "events": ["kpi.alert"]}).status_code
        == 403
    )
    assert creator.post(f"/api/v1/webhooks/{made['id']}/test").status_code == 403
    assert creator.delete(f"/api/v1/webhooks/{made['id']}").status_code == 403
    assert creator.get("/webhooks").status_code == 403
    assert creator.get(f"/webhooks/{made['id']}").status_code == 403


def test_the_form_says_what_is_wrong_in_words_and_keeps_what_was_typed(app, manager):
    page = manager.post("/webhooks/new", data={"url": "ftp://example.com/in", "format": "json", "language": "en"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "URL must be an http:// or https:// address" in text
    assert "Events must name at least one event" in text
    assert 'value="ftp://example.com/in"' in text
    assert webhooks.list_webhooks() == []


def test_a_manager_subscribes_on_the_page_and_reads_the_secret_and_the_log(app, manager):
    page = manager.post(
        "/webhooks/new",
        data={
            "url": "https://chat.example.com/hooks/abc",
            "events": ["post.published", "kpi.alert"],
            "format": "slack",
            "language": "fr",
            "active": "y",
        },
    )
    assert page.status_code == 302
    [webhook] = webhooks.list_webhooks()
    assert (webhook.events, webhook.format, webhook.language, webhook.active) == (
        ["post.published", "kpi.alert"],
        "slack",
        "fr",
        True,
    )
    shown = manager.get(page.headers["Location"]).get_data(as_text=True)
    assert webhooks.secret_of(webhook) in shown and webhooks.secret_of(webhook).startswith("whsec_")
    assert "whsec_" not in webhook.secret_sealed, "kept sealed, not as it is shown"
    assert manager.post(f"/webhooks/{webhook.id}/test").status_code == 302
    listed = manager.get("/webhooks").get_data(as_text=True)
    assert "https://chat.example.com/hooks/abc" in listed and "Slack-compatible incoming webhook" in listed
    assert manager.post(f"/webhooks/{webhook.id}/delete").status_code == 302
    assert webhooks.list_webhooks() == []
