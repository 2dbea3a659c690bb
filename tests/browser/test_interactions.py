"""Logging an interaction from any page in a browser: "i" opens the form, the team's kinds arrive, the form
goes to the API and closes, and the interaction is the signed-in person's."""

from scheduler.services import interactions
from tests.browser.conftest import expect


def test_i_opens_the_log_form_on_any_page_and_logs_in_seconds(page, seed):
    page.goto("/library")
    page.locator("#lookup").focus()
    page.keyboard.type("i")
    expect(page.locator("#log-interaction")).to_be_hidden()  # typing in a box is typing, not a shortcut
    page.keyboard.press("Escape")  # the lookup closes and lets go of the keyboard
    page.keyboard.press("i")
    dialog = page.locator("#log-interaction")
    expect(dialog).to_be_visible()
    expect(dialog.locator("select[name=kind] option")).to_have_count(4)
    dialog.locator("select[name=channel]").select_option("email_support")
    dialog.locator("select[name=kind]").select_option("refund request")
    dialog.locator("textarea[name=comment]").fill("Toujours pas de remboursement")
    dialog.get_by_role("button", name="Log it").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#log-interaction-done")).to_have_text("Logged: refund request on Email support (negative).")
    (logged,) = seed(interactions.list_interactions)
    assert (logged.channel, logged.negative, logged.comment, logged.author_name) == (
        "email_support",
        True,
        "Toujours pas de remboursement",
        "Olive Owner",
    )
    page.keyboard.press("i")  # the next one starts where the last one was
    expect(dialog.locator("select[name=kind]")).to_have_value("refund request")
    dialog.get_by_role("button", name="Log it").click()
    expect(dialog).to_be_hidden()
    assert len(seed(interactions.list_interactions)) == 2
