"""The demo quarter loaded on a live server, and every main page of it by name, for the tests that walk
them all (tests/browser/test_accessibility.py, tests/browser/test_phone.py)."""

from datetime import date, datetime

from sqlalchemy import select

from scheduler.models import Plan, Post
from scheduler.models.contests import Contest
from scheduler.models.database import db
from scheduler.models.library import ContentItem
from scheduler.services import clock, demo

DEMO_DAY = date(2031, 11, 12)
DEMO_NOON = datetime.fromisoformat("2031-11-12T12:00:00+01:00")

# the pages a person signed in reaches from the menu and the plan's pages; {plan}, {post}, {item} and
# {contest} are the demo's own
SIGNED_IN_PAGES = {
    "plans": "/",
    "plan page": "/plans/{plan}",
    "calendar (week)": "/plans/{plan}/calendar?view=week&date=2031-11-12",
    "calendar (month)": "/plans/{plan}/calendar?view=month&date=2031-11-01",
    "posts list": "/plans/{plan}/posts",
    "editor": "/posts/{post}",
    "new post": "/posts/new?plan_id={plan}",
    "composer": "/plans/{plan}/compose",
    "report": "/plans/{plan}/report",
    "re-runs": "/plans/{plan}/evergreen",
    "indicators": "/plans/{plan}/kpis",
    "plan form": "/plans/{plan}/edit",
    "library": "/library",
    "library item": "/library/items/{item}",
    "library visuals": "/library/media",
    "media": "/media",
    "style guide": "/style",
    "interactions": "/interactions",
    "patterns": "/interactions/patterns",
    "accounts": "/accounts",
    "subscribers": "/newsletter",
    "UTM links": "/tools/utm",
    "contests": "/contests",
    "contest page": "/contests/{contest}",
    "profile": "/me",
    "team": "/people",
    "audit": "/audit",
    "webhooks": "/webhooks",
    "webhook form": "/webhooks/new",
}
PUBLIC_PAGES = {"sign-in page": "/login", "newsletter signup": "/newsletter/signup"}


def load_demo(live_server) -> dict:
    """Loads the demo quarter around DEMO_DAY, pins the live server's clock on its noon (the caller
    unpins it: ``live_server.now = None``) and returns the ids the page addresses need."""
    live_server.now = DEMO_NOON
    with live_server.app.app_context(), clock.pinned(DEMO_NOON):
        plan = demo.load(today=DEMO_DAY)
        ids = {"plan": plan.id}
        ids["post"] = db.session.scalar(
            select(Post.id).where(Post.plan_id == plan.id, Post.status == "scheduled").order_by(Post.id).limit(1)
        )
        ids["item"] = db.session.scalar(select(ContentItem.id).order_by(ContentItem.id).limit(1))
        ids["contest"] = db.session.scalar(select(Contest.id).order_by(Contest.id).limit(1))
        assert db.session.get(Plan, plan.id) and all(ids.values()), ids
    return ids


def address(path: str, ids: dict) -> str:
    return path.format(**ids)


def compose_a_set(page, ids) -> str:
    """A post set made through the composer (as a person makes one); returns its page's address."""
    page.goto(f"/plans/{ids['plan']}/compose")
    page.get_by_label("Title").fill("Atlas 2.0 on every channel")
    page.get_by_label("The idea").fill(
        "Atlas 2.0 plans a whole quarter in one calendar. See how the winter launch went."
    )
    page.get_by_label("Link").fill("https://example.com/atlas")
    page.get_by_role("button", name="Make the drafts").click()
    page.wait_for_url("**/post-sets/*")
    return page.url
