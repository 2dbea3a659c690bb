"""Accounts in a browser: connect with a password field, see a refused account named on every page,
reconnect it, and the warning goes."""

from scheduler.services import accounts
from tests.browser.conftest import expect


def test_connect_see_the_refusal_everywhere_and_reconnect(page, seed):
    page.goto("/accounts")
    page.get_by_text("Connect a Webhook account").click()
    form = page.locator("form[action$='/accounts/webhook']")
    form.locator("input[name=name]").fill("Our CMS")
    form.locator("input[name=url]").fill("https://cms.example/hooks/refrain")
    secret = form.locator("input[name=signing_secret]")
    expect(secret).to_have_attribute("type", "password")
    secret.fill("whsec-very-secret")
    form.get_by_role("button", name="Connect").click()
    expect(page.locator(".account")).to_contain_text("Our CMS")
    assert "whsec-very-secret" not in page.content()

    def refuse():
        [connected] = accounts.list_accounts()
        accounts.mark_unauthorized(connected.id, "401: signature rejected")

    seed(refuse)
    page.goto("/library")
    banner = page.locator(".flash.reconnect")
    expect(banner).to_contain_text("Our CMS")
    expect(banner).to_contain_text("signature rejected")
    banner.get_by_role("link", name="Reconnect it").click()
    reconnect = page.locator("form[action$='/reconnect']")
    expect(reconnect).to_be_visible()
    reconnect.get_by_role("button", name="Reconnect").click()  # the stored secret is kept
    expect(page.locator(".flash.reconnect")).to_have_count(0)
    expect(page.locator(".account")).to_contain_text("connected")
