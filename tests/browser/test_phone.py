"""Refrain on a phone (390 × 844 px): no main page of the demo scrolls sideways, no element is wider than
the screen (except inside a box made to scroll, like the week's grid), the menu folds behind a button and
opens, and the month is a list of days."""

import re

import pytest

from tests.browser.conftest import expect
from tests.browser.demo_site import PUBLIC_PAGES, SIGNED_IN_PAGES, address, compose_a_set, load_demo

PHONE = {"width": 390, "height": 844}

# every element whose box leaves the screen and that no box scrolling (or clipping) sideways holds
TOO_WIDE = """() => {
  const screen = document.documentElement.clientWidth;
  const held = (element) => {
    for (let box = element.parentElement; box && box !== document.documentElement; box = box.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  const name = (element) => {
    const classes = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
    const id = element.id ? "#" + element.id : "";
    return element.tagName.toLowerCase() + id + classes.map((c) => c && "." + c).join("");
  };
  let widest = 0;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || held(element)) continue;
    widest = Math.max(widest, box.right);
    if (box.right > screen + 0.5 || box.left < -0.5) {
      wide.push(`${name(element)} (${Math.round(box.left)}..${Math.round(box.right)})`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, widest: Math.round(widest), wide: wide.slice(0, 8)};
}"""


@pytest.fixture(scope="module")
def demo_ids(live_server):
    ids = load_demo(live_server)
    yield ids
    live_server.now = None


def measured(page, path, name):
    page.set_viewport_size(PHONE)
    answer = page.goto(path)
    assert answer.status == 200, f"{path} answered {answer.status}"
    found = page.evaluate(TOO_WIDE)
    print(f"390 px, {name}: scrollWidth {found['scrollWidth']}, widest right edge {found['widest']}")
    return found


def assert_fits(found, name):
    assert found["scrollWidth"] <= PHONE["width"], f"{name} scrolls sideways: {found}"
    assert not found["wide"], f"{name}: wider than the screen: {found['wide']}"


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_no_signed_in_page_scrolls_sideways_on_a_phone(page, demo_ids, name):
    assert_fits(measured(page, address(SIGNED_IN_PAGES[name], demo_ids), name), name)


def test_a_post_set_page_fits_a_phone(page, demo_ids):
    page.set_viewport_size(PHONE)
    path = compose_a_set(page, demo_ids)
    assert_fits(measured(page, path, "post set"), "post set")


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_no_public_page_scrolls_sideways_on_a_phone(anonymous_page, demo_ids, name):
    assert_fits(measured(anonymous_page, PUBLIC_PAGES[name], name), name)


def test_the_menu_folds_behind_a_button_and_opens(page, demo_ids):
    measured(page, address(SIGNED_IN_PAGES["plan page"], demo_ids), "plan page")
    menu = page.get_by_role("button", name="Menu")
    calendar = page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Calendar")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(calendar).to_be_hidden()
    assert page.locator("header.top").bounding_box()["height"] < 120, "the folded header is a line or two"
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(calendar).to_be_visible()
    calendar.click()
    expect(page).to_have_url(f"{page.url.split('/plans/')[0]}/plans/{demo_ids['plan']}/calendar")


def test_the_menu_is_open_on_a_wide_screen(page, demo_ids):
    page.goto(address(SIGNED_IN_PAGES["plan page"], demo_ids))
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Calendar")).to_be_visible()


def test_the_month_is_a_list_of_days_on_a_phone(page, demo_ids):
    measured(page, address(SIGNED_IN_PAGES["calendar (month)"], demo_ids), "calendar (month)")
    days = page.locator("td.day:not(.other-month)")
    first, second = days.nth(0).bounding_box(), days.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1, "the second day is under the first"
    assert abs(second["x"] - first["x"]) < 1 and first["width"] > 300, "each day takes the screen's width"
    expect(page.locator("td.day[data-day='2031-11-03'] .weekday")).to_be_visible()
    expect(page.locator("td.day.other-month").first).to_be_hidden()  # October's and December's days


@pytest.mark.parametrize("name", list(SIGNED_IN_PAGES))
def test_the_phone_layout_keeps_axe_cores_word(page, demo_ids, name):
    from tests.browser.test_accessibility import blocking_findings

    measured(page, address(SIGNED_IN_PAGES[name], demo_ids), name)
    findings = blocking_findings(page)
    assert not findings, f"{name} at 390 px: " + "\n".join(findings)


def test_the_week_is_a_list_of_days_on_a_phone_and_a_grid_on_a_wide_screen(page, demo_ids):
    measured(page, address(SIGNED_IN_PAGES["calendar (week)"], demo_ids), "calendar (week)")
    days = page.locator("ol.day-list > li")
    expect(days).to_have_count(7)
    expect(page.locator("table.calendar.week")).to_be_hidden()
    wednesday = days.nth(2)
    expect(wednesday.locator(".list-date")).to_have_text("Wed 12 Nov")
    expect(wednesday.locator(".line").first.locator(".channel")).to_have_text("X / Twitter")
    chip = wednesday.locator("a.post-chip").first
    expect(chip).to_have_attribute("href", re.compile(r"/posts/\d+$"))
    assert chip.get_attribute("data-post") is None, "the grid's chips are the ones that move"
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("table.calendar.week")).to_be_visible()
    expect(page.locator("ol.day-list")).to_have_count(0)
