"""Bluesky sessions against the AT Protocol's own server: the session an app password opens is kept
and reused, renewed when it expires, replaced when the PDS no longer takes it; the account's own
refusals (a wrong password, a deactivated or taken-down account) are ``unauthorized`` in words that
say so; and "Test connection" says as whom it signed in."""

import json

import pytest

from channels import registry
from channels.base import Account, DeliveryContext, PostContent, identity_marker
from channels.http import HttpClient
from tests.real.bluesky.atproto import NUMBERS

LOCAL = ("127.0.0.1",)
SIGN_IN, RENEW, CREATE = (
    "com.atproto.server.createSession",
    "com.atproto.server.refreshSession",
    "com.atproto.repo.createRecord",
)


class Connected:
    """A Bluesky account as the app keeps it: its settings, and secrets that a delivery may renew
    (``save_secrets``), kept for the next delivery as the app keeps them."""

    def __init__(self, pds_url, made, app_password=None):
        self.settings = {"pds": pds_url, "handle": made["handle"]}
        self.secrets = {"app_password": app_password or made["app_password"]}
        self.handle = made["handle"]
        self.http = None

    def context(self, post_id=0):
        self.http = HttpClient(allow=LOCAL, timeout=10)
        return DeliveryContext(
            mode="live",
            outbox_dir="/nonexistent",
            http=self.http,
            save_secrets=self.secrets.update,
            idempotency_key=identity_marker(post_id) if post_id else "",
            account=Account(1, "bluesky", self.handle, dict(self.settings), dict(self.secrets)),
        )

    def deliver(self, text="Hello from Refrain"):
        adapter = registry.get("bluesky")
        post_id = next(NUMBERS) + 2000
        content = PostContent(channel="bluesky", body=text, id=post_id)
        return adapter.deliver(adapter.render(content), content, self.context(post_id))

    def check(self):
        return registry.get("bluesky").check_connection(self.context())

    def calls(self) -> list[tuple[str, int]]:
        return [(url.rsplit("/", 1)[-1], status) for _, url, status in self.http.log]

    @property
    def session(self) -> dict:
        return json.loads(self.secrets["session"])

    def keep(self, **changes):
        self.secrets["session"] = json.dumps({**self.session, **changes})


@pytest.fixture
def bluesky(pds, account):
    return Connected(pds.url, account)


def test_a_session_is_opened_once_and_kept_for_the_next_delivery(bluesky, account):
    assert bluesky.deliver().status == "published"
    assert bluesky.calls()[0] == (SIGN_IN, 200)
    assert bluesky.session["did"] == account["did"] and account["app_password"] not in bluesky.secrets["session"]
    assert bluesky.deliver().status == "published"
    assert [name for name, _ in bluesky.calls()] == [CREATE], "the kept session is used as it is"


def test_an_expired_session_is_renewed_with_its_refresh_token(pds, bluesky):
    assert bluesky.deliver().status == "published"
    bluesky.keep(access=pds.expired(bluesky.session["access"]))
    outcome = bluesky.deliver("After two hours")
    assert outcome.status == "published", outcome.message
    assert bluesky.calls() == [(CREATE, 400), (RENEW, 200), (CREATE, 200)], "the PDS says ExpiredToken with a 400"
    assert pds.xrpc("GET", "com.atproto.server.getSession", token=bluesky.session["access"]).status == 200


def test_a_session_the_pds_no_longer_takes_is_replaced_by_a_new_sign_in(pds, bluesky, account):
    assert bluesky.deliver().status == "published"
    kept = bluesky.session
    revoked = pds.xrpc("POST", "com.atproto.server.deleteSession", token=kept["refresh"])
    assert revoked.status == 200, revoked.data
    bluesky.keep(access=pds.expired(kept["access"]))
    assert bluesky.deliver("After signing out elsewhere").status == "published"
    assert bluesky.calls() == [(CREATE, 400), (RENEW, 400), (SIGN_IN, 200), (CREATE, 200)]
    bluesky.keep(access="not-a-token", refresh="not-a-token")
    assert bluesky.deliver("After a garbled session").status == "published"
    assert bluesky.calls() == [(CREATE, 400), (SIGN_IN, 200), (CREATE, 200)], "InvalidToken: a new session"
    assert len(pds.records(account["did"])) == 3


