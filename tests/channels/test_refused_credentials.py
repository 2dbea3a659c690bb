"""A refused credential is named as such on every channel, however the service says it (a 401, a 400
with a code inside, a 422, a nested reason), with which credential to fix: the app then marks the
account for reconnection and its posts wait, instead of failing as if the post were wrong.

Each stand-in answers with the body its service documents for that refusal."""

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL, post

TOKEN, REFRESH, SECRET = "tok-ACCESS-1111", "tok-REFRESH-2222", "tok-CLIENTSECRET-3333"
PICTURE = {"url": "https://cdn.example.com/board.jpg", "type": "image", "alt": "A whiteboard"}


def live(channel, service, tmp_path, settings, secrets, saved=None):
    account = Account(1, channel, "account", settings=settings, secrets=secrets)
    return DeliveryContext(
        "live",
        tmp_path,
        account=account,
        http=HttpClient(allow=LOCAL, timeout=2),
        save_secrets=saved.append if saved is not None else None,
        idempotency_key="refrain-post-7",
        now=DELIVERED_AT,
        export_root=tmp_path,
    )


def deliver(context, content):
    adapter = registry.get(content.channel)
    validation = adapter.validate(content)
    assert validation.draft is not None, validation.problems
    outcome = adapter.deliver(validation.draft, content, context)
    assert not any(secret in outcome.message for secret in (TOKEN, REFRESH, SECRET)), outcome.message
    return outcome


# --- X -----------------------------------------------------------------------------------------------


def tweet(service, tmp_path, **secrets):
    stored = {"access_token": TOKEN, "refresh_token": REFRESH, **secrets}
    settings = {"api_base": service.url, "client_id": "client-abc"}
    context = live("twitter", service, tmp_path, settings, {k: v for k, v in stored.items() if v})
    return deliver(context, post("twitter", "Hello from Refrain", id=7))


def test_x_saying_invalid_token_in_a_400_renews_it_and_tweets(service, tmp_path):
    service.answer("POST", "/2/tweets", 400, {"errors": [{"code": 89, "message": "Invalid or expired token."}]})
    service.answer("POST", "/2/tweets", 201, {"data": {"id": "5"}})
    service.answer("POST", "/2/oauth2/token", 200, {"access_token": "tok-NEW-4444", "expires_in": 7200})
    assert tweet(service, tmp_path).status == "published"
    assert [r.path for r in service.requests] == ["/2/tweets", "/2/oauth2/token", "/2/tweets"]


def test_x_bad_authentication_data_in_a_400_names_the_access_token(service, tmp_path):
    service.answer("POST", "/2/tweets", 400, {"errors": [{"code": 215, "message": "Bad Authentication data."}]})
    outcome = tweet(service, tmp_path, refresh_token="")
    assert outcome.status == "unauthorized"
    assert "access token" in outcome.message and "Accounts page" in outcome.message


@pytest.mark.parametrize(
    "body, words",
    [
        (
            {"errors": [{"code": 261, "message": "Application cannot perform write actions."}]},
            "Read and write",
        ),
        ({"errors": [{"code": 326, "message": "To protect our users from spam..."}]}, "locked"),
        (
            {
                "client_id": "16395995",
                "type": "https://api.twitter.com/2/problems/client-forbidden",
                "title": "Client Forbidden",
                "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
                "from a Twitter developer App that is attached to a Project.",
                "reason": "client-not-enrolled",
                "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
            },
            "Project",
        ),
        (
            {
                "type": "https://api.twitter.com/2/problems/unsupported-authentication",
                "title": "Unsupported Authentication",
                "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.",
                "status": 403,
            },
            "user token",
        ),
    ],
)
def test_x_refusing_the_account_or_the_app_says_what_to_fix(service, tmp_path, body, words):
    service.answer("POST", "/2/tweets", 403, body)
    outcome = tweet(service, tmp_path)
    assert outcome.status == "unauthorized" and words in outcome.message
    assert [r.path for r in service.requests] == ["/2/tweets"], "renewing the token would not help"


def test_x_refusing_the_client_names_the_client_id_and_secret(service, tmp_path):
    service.answer("POST", "/2/tweets", 401, {"title": "Unauthorized", "type": "about:blank", "status": 401})
    service.answer(
        "POST",
        "/2/oauth2/token",
        401,
        {"error": "unauthorized_client", "error_description": "Missing valid authorization header"},
    )
    outcome = tweet(service, tmp_path, client_secret=SECRET)
    assert outcome.status == "unauthorized" and "client ID and client secret" in outcome.message


