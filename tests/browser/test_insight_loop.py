"""The insight loop in a browser, the way a team goes round it once: a complaint logged with "i" joins a
pattern the report flags, the pattern gets its script, the new plan's form looks back on the last
quarter and offers the pattern's word as a keyword, the plan is created with it, its indicator misses
two months running and says so, and a contest over the plan's tweets ranks the people who wrote them."""

from datetime import date, datetime, timezone

from scheduler.services import clock
from tests.browser.conftest import expect
from tests.contests.helpers import library, metrics, published
from tests.factories import make_person
from tests.retrospective.builders import logged, posts_on, spring_plan

JUNE_10 = datetime(2031, 6, 10, 10, tzinfo=timezone.utc)
AUGUST_10 = datetime(2031, 8, 10, 10, tzinfo=timezone.utc)


def last_quarter():
    """Spring 2031: its posts in the library with their figures, and the interactions logged meanwhile."""
    with clock.pinned(JUNE_10):
        plan = spring_plan(commitments=("twitter", "newsletter"))
        posts_on(plan, "twitter", date(2031, 3, 2), on=8, off=6, on_clicks=45, off_clicks=10)
        posts_on(plan, "newsletter", date(2031, 3, 3), on=5, off=5, on_clicks=20, off_clicks=20)
        logged("chat", "refund request", 30, 24, date(2031, 4, 2))
        logged("email_support", "question", 80, 8, date(2031, 4, 3), comment="Where is the export button?")
        logged("in_person", "complaint", 2, 2, date(2031, 5, 3), comment="Rude at the counter")


def tweets_of_august(plan_id):
    """Two creators' tweets of the new plan, out in August with their likes, and the channel's usual ones."""
    from scheduler.services import plans

    with clock.pinned(AUGUST_10):
        plan = plans.get_plan(plan_id)
        chloe = make_person("chloe@example.com", "creator", "Chloé Martin")
        wang = make_person("wang@example.com", "creator", "Wang Wei")
        library("twitter", "2031-07-20T10:00:00+00:00", [{"impressions": 1000, "likes": 10 + n} for n in range(8)])
        for author, day, likes in ((chloe, 3, 90), (chloe, 5, 60), (wang, 4, 30)):
            post = published(plan, author, f"2031-08-0{day}T09:00:00+00:00", body=f"Remboursement en 24 h, jour {day}")
            metrics(post, "2031-08-09", impressions=1000, likes=likes)