def test_a_session_kept_for_another_app_password_is_not_used(pds, bluesky, account):
    assert bluesky.deliver().status == "published"
    again = pds.xrpc(
        "POST", "com.atproto.server.createAppPassword", body={"name": "refrain-2"}, token=account["access"]
    )
    bluesky.secrets["app_password"] = again.data["password"]  # what reconnecting does (and drops the session)
    assert bluesky.deliver().status == "published"
    assert bluesky.calls()[0] == (SIGN_IN, 200)


def test_a_wrong_app_password_is_unauthorized_in_words_that_say_so(pds, account):
    wrong = Connected(pds.url, account, app_password="aaaa-bbbb-cccc-dddd")
    outcome = wrong.deliver()
    assert outcome.status == "unauthorized"
    assert (
        "refused the handle or app password" in outcome.message and "Invalid identifier or password" in outcome.message
    )
    assert "aaaa" not in outcome.message and wrong.calls() == [(SIGN_IN, 401)]
    assert pds.records(account["did"]) == []


def test_a_taken_down_account_is_unauthorized_and_says_so(pds, bluesky, account):
    """With its kept session the PDS names the takedown; to an app password signing in anew it says
    only "Invalid identifier or password" (taken-down accounts cannot sign in with app passwords),
    which is all that can be repeated then."""
    assert bluesky.deliver().status == "published"
    pds.take_down(account["did"])
    kept = bluesky.deliver("After the takedown")
    assert kept.status == "unauthorized" and "has been taken down" in kept.message, kept.message
    assert bluesky.calls() == [(CREATE, 401)]
    bluesky.secrets.pop("session")
    fresh = bluesky.deliver("Signing in after the takedown")
    assert fresh.status == "unauthorized" and "Invalid identifier or password" in fresh.message, fresh.message
    pds.take_down(account["did"], applied=False)  # a taken-down repository cannot be read at all
    assert len(pds.records(account["did"])) == 1


def test_a_deactivated_account_is_unauthorized_and_says_so(pds, bluesky, account):
    assert bluesky.deliver().status == "published"
    done = pds.xrpc("POST", "com.atproto.server.deactivateAccount", body={}, token=account["access"])
    assert done.status == 200, done.data
    kept = bluesky.deliver("After deactivating")
    assert kept.status == "unauthorized" and "deactivated" in kept.message and "reactivate" in kept.message
    bluesky.secrets.pop("session")
    fresh = bluesky.deliver("Signing in after deactivating")
    assert fresh.status == "unauthorized" and "deactivated" in fresh.message, fresh.message
    assert bluesky.calls() == [(SIGN_IN, 200)], "the PDS opens a session, saying the account is not active"
    back = pds.xrpc("POST", "com.atproto.server.activateAccount", token=account["access"])
    assert back.status == 200, back.data  # a deactivated repository cannot be read at all
    assert len(pds.records(account["did"])) == 1


def test_test_connection_signs_in_says_as_whom_and_keeps_the_session(bluesky, account):
    outcome = bluesky.check()
    assert outcome.status == "published" and outcome.message.startswith(f"connected as @{account['handle']}")
    assert bluesky.calls() == [(SIGN_IN, 200)] and bluesky.session["did"] == account["did"]
    assert bluesky.deliver().status == "published" and bluesky.calls() == [(CREATE, 200)]


def test_test_connection_with_a_wrong_app_password_is_unauthorized(pds, account):
    outcome = Connected(pds.url, account, app_password="aaaa-bbbb-cccc-dddd").check()
    assert outcome.status == "unauthorized" and "app password" in outcome.message


def test_test_connection_of_an_address_that_is_no_pds_says_it_cannot_be_reached(account):
    outcome = Connected("http://127.0.0.1:9", account).check()
    assert outcome.status == "retry" and "could not reach 127.0.0.1" in outcome.message
