"""YouTube (the Data API's nested reasons, Google's token service's RFC 6749 codes under a 400) and the
blog's Micropub target (the spec's error codes, whatever status carries them): a refused credential
is ``unauthorized`` and says which one; what is the post's own problem stays ``rejected``."""

import pytest

from channels import registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL, post

ACCESS, REFRESH, CLIENT_SECRET = "ya29.old-access", "1//refresh-secret", "GOCSPX-client-secret"
VIDEOS, TOKEN = "/youtube/v3/videos", "/token"
VIDEO = post("youtube", "A tour.", title="Atlas", extra={"video_id": "dQw4w9WgXcQ"}, id=7)


def context(channel, service, tmp_path, settings, secrets):
    return DeliveryContext(
        "live",
        tmp_path,
        account=Account(1, channel, "account", settings=settings, secrets=secrets),
        http=HttpClient(allow=LOCAL, timeout=2),
        idempotency_key="refrain-post-7",
        now=DELIVERED_AT,
    )


def to_youtube(service, tmp_path):
    settings = {"client_id": "123.apps.googleusercontent.com", "api_url": service.url, "oauth_url": service.url}
    secrets = {"access_token": ACCESS, "refresh_token": REFRESH, "client_secret": CLIENT_SECRET}
    adapter = registry.get("youtube")
    outcome = adapter.deliver(
        adapter.validate(VIDEO).draft, VIDEO, context("youtube", service, tmp_path, settings, secrets)
    )
    assert not any(secret in outcome.message for secret in (ACCESS, REFRESH, CLIENT_SECRET)), outcome.message
    return outcome


def google_error(status, reason, message, state):
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": state,
        }
    }


EXPIRED = google_error(
    401,
    "authError",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
    "authentication credential.",
    "UNAUTHENTICATED",
)


@pytest.mark.parametrize(
    "answer, credential, words",
    [
        (
            (400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
            "refresh token",
            "Testing",
        ),
        (
            (401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}),
            "OAuth client ID or client secret",
            "Credentials",
        ),
        (
            (400, {"error": "unauthorized_client", "error_description": "Unauthorized"}),
            "refresh token",
            "another OAuth client",
        ),
    ],
)
def test_a_refused_renewal_names_the_credential_google_refused(service, tmp_path, answer, credential, words):
    service.answer("GET", VIDEOS, 401, EXPIRED)
    service.answer("POST", TOKEN, *answer)
    outcome = to_youtube(service, tmp_path)
    assert outcome.status == "unauthorized" and f"Google refused the {credential}" in outcome.message
    assert words in outcome.message and answer[1]["error_description"] in outcome.message


@pytest.mark.parametrize(
    "body, credential, words",
    [
        (
            google_error(
                403, "insufficientPermissions", "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
            ),
            "refresh token",
            "youtube scope",
        ),
        (
            google_error(
                403,
                "accessNotConfigured",
                "YouTube Data API v3 has not been used in project 123 before or it is disabled.",
                "PERMISSION_DENIED",
            ),
            "OAuth client ID",
            "enable the YouTube Data API v3",
        ),
        (
            google_error(401, "youtubeSignupRequired", "Unauthorized", "UNAUTHENTICATED"),
            "Google account",
            "no YouTube channel",
        ),
    ],
)
def test_data_api_refusals_name_what_to_fix(service, tmp_path, body, credential, words):
    service.answer("GET", VIDEOS, body["error"]["code"], body)
    service.answer("POST", TOKEN, 200, {"access_token": "ya29.new-access", "expires_in": 3599})
    outcome = to_youtube(service, tmp_path)
    assert outcome.status == "unauthorized" and f"refused the {credential}" in outcome.message
    assert words in outcome.message


def test_a_video_of_another_channel_is_the_posts_problem_not_the_accounts(service, tmp_path):
    service.answer("GET", VIDEOS, 403, google_error(403, "forbidden", "Forbidden", "PERMISSION_DENIED"))
    outcome = to_youtube(service, tmp_path)
    assert outcome.status == "rejected" and "must belong to the channel" in outcome.message
    assert [r.path for r in service.requests] == [VIDEOS], "no renewal: the token is fine"


def test_a_spent_quota_is_still_a_wait(service, tmp_path):
    service.answer(
        "GET",
        VIDEOS,
        403,
        google_error(
            403,
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your quota.",
            "PERMISSION_DENIED",
        ),
    )
    assert to_youtube(service, tmp_path).status == "retry"


# --- Micropub ----------------------------------------------------------------------------------------


def to_micropub(service, tmp_path):
    settings = {"target": "micropub", "micropub_endpoint": service.url + "/micropub"}
    content = post("blog", "Hello *world*.", title="Summer plans", id=42)
    adapter = registry.get("blog")
    return adapter.deliver(
        adapter.validate(content).draft,
        content,
        context("blog", service, tmp_path, settings, {"micropub_token": "tok-123"}),
    )


@pytest.mark.parametrize(
    "status, body, headers, words",
    [
        (
            403,
            {"error": "insufficient_scope", "scope": "create", "error_description": "The token lacks create"},
            {},
            "create scope",
        ),
        (403, {"error": "forbidden", "error_description": "This token is not for this site"}, {}, "IndieAuth"),
        (400, {"error": "invalid_token"}, {}, "IndieAuth"),
        (400, "Bad Request", {"WWW-Authenticate": 'Bearer error="invalid_token"'}, "IndieAuth"),
    ],
)
def test_micropub_token_refusals_whatever_the_status(service, tmp_path, status, body, headers, words):
    service.answer("POST", "/micropub", status, body, headers=headers)
    outcome = to_micropub(service, tmp_path)
    assert outcome.status == "unauthorized" and "the Micropub endpoint refused the token" in outcome.message
    assert words in outcome.message


def test_a_micropub_invalid_request_stays_the_posts_problem(service, tmp_path):
    service.answer("POST", "/micropub", 400, {"error": "invalid_request", "error_description": "name is too long"})
    outcome = to_micropub(service, tmp_path)
    assert outcome.status == "rejected" and "name is too long" in outcome.message
