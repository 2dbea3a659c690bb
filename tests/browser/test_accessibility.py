"""WCAG 2.1 A and AA, as axe-core checks them, on every main page of the demo quarter: no critical or serious
finding, in the light scheme and (for contrast) in the dark one the system may ask for.

axe-core comes bundled in the axe-playwright-python package (the test extras); it is run in the page
through Playwright, outside the page's Content-Security-Policy."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.demo_site import PUBLIC_PAGES, SIGNED_IN_PAGES, address, compose_a_set, load_demo

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
CONTRAST_ONLY = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
BLOCKING = {"critical", "serious"}
AXE = Axe()


@pytest.fixture(scope="module")
def demo_ids(live_server):
    ids = load_demo(live_server)
    yield ids
    live_server.now = None


def blocking_findings(page, options=WCAG_AA) -> list[str]:
    """Each critical or serious finding as "rule (impact): target, target…" (the first few targets)."""
    results = AXE.run(page, options=options).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            nodes = violation["nodes"]
            targets = [" ".join(map(str, node["target"])) for node in nodes]
            why = next((check["message"] for check in nodes[0]["any"] + nodes[0]["all"]), "")
            found.append(
                f"{violation['id']} ({violation['impact']}, {len(targets)}): {', '.join(targets[:6])}"
                + (" …" if len(targets) > 6 else "")
                + f" [first: {why}]"
            )
    return found


def visited(page, path):
    answer = page.goto(path)
    assert answer.status == 200, f"{path} answered {answer.status}"
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_no_critical_or_serious_finding_on_a_signed_in_page(page, demo_ids, name):
    findings = blocking_findings(visited(page, address(SIGNED_IN_PAGES[name], demo_ids)))
    assert not findings, f"{name}: " + "\n".join(findings)


def test_no_critical_or_serious_finding_on_a_post_set_page(page, demo_ids):
    compose_a_set(page, demo_ids)
    findings = blocking_findings(page)
    assert not findings, "post set: " + "\n".join(findings)


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_no_critical_or_serious_finding_on_a_public_page(anonymous_page, demo_ids, name):
    findings = blocking_findings(visited(anonymous_page, PUBLIC_PAGES[name]))
    assert not findings, f"{name}: " + "\n".join(findings)


def test_the_lookup_and_the_shortcuts_list_open_without_a_finding(page, demo_ids):
    visited(page, "/style")
    page.keyboard.press("/")
    page.keyboard.type("tone")
    page.locator("#lookup-results a").first.wait_for()
    assert not (findings := blocking_findings(page)), "lookup open: " + "\n".join(findings)
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    assert not (findings := blocking_findings(page)), "shortcuts open: " + "\n".join(findings)


@pytest.mark.parametrize(
    "name", ["plans", "calendar (week)", "calendar (month)", "posts list", "editor", "report", "library", "patterns"]
)
def test_text_keeps_its_contrast_in_the_dark_scheme(page, demo_ids, name):
    page.emulate_media(color_scheme="dark")
    visited(page, address(SIGNED_IN_PAGES[name], demo_ids))
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgb(247, 248, 250)", "rgb(255, 255, 255)"), "the page follows the dark scheme"
    findings = blocking_findings(page, CONTRAST_ONLY)
    assert not findings, f"{name} (dark): " + "\n".join(findings)


def test_the_sign_in_page_keeps_its_contrast_in_the_dark_scheme(anonymous_page, demo_ids):
    anonymous_page.emulate_media(color_scheme="dark")
    findings = blocking_findings(visited(anonymous_page, "/login"), CONTRAST_ONLY)
    assert not findings, "sign-in (dark): " + "\n".join(findings)


@pytest.mark.parametrize("name", ["report", "indicators", "library"])
def test_every_chart_has_its_numbers_beside_it(page, demo_ids, name):
    visited(page, address(SIGNED_IN_PAGES[name], demo_ids))
    charts = page.locator("svg.chart[role=img]:not(.share-bar):not(.sparkline)")
    assert charts.count() >= 1, f"{name} draws a chart"
    for index in range(charts.count()):
        numbers = charts.nth(index).locator("xpath=following-sibling::*[1]")
        assert numbers.evaluate("e => e.matches('.chart-numbers')"), f"{name}: chart {index} has no numbers"
        assert numbers.locator("tbody tr").count() >= 1
        assert any(ch.isdigit() for ch in numbers.inner_text() or numbers.text_content())
