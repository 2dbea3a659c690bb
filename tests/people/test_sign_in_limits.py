"""Guessing passwords is slow: failed sign-ins are limited per account typed and per client, counted in
the app's Redis, and the refusal says when to try again without telling whether the account exists."""

import re

import pytest

from scheduler import reconfigure
from tests.factories import PASSWORD, make_person


def sign_in(client, email, password, client_address="192.0.2.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": client_address}
    )


@pytest.fixture
def creator(app):
    return make_person("chloe@example.com", "creator", "Chloé")


def minutes_said(answer) -> int:
    return int(re.search(r"try again in (\d+) minutes?", answer.get_data(as_text=True)).group(1))


def test_five_wrong_passwords_for_one_account_stop_even_the_right_one_for_a_quarter_hour(app, creator):
    for n in range(5):
        assert sign_in(app.test_client(), "chloe@example.com", f"guess number {n}").status_code == 422
    refused = sign_in(app.test_client(), "Chloe@Example.com", PASSWORD, client_address="198.51.100.7")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert 1 <= minutes_said(refused) <= 15 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert sign_in(app.test_client(), "someone@example.com", "a guess").status_code == 422, "other accounts go on"


def test_an_address_without_an_account_is_limited_in_the_same_words(app, creator):
    answers = {}
    for email in ("chloe@example.com", "nobody@example.com"):
        for _ in range(5):
            sign_in(app.test_client(), email, "a wrong guess")
        answers[email] = sign_in(app.test_client(), email, "a wrong guess")
    known, unknown = answers["chloe@example.com"], answers["nobody@example.com"]
    assert known.status_code == unknown.status_code == 429
    assert re.sub(r"\d+", "N", known.get_data(as_text=True)) == re.sub(r"\d+", "N", unknown.get_data(as_text=True))


def test_signing_in_successfully_is_never_counted(app, creator):
    for _ in range(12):
        assert sign_in(app.test_client(), "chloe@example.com", PASSWORD).status_code == 302
    for n in range(4):
        assert sign_in(app.test_client(), "chloe@example.com", f"guess {n}").status_code == 422
    assert sign_in(app.test_client(), "chloe@example.com", PASSWORD).status_code == 302


def test_one_client_gets_twenty_failures_whatever_addresses_it_tries(app, creator):
    for n in range(20):
        assert sign_in(app.test_client(), f"made-up-{n}@example.com", "a guess").status_code == 422
    assert sign_in(app.test_client(), "chloe@example.com", PASSWORD).status_code == 429
    assert sign_in(app.test_client(), "chloe@example.com", PASSWORD, client_address="198.51.100.8").status_code == 302


def test_showing_the_sign_in_page_is_never_counted(app, creator):
    anonymous = app.test_client()
    for _ in range(30):
        assert anonymous.get("/login").status_code == 200
    assert sign_in(anonymous, "chloe@example.com", PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(app, creator):
    reconfigure(app, proxies=1)

    def through_proxy(client_address, email, password):
        return app.test_client().post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},  # the balancer, for every client
            headers={"X-Forwarded-For": f"203.0.113.99, {client_address}"},  # what a client wrote comes first
        )

    for n in range(20):
        assert through_proxy("192.0.2.1", f"made-up-{n}@example.com", "a guess").status_code == 422
    assert through_proxy("192.0.2.1", "chloe@example.com", PASSWORD).status_code == 429
    assert through_proxy("198.51.100.8", "chloe@example.com", PASSWORD).status_code == 302, "another client goes on"


def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(app, creator):
    for n in range(20):
        answer = app.test_client().post(
            "/login",
            data={"email": f"made-up-{n}@example.com", "password": "a guess"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
        assert answer.status_code == 422
    assert sign_in(app.test_client(), "chloe@example.com", PASSWORD).status_code == 429
