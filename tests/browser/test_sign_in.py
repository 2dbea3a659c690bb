"""Signing in in a real browser, under the Content-Security-Policy (any violation fails the test): a
wrong password is said, the right one lands on the page that sent you to sign in; the forgotten-password
page; two-step sign-in from turning it on (its QR code is a data: image the CSP allows) to the code step."""

import re
import time
from urllib.parse import urlsplit

import pyotp

from scheduler.services import people, two_step
from tests.browser.conftest import expect
from tests.factories import PASSWORD, make_person


def test_a_wrong_password_is_said_and_the_right_one_lands_where_you_were_going(anonymous_page, seed, csp_violations):
    seed(make_person, "chloe@example.com", "creator", "Chloé")
    page = anonymous_page
    page.goto("/style?kind=script")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill("chloe@example.com")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash.error")).to_contain_text("You are not signed in")
    expect(page.locator("form")).to_contain_text("not right")
    expect(page.get_by_label("Email")).to_have_value("chloe@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/style\?kind=script$"))
    assert urlsplit(page.url).path == "/style"
    assert csp_violations == []


def test_the_forgotten_password_page_without_mail_says_to_ask_an_owner(anonymous_page, seed):
    seed(make_person, "chloe@example.com", "creator", "Chloé")
    page = anonymous_page
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("main")).to_contain_text("Ask an owner of your team")


def _on_for(email: str) -> str:
    """Two-step sign-in on for ``email`` (a manager), confirmed with the previous step's code so that the
    current one is still unused when the test types it; returns the secret."""
    user = make_person(email, "manager", "Mina")
    setup = two_step.begin(user)
    two_step.confirm(people.get(user.id), pyotp.TOTP(setup.secret).at(time.time() - 30))
    return setup.secret


def test_two_step_sign_in_asks_for_the_code_after_the_password(anonymous_page, seed):
    secret = seed(_on_for, "mina@example.com")
    page = anonymous_page
    page.goto("/plans/new")
    page.get_by_label("Email").fill("mina@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login/code"))
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/plans/new$"))


def test_the_owner_turns_two_step_on_from_their_page(page):
    page.goto("/me")
    page.get_by_role("link", name="Turn it on").click()
    expect(page.locator("img.qr")).to_be_visible()
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0, "the QR code is drawn"
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn two-step sign-in on").click()
    expect(page.locator("#two-step")).to_contain_text("On: signing in asks for a code")
