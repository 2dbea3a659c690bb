"""Every outbound path of a delivery goes through the address guard: each adapter pointed, by its
account's address setting, at each spelling of an inside address (tests/support/inside_addresses.py)
is refused before anything is sent; the same for an image on a post that a worker would download,
and for the HTTP client all of them share. A stand-in listens on the loopback port each address names,
and hears nothing.

The guard's default is what runs here: the clients are built with no allow-list at all."""

import pytest

from channels import registry
from channels.base import Account, DeliveryContext, DeliveryFailure
from channels.http import HttpClient
from channels.shaping import fetch_image
from tests.channels.helpers import DELIVERED_AT, LOCAL, post
from tests.support.inside_addresses import FORMS, IDS

TOKEN = "a-token-long-enough-to-be-told-apart"
PICTURE = {"url": "https://cdn.example.com/a.jpg", "type": "image", "alt": "A board"}

# each delivery path: the adapter, a post it accepts, and its account with every address at ``base``
PATHS = {
    "mastodon": (
        "mastodon",
        post("mastodon", "Hello", id=7),
        lambda base: ({"instance": base}, {"access_token": TOKEN}),
    ),
    "bluesky": (
        "bluesky",
        post("bluesky", "Hello", id=7),
        lambda base: ({"pds": base, "handle": "refrain.bsky.social"}, {"app_password": TOKEN}),
    ),
    "facebook": (
        "facebook",
        post("facebook", "Our board.", link="https://example.com/board", id=7),
        lambda base: ({"page_id": "1", "graph_url": base, "graph_version": "v21.0"}, {"page_access_token": TOKEN}),
    ),
    "pinterest": (
        "pinterest",
        post("pinterest", "Columns.", title="Board", link="https://example.com/b", extra={"media": [PICTURE]}, id=7),
        lambda base: ({"board_id": "1", "api_url": base}, {"access_token": TOKEN}),
    ),
    "youtube": (
        "youtube",
        post("youtube", "A tour.", title="Atlas", extra={"video_id": "dQw4w9WgXcQ"}, id=7),
        lambda base: (
            {"client_id": "c.apps.googleusercontent.com", "api_url": base, "oauth_url": base},
            {"access_token": TOKEN, "refresh_token": "R", "client_secret": "S"},
        ),
    ),
    "twitter": (
        "twitter",
        post("twitter", "Hello", id=7),
        lambda base: ({"api_base": base, "client_id": "c"}, {"access_token": TOKEN, "refresh_token": "R"}),
    ),
    "webhook": (
        "webhook",
        post("webhook", "Calendars sync.", title="Atlas", link="https://example.com/2.1", id=7),
        lambda base: ({"url": base + "/hooks/refrain"}, {"signing_secret": TOKEN}),
    ),
    "blog wordpress": (
        "blog",
        post("blog", "Body text for the blog.", title="Summer plans", id=42),
        lambda base: ({"target": "wordpress", "site_url": base + "/", "user": "ann"}, {"app_password": TOKEN}),
    ),
    "blog micropub": (
        "blog",
        post("blog", "Body text for the blog.", title="Summer plans", id=42),
        lambda base: ({"target": "micropub", "micropub_endpoint": base + "/micropub"}, {"micropub_token": TOKEN}),
    ),
}


@pytest.fixture
def service(stand_in):
    stand_in.reset()
    return stand_in


def base_url(host: str, service) -> str:
    return f"http://{host}:{service.server.server_address[1]}"


