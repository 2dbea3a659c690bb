"""Each channel's connection check: one read-only call that proves the credentials, "connected as …" in
words when they work, the credential to fix when they do not; nothing is ever published."""

import pytest

from channels import mastodon, registry
from channels.base import Account, DeliveryContext
from channels.http import HttpClient
from tests.channels.helpers import DELIVERED_AT, LOCAL

TOKEN, REFRESH, SECRET = "tok-ACCESS-1111", "tok-REFRESH-2222", "tok-CLIENTSECRET-3333"


def check(channel, tmp_path, settings, secrets=None, saved=None, outbox=None):
    context = DeliveryContext(
        "live",
        outbox or tmp_path / "outbox",
        account=Account(1, channel, "account", settings=settings, secrets=secrets or {}),
        http=HttpClient(allow=LOCAL, timeout=2),
        save_secrets=saved.append if saved is not None else None,
        now=DELIVERED_AT,
        export_root=tmp_path,
    )
    outcome = registry.get(channel).check_connection(context)
    assert not any(secret in outcome.message for secret in (TOKEN, REFRESH, SECRET)), outcome.message
    return outcome


def nothing_written(service):
    return all(r.method in ("GET", "HEAD") or r.path.endswith("/token") for r in service.requests)


# --- X -----------------------------------------------------------------------------------------------


def x(service, tmp_path, saved=None, **secrets):
    stored = {"access_token": TOKEN, "refresh_token": REFRESH, **secrets}
    settings = {"api_base": service.url, "client_id": "client-abc"}
    return check("twitter", tmp_path, settings, {k: v for k, v in stored.items() if v}, saved)


def test_x_names_the_user_the_token_speaks_for(service, tmp_path):
    service.answer("GET", "/2/users/me", 200, {"data": {"id": "2244994945", "name": "Refrain", "username": "refrain"}})
    outcome = x(service, tmp_path)
    assert outcome.status == "published" and outcome.message == "connected to X as @refrain"
    [seen] = service.requests
    assert seen.headers["authorization"] == f"Bearer {TOKEN}" and nothing_written(service)


def test_x_renews_a_refused_token_once_and_keeps_it(service, tmp_path):
    service.answer("GET", "/2/users/me", 401, {"title": "Unauthorized", "type": "about:blank", "status": 401})
    service.answer("GET", "/2/users/me", 200, {"data": {"id": "1", "username": "refrain"}})
    service.answer("POST", "/2/oauth2/token", 200, {"access_token": "tok-NEW-4444", "expires_in": 7200})
    saved = []
    assert x(service, tmp_path, saved).status == "published"
    assert saved and saved[0]["access_token"] == "tok-NEW-4444"