# --- Mastodon ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, error, words",
    [
        (401, "The access token is invalid", "make a new access token"),
        (401, "The access token was revoked", "make a new access token"),
        (403, "This action is outside the authorized scopes", "write:statuses"),
        (403, "Your login is currently disabled", "refused the account"),
        (422, "This method requires an authenticated user", "not a user's"),
    ],
)
def test_mastodon_refusals_name_the_token_or_the_account(service, tmp_path, status, error, words):
    from channels import mastodon

    mastodon.forget_instance_limits()
    service.answer("GET", "/api/v2/instance", 200, {"configuration": {"statuses": {"max_characters": 500}}})
    service.answer("POST", "/api/v1/statuses", status, {"error": error})
    context = live("mastodon", service, tmp_path, {"instance": service.url}, {"access_token": TOKEN})
    outcome = deliver(context, post("mastodon", "Hello", id=7))
    assert outcome.status == "unauthorized" and error in outcome.message and words in outcome.message


def test_a_mastodon_validation_error_in_a_422_stays_the_posts_problem(service, tmp_path):
    from channels import mastodon

    mastodon.forget_instance_limits()
    service.answer("GET", "/api/v2/instance", 200, {})
    service.answer("POST", "/api/v1/statuses", 422, {"error": "Validation failed: Text can't be blank"})
    context = live("mastodon", service, tmp_path, {"instance": service.url}, {"access_token": TOKEN})
    assert deliver(context, post("mastodon", "Hello", id=7)).status == "rejected"


# --- Facebook ----------------------------------------------------------------------------------------

FEED = "/v21.0/1122334455/feed"


def to_page(service, tmp_path):
    settings = {"page_id": "1122334455", "graph_url": service.url, "graph_version": "v21.0"}
    context = live("facebook", service, tmp_path, settings, {"page_access_token": TOKEN})
    return deliver(context, post("facebook", "Our board.", link="https://example.com/b", id=7))


@pytest.mark.parametrize(
    "error, words",
    [
        (
            {
                "message": "Error validating access token: Session has expired on Tuesday.",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
            },
            "the token has expired",
        ),
        (
            {
                "message": "Error validating access token: The session has been invalidated because the user changed "
                "their password.",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 460,
            },
            "password",
        ),
        (
            {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190, "error_subcode": 467},
            "not valid",
        ),
        (
            {"message": "(#102) Session key invalid or no longer valid", "type": "OAuthException", "code": 102},
            "Page access token",
        ),
        (
            {
                "message": "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts "
                "permission",
                "type": "OAuthException",
                "code": 200,
            },
            "an admin of the Page",
        ),
    ],
)
def test_facebook_token_refusals_in_a_400_say_why(service, tmp_path, error, words):
    service.answer("POST", FEED, 400, {"error": {**error, "fbtrace_id": "AbC"}})
    outcome = to_page(service, tmp_path)
    assert outcome.status == "unauthorized" and "Page access token" in outcome.message and words in outcome.message


# --- Pinterest ---------------------------------------------------------------------------------------


def pin(service, tmp_path):
    settings = {"board_id": "549755885175", "api_url": service.url}
    context = live("pinterest", service, tmp_path, settings, {"access_token": TOKEN})
    return deliver(
        context,
        post("pinterest", "Columns.", title="Board", link="https://example.com/b", extra={"media": [PICTURE]}, id=7),
    )


@pytest.mark.parametrize(
    "status, body, words",
    [
        (401, {"code": 2, "message": "Authentication failed."}, "make a new access token"),
        (
            401,
            {"code": 3, "message": "Your token does not have sufficient permissions to perform this operation."},
            "pins:write",
        ),
        (403, {"code": 29, "message": "You are not permitted to access that resource."}, "549755885175"),
    ],
)
def test_pinterest_refusals_name_the_token_or_the_board(service, tmp_path, status, body, words):
    service.answer("POST", "/v5/pins", status, body)
    outcome = pin(service, tmp_path)
    assert outcome.status == "unauthorized" and body["message"] in outcome.message and words in outcome.message