@pytest.mark.parametrize("host, kind", FORMS, ids=IDS)
@pytest.mark.parametrize("path", list(PATHS))
def test_a_delivery_to_an_inside_address_is_refused_and_sends_nothing(
    path, host, kind, service, tmp_path, inside_names
):
    channel, content, account_of = PATHS[path]
    settings, secrets = account_of(base_url(host, service))
    adapter = registry.get(channel)
    validation = adapter.validate(content)
    assert validation.draft is not None, validation.problems
    context = DeliveryContext(
        "live",
        tmp_path,
        account=Account(1, channel, "account", settings=settings, secrets=secrets),
        http=HttpClient(timeout=2),  # the guard's default: nothing inside is allowed
        idempotency_key="refrain-post-7",
        now=DELIVERED_AT,
        export_root=tmp_path,
    )
    outcome = adapter.deliver(validation.draft, content, context)
    assert outcome.status == "rejected", outcome
    assert "refused" in outcome.message and kind in outcome.message
    assert "nothing was sent" in outcome.message
    assert service.requests == [], "no request reached the address"


@pytest.mark.parametrize("host, kind", FORMS, ids=IDS)
def test_an_image_on_a_post_at_an_inside_address_is_not_downloaded(host, kind, service, inside_names):
    item = {**PICTURE, "url": base_url(host, service) + "/latest/meta-data/a.jpg"}
    with pytest.raises(DeliveryFailure) as failure:
        fetch_image(HttpClient(timeout=2), item, 1_000_000, "Mastodon")
    assert failure.value.outcome.status == "rejected" and kind in failure.value.outcome.message
    assert service.requests == []


@pytest.mark.parametrize("host, kind", FORMS, ids=IDS)
def test_the_shared_client_refuses_every_inside_address(host, kind, service, inside_names):
    with pytest.raises(DeliveryFailure) as failure:
        HttpClient(timeout=2).request(
            "POST", base_url(host, service) + "/post", json={}, headers={"Authorization": TOKEN}
        )
    outcome = failure.value.outcome
    assert outcome.status == "rejected"
    assert outcome.message.startswith("refused: ") and f"{kind} address" in outcome.message
    assert "REFRAIN_FETCH_ALLOW" in outcome.message
    assert service.requests == []


def test_an_allowed_address_is_reached(service):
    service.answer("POST", "/post", 201, {"id": "1"})
    assert HttpClient(allow=LOCAL, timeout=2).request("POST", service.url + "/post", json={}).status == 201


def test_a_network_allowed_by_cidr_lets_every_spelling_of_it_through(service):
    service.answer("GET", "/x", 200, {})
    port = service.server.server_address[1]
    client = HttpClient(allow=("127.0.0.0/8",), timeout=2)
    for host in ("127.0.0.1", "2130706433", "0x7f.0.0.1"):
        assert client.request("GET", f"http://{host}:{port}/x").status == 200
    assert len(service.requests) == 3


def test_a_redirect_to_the_metadata_address_is_not_followed(service):
    """A delivery never follows a redirect: the token would go with it, wherever it points."""
    service.answer("POST", "/post", 302, {}, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(DeliveryFailure) as failure:
        HttpClient(allow=LOCAL, timeout=2).request("POST", service.url + "/post", json={})
    outcome = failure.value.outcome
    assert outcome.status == "rejected" and "never follow" in outcome.message
    assert "169.254.169.254" not in outcome.message
    assert len(service.requests) == 1


def test_an_internal_page_never_becomes_the_failure_reason(service):
    """What an internal service answers (a status page, a config dump) is not repeated to people."""
    service.answer("POST", "/post", 400, "<html>db_password=hunter2 internal admin console</html>")
    with pytest.raises(DeliveryFailure) as failure:
        HttpClient(allow=LOCAL, timeout=2).request("POST", service.url + "/post", json={})
    assert failure.value.outcome.message == "127.0.0.1 answered 400: Bad Request"


def test_the_services_own_error_field_is_the_reason(service):
    service.answer("POST", "/post", 422, {"error": "Validation failed: Text too long", "debug": "stack trace..."})
    with pytest.raises(DeliveryFailure) as failure:
        HttpClient(allow=LOCAL, timeout=2).request("POST", service.url + "/post", json={})
    assert failure.value.outcome.message == "127.0.0.1 answered 422: Validation failed: Text too long"