def test_from_a_logged_complaint_to_the_next_plan_its_indicators_and_a_contest(page, seed, pinned_clock):
    pinned_clock(JUNE_10)
    seed(last_quarter)

    # 1. a refund complaint on chat, logged from any page with "i"
    page.goto("/")
    page.keyboard.press("i")
    dialog = page.locator("#log-interaction")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=channel]").select_option("chat")
    dialog.locator("select[name=kind]").select_option("refund request")
    dialog.locator("textarea[name=comment]").fill("Mon remboursement n'est jamais arrivé, le chat a coupé")
    dialog.get_by_role("button", name="Log it").click()
    expect(page.locator("#log-interaction-done")).to_have_text("Logged: refund request on Chat (negative).")

    # 2. the patterns: refund requests on chat are flagged, the two angry customers at the counter are not
    page.goto("/interactions/patterns")
    flagged = page.locator("table.patterns-table tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged.locator("td").nth(0)).to_have_text("Chat")
    expect(flagged.locator("td").nth(2)).to_have_text("31")
    expect(flagged.locator("td").nth(3)).to_have_text("25")
    expect(page.locator("tr.too-few", has_text="In person")).to_contain_text("too few to say")
    guidance = page.locator("tr.guidance")
    expect(guidance).to_contain_text("no script yet")

    # 3. ... and get their script
    guidance.get_by_role("link", name="Write the script").click()
    expect(page.get_by_label("Title")).to_have_value("Refund requests on chat")
    expect(page.get_by_label("Answers interactions on")).to_have_value("chat")
    page.locator("textarea[name=body]").fill(
        "« Je suis désolé : votre remboursement part aujourd'hui, voici le numéro de suivi. »"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.flash")).to_have_text("Entry added to the guide.")
    page.goto("/interactions/patterns")
    expect(page.locator("tr.guidance").get_by_role("link", name="Open the script")).to_be_visible()

    # 4. the new plan's form looks back on spring: on-theme tweets did better, and the pattern's word is offered
    page.goto("/plans/new")
    retro = page.locator("#retrospective")
    expect(retro.locator("h2")).to_have_text("Looking back: Printemps 2031")
    expect(retro.locator('tr[data-channel="twitter"] td.verdict')).to_have_text("on theme did better")
    expect(retro.locator('tr[data-channel="newsletter"] td.verdict')).to_have_text("no clear difference")
    expect(retro.locator("svg.retro-chart g.difference.better")).to_have_count(1)
    chat = retro.locator("ul.suggestions.patterns li", has_text="refund request, Chat")
    expect(chat).to_contain_text("24 of 30 negative")
    word = chat.locator('a.suggest[data-keyword="remboursement"]')
    expect(word.locator("xpath=following-sibling::small[1]")).to_have_text("in 24 of its comments, 0 of the others")
    word.click()
    expect(page.get_by_label("Theme keywords")).to_have_value("remboursement")
    expect(page.locator("#suggest-status")).to_have_text("Added “remboursement” to the theme keywords.")
    page.get_by_label("Name").fill("Été 2031 : remboursé en 24 h")
    page.get_by_label("Theme or offer").fill("Remboursé en 24 h")
    page.get_by_label("Starts on").fill("2031-06-01")
    page.get_by_label("Ends on").fill("2031-08-31")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator("p.flash")).to_contain_text("Plan “Été 2031 : remboursé en 24 h” created")
    expect(page.locator(".chip")).to_have_text(["remboursement"])
    plan_url = page.url
    plan_id = int(plan_url.rsplit("/", 1)[1])

    # 5. two months on: sales has a target, June and July miss it by more than 10 %, and the plan says so
    pinned_clock(AUGUST_10)
    page.goto(f"/plans/{plan_id}/kpis")
    page.get_by_label("Indicator").fill("sales")
    page.get_by_label("Unit").fill("€")
    for month, target in (("2031-06", "1000"), ("2031-07", "1100"), ("2031-08", "1200")):
        page.locator(f'input[name="target-{month}"]').fill(target)
    page.get_by_role("button", name="Add indicator").click()
    page.locator("#kpi-sales summary", has_text="Enter actuals").click()
    page.locator('#kpi-sales input[name="actual-2031-06"]').fill("850")
    page.locator('#kpi-sales input[name="actual-2031-07"]').fill("900")
    page.locator("#kpi-sales").get_by_role("button", name="Save actuals").click()
    expect(page.locator(".kpi-alert")).to_contain_text("Sales missed its target by more than 10 % two months running")
    page.goto(plan_url)
    expect(page.locator(".kpi-alert")).to_contain_text("missed its target")

    # 6. a contest over August's tweets: the leaderboard ranks the people who wrote them
    seed(tweets_of_august, plan_id)
    page.goto("/contests/new")
    contest = page.locator("form.form")
    contest.locator("input[name=name]").fill("Best tweet of August")
    contest.locator("select[name=metric]").select_option("likes")
    contest.locator("select[name=channels]").select_option(["twitter"])
    contest.locator("input[name=starts_on]").fill("2031-08-01")
    contest.locator("input[name=ends_on]").fill("2031-08-31")
    contest.locator("input[name=timezone]").fill("Europe/Paris")
    page.get_by_role("button", name="Open the contest").click()
    expect(page.locator("p.flash")).to_have_text("Contest “Best tweet of August” opened.")
    rows = page.locator("table.leaderboard tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("Chloé Martin")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("2")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Wang Wei")
    rows.nth(0).get_by_role("link", name="Chloé Martin").click()
    expect(page.locator("h2#entries")).to_have_text("Entries of Chloé Martin")
    expect(page.locator("table.entries tbody tr")).to_have_count(2)
