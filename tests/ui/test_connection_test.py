"""“Test connection”: an owner asks the service whether an account works, on the accounts page or over the
API; the answer is shown in words, kept on the account (a refused one is marked for reconnection, a
working one comes back) and written in the audit trail. Connecting an account while deliveries are live
tests it at once: it is saved either way, and the page says plainly when it does not work yet."""

import pytest

from channels import mastodon
from scheduler import reconfigure
from scheduler.services import accounts, audit
from tests.factories import make_person, signed_in
from tests.support.stand_in import StandIn

TOKEN = "tok-MASTODON-never-shown"
VERIFY = "/api/v1/accounts/verify_credentials"


@pytest.fixture
def instance(app):
    reconfigure(app, fetch_allow=("127.0.0.1",))  # the stand-in's address, as an admin would allow it
    mastodon.forget_instance_limits()
    stand_in = StandIn()
    yield stand_in
    stand_in.close()


def connected_account(instance) -> int:
    account = accounts.connect(
        {"channel": "mastodon", "name": "@atlas", "instance": instance.url, "access_token": TOKEN}
    )
    return account.id


def page_after(client, address, data=None):
    answer = client.post(address, data=data or {}, follow_redirects=True)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_button_shows_the_services_answer_and_keeps_it_on_the_account(client, instance):
    account_id = connected_account(instance)
    assert "Test connection" in client.get("/accounts").get_data(as_text=True)

    instance.answer("GET", VERIFY, 401, {"error": "The access token was revoked"})
    page = page_after(client, f"/accounts/{account_id}/test")
    assert "@atlas was refused; its posts wait until it is reconnected" in page
    assert "The access token was revoked" in page and TOKEN not in page
    assert accounts.get_account(account_id).status == "unauthorized"

    instance.reset()
    instance.answer("GET", VERIFY, 200, {"id": "109", "username": "atlas", "acct": "atlas"})
    page = page_after(client, f"/accounts/{account_id}/test")
    assert "@atlas works: connected to 127.0.0.1 as @atlas." in page
    account = accounts.get_account(account_id)
    assert (account.status, account.status_message) == ("connected", "")
    assert [r.method for r in instance.requests] == ["GET"], "a test publishes nothing"

    trail = [e for e in audit.events(object_type="account", object_id=account_id) if e.action == "tested"]
    assert [e.changes for e in trail] == [
        {"status": ["unauthorized", "connected"]},
        {"status": ["connected", "unauthorized"]},
    ]
    assert trail[1].summary.startswith("connection test: unauthorized: 127.0.0.1 refused the access token")


def test_a_setting_that_cannot_work_is_kept_as_the_accounts_message(client, instance):
    account_id = connected_account(instance)
    instance.answer("GET", VERIFY, 200, {"not": "mastodon"})
    page = page_after(client, f"/accounts/{account_id}/test")
    assert "@atlas does not work: 127.0.0.1 answered without an account" in page
    account = accounts.get_account(account_id)
    assert account.status == "connected" and account.status_message.startswith("127.0.0.1 answered without an account")


def test_an_unreachable_service_changes_nothing(client, instance):
    account_id = connected_account(instance)
    instance.answer("GET", VERIFY, 503, {"error": "down for maintenance"})
    page = page_after(client, f"/accounts/{account_id}/test")
    assert "@atlas could not be tested now" in page
    assert accounts.get_account(account_id).status == "connected"


def test_connecting_while_live_tests_at_once_and_saves_a_refused_account_all_the_same(app, client, instance):
    reconfigure(app, delivery="live")
    instance.answer("GET", VERIFY, 401, {"error": "The access token is invalid"})
    form = {"name": "@atlas", "instance": instance.url, "access_token": "not-the-token"}
    page = page_after(client, "/accounts/mastodon", form)
    assert "Mastodon account connected, but it does not work yet: 127.0.0.1 refused the access token" in page
    assert "Its posts wait until it is fixed." in page
    [account] = accounts.list_accounts()
    assert account.status == "unauthorized" and "The access token is invalid" in account.status_message

    instance.reset()
    instance.answer("GET", VERIFY, 200, {"id": "109", "acct": "atlas"})
    page = page_after(client, f"/accounts/{account.id}/reconnect", {**form, "access_token": TOKEN})
    assert "reconnected; its waiting posts will be queued at the next sweep and tested: connected to" in page
    assert accounts.get_account(account.id).status == "connected"


def test_connecting_in_outbox_mode_asks_nothing_and_points_to_the_button(client, instance):
    page = page_after(client, "/accounts/mastodon", {"name": "@atlas", "instance": instance.url, "access_token": TOKEN})
    assert "Mastodon account connected. Use “Test connection” to check it with the service." in page
    assert instance.requests == []


def test_the_api_answers_status_and_message(client, instance):
    account_id = connected_account(instance)
    instance.answer("GET", VERIFY, 403, {"error": "Your login is currently disabled"})
    answer = client.post(f"/api/v1/accounts/{account_id}/test")
    assert answer.status_code == 200
    result = answer.get_json()
    assert result["status"] == "unauthorized" and result["account_status"] == "unauthorized"
    assert result["message"].startswith("127.0.0.1 refused the account (Your login is currently disabled)")
    assert client.get(f"/api/v1/accounts/{account_id}").get_json()["status_message"] == result["message"]
    assert client.post("/api/v1/accounts/999999/test").status_code == 404


def test_the_api_route_is_described(client):
    described = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/accounts/{account_id}/test"]["post"]
    schema = described["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ConnectionTest"}


def test_only_owners_may_test(app, instance):
    account_id = connected_account(instance)
    manager = signed_in(app, make_person("manager@example.com", "manager"))
    assert "Test connection" not in manager.get("/accounts").get_data(as_text=True)
    assert manager.post(f"/accounts/{account_id}/test").status_code == 403
    assert manager.post(f"/api/v1/accounts/{account_id}/test").status_code == 403
    assert instance.requests == []
