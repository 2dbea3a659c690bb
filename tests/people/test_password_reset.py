""" "Forgot your password?" mails a short-lived link that works once, through a real SMTP server (aiosmtpd
on 127.0.0.1, the newsletter's account pointing at it), and answers the same whatever address is typed."""

import re
import time

import pytest

from scheduler.services import people
from tests.factories import make_person
from tests.newsletter.conftest import live, smtp  # noqa: F401  (fixtures: the SMTP server, the app in live mode)


def ask(client, email, client_address="192.0.2.1"):
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": client_address})


def link_in(message) -> str:
    return re.search(r"https://refrain\.test(/password/\S+)", message.get_content()).group(1)


@pytest.fixture
def chloe(app):
    return make_person("chloe@example.com", "creator", "Chloé")


def test_the_mailed_link_sets_a_new_password_once(live, smtp, chloe, anonymous):  # noqa: F811
    answer = ask(anonymous, "Chloe@Example.com")
    assert answer.status_code == 200 and "a link to set a new password is on its way" in answer.get_data(as_text=True)
    [mail] = smtp.to("chloe@example.com")
    assert mail["Subject"] == "Your link to set a new Refrain password" and "news@refrain.test" in mail["From"]
    link = link_in(mail)
    assert "within 2 hours" in mail.get_content()
    assert anonymous.post(link, data={"password": "a brand new passphrase"}).status_code == 302
    assert anonymous.get("/").status_code == 200, "signed in by setting it"
    again = live.test_client().get(link)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    fresh = live.test_client()
    signed = fresh.post("/login", data={"email": "chloe@example.com", "password": "a brand new passphrase"})
    assert signed.status_code == 302


def test_an_unknown_or_disabled_address_gets_the_same_page_and_no_mail(live, smtp, chloe, anonymous):  # noqa: F811
    people.update(make_person("gone@example.com", "viewer"), active=False)
    pages = [ask(anonymous, email).get_data(as_text=True) for email in ("nobody@example.com", "gone@example.com")]
    known = ask(anonymous, "chloe@example.com").get_data(as_text=True)
    assert {re.sub(r"<strong>.*?</strong>", "", page) for page in [*pages, known]} == {
        re.sub(r"<strong>.*?</strong>", "", known)
    }
    assert smtp.to("nobody@example.com") == smtp.to("gone@example.com") == []
    assert len(smtp.to("chloe@example.com")) == 1


def test_a_mailed_link_expires_after_two_hours(live, smtp, chloe, anonymous, monkeypatch):  # noqa: F811
    three_hours_ago = time.time() - 3 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: three_hours_ago)
    ask(anonymous, "chloe@example.com")
    monkeypatch.undo()
    answer = anonymous.get(link_in(smtp.to("chloe@example.com")[0]))
    assert answer.status_code == 410 and "expired" in answer.get_data(as_text=True)


def test_asking_is_limited_to_three_mails_an_hour_per_address(live, smtp, chloe):  # noqa: F811
    for n in range(3):
        assert ask(live.test_client(), "chloe@example.com", client_address=f"203.0.113.{n}").status_code == 200
    refused = ask(live.test_client(), "chloe@example.com", client_address="203.0.113.9")
    assert refused.status_code == 429 and "try again in" in refused.get_data(as_text=True)
    assert len(smtp.to("chloe@example.com")) == 3


def test_without_mail_the_page_says_to_ask_an_owner(chloe, anonymous):
    page = anonymous.get("/password/forgot").get_data(as_text=True)
    assert "Ask an owner of your team" in page and "<form" not in page
    assert "Ask an owner of your team" in ask(anonymous, "chloe@example.com").get_data(as_text=True)


def test_an_smtp_server_that_is_down_changes_nothing_the_page_says(live, smtp, chloe, anonymous):  # noqa: F811
    smtp.fail_after = 0
    answer = ask(anonymous, "chloe@example.com")
    assert answer.status_code == 200 and "on its way" in answer.get_data(as_text=True)


def test_the_sign_in_page_leads_to_it(chloe, anonymous):
    assert 'href="/password/forgot"' in anonymous.get("/login").get_data(as_text=True)
