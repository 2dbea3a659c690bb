"""The three languages in a real browser: a French browser reads the calendar, its menu and the
lookup's own script in French, and a person who then chooses Chinese on their profile reads Chinese
whatever their browser asks for."""

from datetime import datetime, timezone

import pytest

from tests.browser.conftest import _page, expect
from tests.factories import commit, make_plan


@pytest.fixture
def french_browser(browser, live_server, csp_violations):
    """The owner signed in on a browser set to French (it asks for fr-FR in every request)."""
    yield from _page(browser, live_server, csp_violations, signed_in_as="owner@example.com", locale="fr-FR")


def test_a_french_browser_reads_french_until_its_person_chooses_chinese(french_browser, seed, pinned_clock):
    page = french_browser
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))

    def plan_with_x():
        plan = make_plan(name="Plan trilingue")
        commit(plan, "twitter")
        return plan.id

    plan_id = seed(plan_with_x)
    page.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-05-20")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("header nav")).to_contain_text("Guide de style")
    expect(page.locator("main")).to_contain_text("mai")  # the month, as Babel writes it in French
    expect(page.locator("main")).to_contain_text("mar.")  # Tuesday 20 May

    page.keyboard.press("/")
    page.keyboard.type("zzqxw")
    expect(page.locator("#lookup-results")).to_contain_text("Rien dans le guide ne correspond.")

    page.goto("/me")
    page.locator("select[name=language]").select_option("zh")
    page.locator("form:has(select[name=language]) [type=submit]").click()
    page.goto(f"/plans/{plan_id}/calendar?view=week&date=2031-05-20")
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator("header nav")).to_contain_text("风格指南")
    expect(page.locator("main")).to_contain_text("周二")
