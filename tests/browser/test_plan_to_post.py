"""From an empty app to a scheduled post, the way a manager and a creator click through it."""

import re
from datetime import datetime, timezone

from tests.browser.conftest import expect


def test_plan_commitment_calendar_editor_schedule(page, live_server, pinned_clock):
    pinned_clock(datetime(2031, 5, 20, 9, 0, tzinfo=timezone.utc))  # before the plan: the calendar opens on its start
    # the manager creates the plan through the form (CSRF token and all)
    page.goto("/plans/new")
    page.get_by_label("Name").fill("Offre d'été 2031 (navigateur)")
    page.get_by_label("Theme or offer").fill("Offre d'été")
    page.get_by_label("Key message").fill("L'été, simplifié")
    page.get_by_label("Theme keywords").fill("offre été\nsummer offer, 夏季优惠")
    page.get_by_label("Starts on").fill("2031-06-01")
    page.get_by_label("Ends on").fill("2031-08-31")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Create plan").click()

    expect(page.locator("p.flash")).to_contain_text("Plan “Offre d'été 2031 (navigateur)” created")
    expect(page.locator("h1")).to_have_text("Offre d'été 2031 (navigateur)")
    expect(page.locator(".chip")).to_have_text(["offre été", "summer offer", "夏季优惠"])
    plan_url = page.url
    plan_id = int(re.search(r"/plans/(\d+)$", plan_url).group(1))

    # the forms really are CSRF-protected: the same post without the token is refused
    refused = page.request.post(f"/plans/{plan_id}/commitments/twitter", form={"posts": "1", "per": "day"})
    assert refused.status == 400, refused.status

    # a Twitter commitment: 2 a day, at least 1 on theme, ceiling 50%
    page.locator('input[form="commit-twitter"][name="posts"]').fill("2")
    page.locator('select[form="commit-twitter"][name="per"]').select_option("day")
    page.locator('input[form="commit-twitter"][name="on_theme_min"]').fill("1")
    page.locator('input[form="commit-twitter"][name="one_note_max_share"]').fill("50%")
    page.locator('button[form="commit-twitter"]').click()
    expect(page.locator("p.flash")).to_have_text("X / Twitter: commitment saved.")
    expect(page.locator('button[form="commit-twitter"]')).to_have_text("Save")
    expect(page.locator('input[form="commit-twitter"][name="one_note_max_share"]')).to_have_value("50%")

    # the calendar: the plan's first week, then the next one, where Wednesday 4 June owes 0/2
    page.locator("p.links").get_by_role("link", name="Calendar", exact=True).click()
    expect(page.locator("h1")).to_have_text("Calendar")
    page.get_by_role("link", name="Next →").click()
    expect(page.locator("p.muted").first).to_contain_text("02 Jun – 08 Jun 2031")
    twitter_row = page.locator("table.calendar tbody tr", has_text="X / Twitter")
    expect(twitter_row.locator("small").first).to_have_text("2 per day, ≥ 1 on theme")
    wednesday = twitter_row.locator("td.cell").nth(2)
    expect(wednesday.locator(".count")).to_have_text("0/2")
    wednesday.locator("a.add").click()

    # the editor, opened on that day at 10:00, checks as one types
    expect(page.locator("h1")).to_contain_text("X / Twitter post")
    expect(page.get_by_label("When (Europe/Paris)")).to_have_value("2031-06-04T10:00")
    body = page.locator("textarea[name=body]")
    counter, theme_line = page.locator("#counter"), page.locator("#theme-line")
    preview = page.locator("#preview .pv-text")  # the text of the post as X shows it
    body.fill("Profitez de")
    expect(counter).to_have_text("11 / 280 weighted characters")
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))
    expect(preview).to_have_text("Profitez de")
    expect(theme_line).to_have_text("Off theme (keywords): no keyword matched")
    expect(theme_line).to_have_class(re.compile(r"\boff\b"))
    body.press_sequentially(" l'Offre d'ÉTÉ !")  # accents, case and the elision all differ from "offre été"
    expect(preview).to_have_text("Profitez de l'Offre d'ÉTÉ !")
    expect(counter).to_have_text("27 / 280 weighted characters")
    expect(theme_line).to_have_text("On theme (keywords): matched offre été")
    expect(theme_line).to_have_class(re.compile(r"\bon\b"))
    expect(page.locator("#problems li")).to_have_text(["none"])

    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("p.flash")).to_have_text("Scheduled: it will be delivered at its time.")
    expect(page.locator("h1 .status")).to_have_text("queued")
    expect(page.locator("#theme-line")).to_have_text("On theme (keywords): matched offre été")
    expect(page.locator("ol.history")).to_contain_text("scheduled → queued")

    # the posts list shows it with its time, theme and status
    page.locator("header nav").get_by_role("link", name="Posts").click()
    row = page.locator("table.posts tbody tr", has_text="Profitez de l'Offre d'ÉTÉ !")
    expect(row).to_have_count(1)
    expect(row.locator("td.when")).to_have_text("Wed 04 Jun 2031, 10:00")
    expect(row.locator(".badge.on")).to_have_text("on theme")
    expect(row.locator(".status")).to_have_text("queued")

    # and the calendar counts it on its day, on theme
    page.locator("header nav").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Next →").click()
    wednesday = page.locator("table.calendar tbody tr", has_text="X / Twitter").locator("td.cell").nth(2)
    expect(wednesday.locator(".count")).to_have_text("1/2")
    expect(wednesday.locator(".star")).to_have_text("★1")
    chip = wednesday.locator("a.post-chip")
    expect(chip).to_have_text("10:00 Profitez de l'Offre d'ÉTÉ !")
    expect(chip).to_have_class(re.compile(r"\bstatus-queued\b.*\bon\b"))