def test_x_with_a_spent_refresh_token_is_unauthorized(service, tmp_path):
    service.answer("GET", "/2/users/me", 401, {"title": "Unauthorized"})
    service.answer(
        "POST",
        "/2/oauth2/token",
        400,
        {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
    )
    outcome = x(service, tmp_path)
    assert outcome.status == "unauthorized" and "X refused the refresh token" in outcome.message


def test_x_without_a_token_asks_nothing(service, tmp_path):
    assert x(service, tmp_path, access_token="").status == "unauthorized" and service.requests == []


# --- Mastodon ----------------------------------------------------------------------------------------

VERIFY, APP = "/api/v1/accounts/verify_credentials", "/api/v1/apps/verify_credentials"


def toot(service, tmp_path):
    mastodon.forget_instance_limits()
    return check("mastodon", tmp_path, {"instance": service.url}, {"access_token": TOKEN})


def test_mastodon_names_the_account(service, tmp_path):
    service.answer("GET", VERIFY, 200, {"id": "109", "username": "refrain", "acct": "refrain", "display_name": "R"})
    outcome = toot(service, tmp_path)
    assert outcome.status == "published" and outcome.message == "connected to 127.0.0.1 as @refrain"


def test_a_mastodon_token_that_may_only_write_is_proven_by_its_application(service, tmp_path):
    service.answer("GET", VERIFY, 403, {"error": "This action is outside the authorized scopes"})
    service.answer("GET", APP, 200, {"name": "Refrain", "scopes": ["write:statuses", "write:media"]})
    outcome = toot(service, tmp_path)
    assert outcome.status == "published" and "accepted the access token of Refrain" in outcome.message


def test_a_mastodon_token_without_the_write_scope_is_unauthorized(service, tmp_path):
    service.answer("GET", VERIFY, 403, {"error": "This action is outside the authorized scopes"})
    service.answer("GET", APP, 200, {"name": "Reader", "scopes": ["read"]})
    outcome = toot(service, tmp_path)
    assert outcome.status == "unauthorized" and "write:statuses" in outcome.message


def test_a_revoked_mastodon_token_is_unauthorized(service, tmp_path):
    service.answer("GET", VERIFY, 401, {"error": "The access token was revoked"})
    outcome = toot(service, tmp_path)
    assert outcome.status == "unauthorized" and "The access token was revoked" in outcome.message


# --- Facebook ----------------------------------------------------------------------------------------


def page(service, tmp_path):
    settings = {"page_id": "1122334455", "graph_url": service.url, "graph_version": "v21.0"}
    return check("facebook", tmp_path, settings, {"page_access_token": TOKEN})


def test_facebook_a_page_token_speaks_for_the_page(service, tmp_path):
    service.answer("GET", "/v21.0/me", 200, {"id": "1122334455", "name": "Atlas"})
    outcome = page(service, tmp_path)
    assert outcome.status == "published" and outcome.message == "connected to the Facebook Page Atlas (1122334455)"
    [seen] = service.requests
    assert seen.headers["authorization"] == f"Bearer {TOKEN}" and seen.query == {"fields": ["id,name"]}


def test_facebook_a_persons_token_is_not_the_pages(service, tmp_path):
    service.answer("GET", "/v21.0/me", 200, {"id": "5550001", "name": "Ann Smith"})
    outcome = page(service, tmp_path)
    assert (
        outcome.status == "unauthorized"
        and "Ann Smith" in outcome.message
        and "Page's own access token" in outcome.message
    )


def test_facebook_an_expired_token_says_so(service, tmp_path):
    error = {
        "message": "Error validating access token: Session has expired",
        "type": "OAuthException",
        "code": 190,
        "error_subcode": 463,
    }
    service.answer("GET", "/v21.0/me", 400, {"error": error})
    outcome = page(service, tmp_path)
    assert outcome.status == "unauthorized" and "the token has expired" in outcome.message


# --- Pinterest ---------------------------------------------------------------------------------------


def pins(service, tmp_path):
    return check("pinterest", tmp_path, {"board_id": "5497", "api_url": service.url}, {"access_token": TOKEN})


def test_pinterest_names_the_user_and_the_board(service, tmp_path):
    service.answer("GET", "/v5/user_account", 200, {"username": "atlas", "account_type": "BUSINESS"})
    service.answer("GET", "/v5/boards/5497", 200, {"id": "5497", "name": "Summer ideas"})
    outcome = pins(service, tmp_path)
    assert (
        outcome.status == "published"
        and outcome.message == "connected to Pinterest as @atlas, pinning to the board Summer ideas"
    )


def test_pinterest_an_unknown_board_is_a_setting_to_fix(service, tmp_path):
    service.answer("GET", "/v5/user_account", 200, {"username": "atlas"})
    service.answer("GET", "/v5/boards/5497", 404, {"code": 40, "message": "Board not found."})
    outcome = pins(service, tmp_path)
    assert outcome.status == "rejected" and "Board ID" in outcome.message and "@atlas" in outcome.message


def test_pinterest_an_expired_token_is_unauthorized(service, tmp_path):
    service.answer("GET", "/v5/user_account", 401, {"code": 2, "message": "Authentication failed."})
    outcome = pins(service, tmp_path)
    assert outcome.status == "unauthorized" and "Authentication failed." in outcome.message


# --- YouTube -----------------------------------------------------------------------------------------

CHANNELS = "/youtube/v3/channels"


def youtube(service, tmp_path, saved=None):
    settings = {"client_id": "123.apps.googleusercontent.com", "api_url": service.url, "oauth_url": service.url}
    secrets = {"access_token": TOKEN, "refresh_token": REFRESH, "client_secret": SECRET}
    return check("youtube", tmp_path, settings, secrets, saved)


def test_youtube_renews_the_token_then_names_the_channel(service, tmp_path):
    service.answer("POST", "/token", 200, {"access_token": "ya29.new", "expires_in": 3599})
    service.answer("GET", CHANNELS, 200, {"items": [{"id": "UC123", "snippet": {"title": "Atlas Videos"}}]})
    saved = []
    outcome = youtube(service, tmp_path, saved)
    assert outcome.status == "published" and outcome.message == "connected to YouTube as the channel Atlas Videos"
    renewal, asked = service.requests
    assert renewal.form()["refresh_token"] == REFRESH and renewal.form()["client_secret"] == SECRET
    assert (
        asked.query == {"part": ["snippet"], "mine": ["true"]} and asked.headers["authorization"] == "Bearer ya29.new"
    )
    assert saved == [{"access_token": "ya29.new"}]


def test_youtube_a_revoked_refresh_token_is_unauthorized(service, tmp_path):
    service.answer(
        "POST", "/token", 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    )
    outcome = youtube(service, tmp_path)
    assert outcome.status == "unauthorized" and "Google refused the refresh token" in outcome.message
    assert [r.path for r in service.requests] == ["/token"]


def test_youtube_an_account_without_a_channel_is_unauthorized(service, tmp_path):
    service.answer("POST", "/token", 200, {"access_token": "ya29.new"})
    service.answer("GET", CHANNELS, 200, {"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}})
    outcome = youtube(service, tmp_path)
    assert outcome.status == "unauthorized" and "no YouTube channel" in outcome.message


# --- the blog: Micropub and the folder ---------------------------------------------------------------


def micropub(service, tmp_path):
    settings = {"target": "micropub", "micropub_endpoint": service.url + "/micropub"}
    return check("blog", tmp_path, settings, {"micropub_token": TOKEN})


def test_micropub_asks_the_endpoints_configuration_with_the_token(service, tmp_path):
    service.answer("GET", "/micropub", 200, {"media-endpoint": "https://site.example/media", "syndicate-to": []})
    outcome = micropub(service, tmp_path)
    assert outcome.status == "published" and "accepted the token" in outcome.message
    [seen] = service.requests
    assert seen.query == {"q": ["config"]} and seen.headers["authorization"] == f"Bearer {TOKEN}"


def test_micropub_a_refused_token_is_unauthorized(service, tmp_path):
    service.answer("GET", "/micropub", 401, {"error": "unauthorized", "error_description": "token expired"})
    outcome = micropub(service, tmp_path)
    assert outcome.status == "unauthorized" and "token expired" in outcome.message


def test_the_blog_folder_must_be_there_and_writable(tmp_path):
    (tmp_path / "site").mkdir()
    outcome = check("blog", tmp_path, {"target": "folder", "folder": "site"})
    assert outcome.status == "published" and "can write in it" in outcome.message
    assert list((tmp_path / "site").iterdir()) == [], "the check leaves nothing behind"
    assert check("blog", tmp_path, {"target": "folder", "folder": "absent"}).status == "rejected"
    assert check("blog", tmp_path, {"target": "folder", "folder": "../up"}).status == "rejected"


# --- the webhook and the ads' export: nothing to log in to -------------------------------------------


def test_a_webhook_has_no_login_but_its_address_must_answer(service, tmp_path):
    service.answer("HEAD", "/hooks/refrain", 405, "")
    settings = {"url": service.url + "/hooks/refrain"}
    outcome = check("webhook", tmp_path, settings, {"signing_secret": SECRET})
    assert outcome.status == "published" and "no login to test" in outcome.message
    assert [(r.method, r.path) for r in service.requests] == [("HEAD", "/hooks/refrain")]
    service.answer("HEAD", "/down", 503, "")
    assert check("webhook", tmp_path, {"url": service.url + "/down"}, {"signing_secret": SECRET}).status == "retry"


def test_a_webhook_at_an_inside_address_is_refused_by_the_guard(tmp_path):
    context = DeliveryContext(
        "live",
        tmp_path,
        account=Account(
            1, "webhook", "w", settings={"url": "http://127.0.0.1:9/hook"}, secrets={"signing_secret": SECRET}
        ),
        http=HttpClient(timeout=2),  # the guard's default: nothing inside
    )
    outcome = registry.get("webhook").check_connection(context)
    assert outcome.status == "rejected" and "nothing was sent" in outcome.message


@pytest.mark.parametrize(
    "prepare, folder, status",
    [
        (lambda root: (root / "ads").mkdir(), "ads", "published"),
        (lambda root: None, "ads/new", "published"),
        (lambda root: (root / "ads").write_text("a file"), "ads", "rejected"),
        (lambda root: None, "/etc/cron.d", "rejected"),
    ],
)
def test_the_ads_export_folder_must_be_writable(tmp_path, prepare, folder, status):
    prepare(tmp_path)
    outcome = check("ppc", tmp_path, {"folder": folder})
    assert outcome.status == status, outcome.message
    if status == "published":
        assert not (tmp_path / "ads" / "new").exists(), "a check makes nothing"
