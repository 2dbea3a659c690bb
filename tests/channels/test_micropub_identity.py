"""Micropub delivery keyed by identity: a post with a stored address is updated there (a W3C Micropub
update, never a second create); a create carries the post's mark, and a post an earlier attempt created
is found by that mark alone, never by its title; an entry of the site without the mark is never touched."""

from dataclasses import replace

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL
from tests.channels.helpers import post as make_post

ENDPOINT = "/micropub"
URL = "https://site.example/2031/summer-plans"
BODY = "Hello *world*.\n\nA second paragraph."


def blog_post(title="Summer plans", **fields):
    fields.setdefault("id", 42)
    fields.setdefault("extra", {"tags": ["planning"]})
    return make_post("blog", BODY, title=title, **fields)


def deliver(service, post, timeout=2.0):
    adapter = registry.get("blog")
    account = Account(
        1,
        "blog",
        "my blog",
        settings={"target": "micropub", "micropub_endpoint": service.url + ENDPOINT},
        secrets={"micropub_token": "tok-123"},
    )
    context = DeliveryContext(
        "live",
        "/nonexistent",
        account=account,
        http=HttpClient(allow=LOCAL, timeout=timeout),
        idempotency_key=f"refrain-post-{post.id}",
        now=DELIVERED_AT,
    )
    return adapter.deliver(adapter.validate(post).draft, post, context)


def entry(url, mark=None, name="Summer plans"):
    properties = {"name": [name], "url": [url]}
    if mark:
        properties["refrain-post"] = [mark]
    return {"type": ["h-entry"], "properties": properties}


def test_a_post_with_a_stored_address_is_updated_there_not_created_again(service):
    service.answer("POST", ENDPOINT, 204, "")
    edited = blog_post(title="Summer plans, revised", remote_id=URL, extra={"tags": ["planning", "été"]})
    outcome = deliver(service, edited)
    assert (outcome.status, outcome.remote_id, outcome.url) == ("published", URL, URL)
    assert "updated" in outcome.message
    [sent] = service.requests
    assert sent.headers["content-type"] == "application/json" and sent.headers["authorization"] == "Bearer tok-123"
    assert sent.json() == {
        "action": "update",
        "url": URL,
        "replace": {
            "name": ["Summer plans, revised"],
            "content": [BODY],
            "category": ["planning", "été"],
            "published": ["2031-09-01T08:00:00+00:00"],
            "refrain-post": ["refrain-post-42"],
        },
    }


def test_an_update_that_removes_every_tag_deletes_the_category(service):
    service.answer("POST", ENDPOINT, 200, {})
    assert deliver(service, blog_post(remote_id=URL, extra={})).status == "published"
    sent = service.requests[0].json()
    assert sent["delete"] == ["category"] and "category" not in sent["replace"]


def test_an_update_that_moves_the_post_keeps_its_new_address(service):
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": "/2031/summer-plans-revised"})
    outcome = deliver(service, blog_post(remote_id=URL))
    assert outcome.remote_id == service.url + "/2031/summer-plans-revised"


def test_an_update_whose_answer_was_lost_is_tried_again(service):
    service.answer("POST", ENDPOINT, drop=True)
    outcome = deliver(service, blog_post(remote_id=URL))
    assert outcome.status == "retry" and "does no harm" in outcome.message


def test_an_update_the_site_refuses_never_turns_into_a_create(service):
    service.answer("POST", ENDPOINT, 400, {"error": "invalid_request", "error_description": "no such post"})
    outcome = deliver(service, blog_post(remote_id=URL))
    assert outcome.status == "rejected" and "no such post" in outcome.message and URL in outcome.message
    assert len(service.requests) == 1 and service.requests[0].json()["action"] == "update"


def test_a_create_carries_the_mark_and_the_idempotency_key(service):
    service.answer("GET", ENDPOINT, 200, {"items": []})
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": URL})
    outcome = deliver(service, blog_post())
    assert (outcome.status, outcome.remote_id) == ("published", URL)
    lookup, created = service.requests
    assert (lookup.method, lookup.query) == ("GET", {"q": ["source"], "limit": ["50"]})
    assert created.form()["refrain-post"] == "refrain-post-42" and created.form()["h"] == "entry"
    assert created.headers["idempotency-key"] == "refrain-post-42"


def test_a_lost_answer_sent_again_finds_the_earlier_post_by_its_mark_and_updates_it(service):
    service.answer(
        "GET",
        ENDPOINT,
        200,
        {"items": [entry(URL + "-2", "refrain-post-7"), entry("/2031/summer-plans", "refrain-post-42")]},
    )
    service.answer("POST", ENDPOINT, 204, "")
    outcome = deliver(service, blog_post(title="Summer plans, retitled"))
    found = service.url + "/2031/summer-plans"
    assert (outcome.status, outcome.remote_id) == ("published", found)
    assert "found by its mark" in outcome.message
    [sent] = service.received("POST")
    assert sent.json()["action"] == "update" and sent.json()["url"] == found, "never a second create"


def test_an_entry_that_looks_like_the_post_but_lacks_its_mark_is_never_touched(service):
    service.answer(
        "GET", ENDPOINT, 200, {"items": [entry(URL), entry(URL + "-2", "refrain-post-420"), entry(URL + "-3", "x")]}
    )
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": URL + "-4"})
    outcome = deliver(service, blog_post())
    assert outcome.remote_id == URL + "-4"
    [sent] = service.received("POST")
    assert sent.form()["h"] == "entry", "a create of its own, the look-alikes left as they are"


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_an_endpoint_that_cannot_list_its_posts_gets_a_create(service, status):
    service.answer("GET", ENDPOINT, status, {"error": "invalid_request"})
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": URL})
    assert deliver(service, blog_post()).status == "published"


def test_a_refused_token_at_the_lookup_is_unauthorized_and_nothing_is_created(service):
    service.answer("GET", ENDPOINT, 401, {"error": "unauthorized", "error_description": "token expired"})
    outcome = deliver(service, blog_post())
    assert outcome.status == "unauthorized" and "token expired" in outcome.message
    assert not service.received("POST")


def test_a_lookup_without_an_answer_is_a_retry_nothing_was_published(service):
    service.answer("GET", ENDPOINT, drop=True)
    outcome = deliver(service, blog_post())
    assert outcome.status == "retry" and "nothing was published" in outcome.message
    assert not service.received("POST")


def test_a_create_whose_answer_is_lost_stays_unconfirmed(service):
    service.answer("GET", ENDPOINT, 400, {"error": "invalid_request"})
    service.answer("POST", ENDPOINT, drop=True)
    assert deliver(service, blog_post()).status == "unconfirmed"


def test_a_marked_entry_without_an_address_is_unconfirmed(service):
    service.answer("GET", ENDPOINT, 200, {"items": [{"properties": {"refrain-post": ["refrain-post-42"]}}]})
    outcome = deliver(service, blog_post())
    assert outcome.status == "unconfirmed" and not service.received("POST")


def test_an_unsaved_post_is_created_without_a_mark_or_a_lookup(service):
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": URL})
    assert deliver(service, replace(blog_post(), id=None)).status == "published"
    [sent] = service.requests
    assert "refrain-post" not in sent.form()


def test_a_stored_id_that_is_not_an_address_is_not_updated(service):
    service.answer("GET", ENDPOINT, 200, {"items": []})
    service.answer("POST", ENDPOINT, 201, "", headers={"Location": URL})
    assert deliver(service, blog_post(remote_id="42.json")).remote_id == URL
    assert service.received("POST")[0].form()["h"] == "entry"
