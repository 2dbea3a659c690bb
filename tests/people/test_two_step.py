"""Two-step sign-in for owners and managers: turned on from their own page with a current code, then
asked after the password (the password alone signs nobody in), each code accepted once, guesses
limited. Codes come from pyotp, as a phone's authenticator app would make them, on a pinned clock."""

import re
from datetime import datetime, timedelta

import pyotp
import pytest

from scheduler.infra import secrets
from scheduler.services import people
from tests.factories import PASSWORD, make_person, signed_in

NOON = "2031-05-10T12:00:05+00:00"  # 5 s into a 30 s step: the codes of this test cannot straddle two


@pytest.fixture
def manager(app, clock_at):
    clock_at(NOON)
    return make_person("mina@example.com", "manager", "Mina")


def code(secret, seconds_later=0):
    return pyotp.TOTP(secret).at(datetime.fromisoformat(NOON) + timedelta(seconds=seconds_later))


def turn_on(app, person) -> str:
    """Turns two-step sign-in on for ``person`` through their page; returns the secret their app holds."""
    client = signed_in(app, person)
    page = client.get("/me/two-step").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/me/two-step", data={"code": code(secret)}).status_code == 302
    return secret


def password_step(client, email="mina@example.com", next_page=None):
    url = "/login" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": email, "password": PASSWORD})


def test_a_manager_turns_it_on_with_the_secret_a_qr_code_and_a_current_code(app, manager):
    client = signed_in(app, manager)
    assert "Turn it on" in client.get("/me").get_data(as_text=True)
    page = client.get("/me/two-step").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "otpauth://totp/Refrain:mina%40example.com?secret=" + secret in page
    assert 'src="data:image/svg+xml' in page, "the QR code is drawn on the server"
    wrong = client.post("/me/two-step", data={"code": "000000" if code(secret) != "000000" else "111111"})
    assert wrong.status_code == 422 and "not the current code" in wrong.get_data(as_text=True)
    assert client.get("/me/two-step").get_data(as_text=True).count(secret) >= 1, "the same secret until confirmed"
    assert client.post("/me/two-step", data={"code": code(secret)}).status_code == 302
    assert "On: signing in asks for a code" in client.get("/me").get_data(as_text=True)


def test_the_secret_is_stored_sealed(app, manager):
    secret = turn_on(app, manager)
    stored = people.get(manager.id).totp_secret
    assert secret not in stored
    assert secrets.unseal(stored, app.config["SECRET_KEY"])["secret"] == secret


def test_the_password_alone_no_longer_signs_in_the_code_does(app, manager):
    secret = turn_on(app, manager)
    browser = app.test_client()
    first = password_step(browser, next_page="/style")
    assert first.status_code == 302 and first.headers["Location"].startswith("/login/code")
    assert browser.get("/").status_code == 302, "not signed in by the password alone"
    second = browser.post(first.headers["Location"], data={"code": code(secret, 30)})
    assert second.status_code == 302 and second.headers["Location"] == "/style"
    assert browser.get("/").status_code == 200


def test_the_code_page_without_the_password_step_sends_back_to_sign_in(app, manager):
    turn_on(app, manager)
    answer = app.test_client().post("/login/code", data={"code": "123456"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_a_code_is_not_accepted_twice(app, manager):
    secret = turn_on(app, manager)  # used the code of this step
    browser = app.test_client()
    password_step(browser)
    again = browser.post("/login/code", data={"code": code(secret)})
    assert again.status_code == 422 and "used already" in again.get_data(as_text=True)
    assert browser.post("/login/code", data={"code": code(secret, 30)}).status_code == 302, "the next one works"


def test_a_code_from_a_phone_a_little_behind_is_accepted_one_from_long_ago_is_not(app, manager, clock_at):
    secret = turn_on(app, manager)
    clock_at("2031-05-10T12:10:05+00:00")
    browser = app.test_client()
    password_step(browser)
    assert browser.post("/login/code", data={"code": code(secret, 300)}).status_code == 422, "five minutes old"
    assert browser.post("/login/code", data={"code": code(secret, 570)}).status_code == 302, "30 seconds behind"


def test_five_wrong_codes_stop_the_account_for_a_while(app, manager):
    secret = turn_on(app, manager)
    browser = app.test_client()
    password_step(browser)
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != code(secret, 30)]
    for guess in wrong[:5]:
        assert browser.post("/login/code", data={"code": guess}).status_code == 422
    refused = browser.post("/login/code", data={"code": code(secret, 30)})
    assert refused.status_code == 429 and "try again in" in refused.get_data(as_text=True)


def test_turning_it_off_takes_a_code(app, manager):
    secret = turn_on(app, manager)
    client = signed_in(app, people.get(manager.id))
    refused = client.post("/me/two-step/off", data={"code": "not a code"})
    assert refused.status_code == 422 and "still on" in refused.get_data(as_text=True)
    assert client.post("/me/two-step/off", data={"code": code(secret, 30)}).status_code == 302
    assert password_step(app.test_client()).headers["Location"] == "/"


def test_a_password_link_does_not_skip_the_code(app, manager):
    secret = turn_on(app, manager)
    browser = app.test_client()
    link = people.password_link(people.get(manager.id)).removeprefix("http://localhost")
    answer = browser.post(link, data={"password": "another long passphrase"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/code")
    assert browser.get("/").status_code == 302
    assert browser.post("/login/code", data={"code": code(secret, 30)}).status_code == 302


def test_an_owner_turns_it_off_for_someone_who_lost_their_phone(app, client, manager):
    turn_on(app, manager)
    assert "Turn two-step sign-in off" in client.get("/people").get_data(as_text=True)
    assert client.post(f"/people/{manager.id}/two-step-off").status_code == 302
    assert password_step(app.test_client()).headers["Location"] == "/"
    trail = client.get("/audit").get_data(as_text=True)
    assert "two-step sign-in off" in trail and "two-step sign-in on" in trail


def test_creators_and_viewers_are_not_offered_it(app, clock_at):
    creator = signed_in(app, make_person("chloe@example.com", "creator"))
    assert "Two-step sign-in" not in creator.get("/me").get_data(as_text=True)
    assert creator.get("/me/two-step").status_code == 403
