"""A person's secret calendar link: made, renewed and revoked on their own page, read by calendar apps
without any session, and dead as soon as it is revoked, renewed or its person may no longer sign in."""

import re

import pytest
from icalendar import Calendar
from sqlalchemy import text

from scheduler.models.database import db
from scheduler.services import audit, calendar_links, people, posts
from tests.factories import BEFORE_THE_PLAN, commit, make_person, make_plan, make_post, signed_in

ADDRESS = re.compile(r'<code class="token">(http://localhost(/calendar/[^<]+))</code>')


@pytest.fixture
def plan(app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter", posts=1, per="week", on_theme_min=1, one_note_max_share=1.0)
    commit(plan, "blog")
    posts.schedule_post(make_post(plan, body="Profitez de l'Offre d'été !", when="2031-06-02T10:00:00+02:00"))
    return plan


@pytest.fixture
def wei(app):
    return make_person("wei@example.com", "viewer", "Wei")


def addresses_on(page) -> list[str]:
    """The plan addresses the person's page shows (each plan's whole feed), from the public URL's root."""
    return [path for _url, path in ADDRESS.findall(page.get("/me").get_data(as_text=True))]


def events_of(answer) -> list:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(answer.data).walk("VEVENT")


def test_a_person_makes_a_link_on_their_page_and_a_calendar_app_reads_it_without_a_session(app, plan, wei):
    page = signed_in(app, wei)
    assert "Make my calendar link" in page.get("/me").get_data(as_text=True)
    made = page.post("/me/calendar-link")
    assert made.status_code == 302 and made.headers["Location"].endswith("/me#calendar")
    (address,) = addresses_on(page)
    assert address == f"/calendar/{address.split('/')[2]}/plans/{plan.id}.ics"
    shown = page.get("/me").get_data(as_text=True)
    assert f"{address}?channel=twitter" in shown and f"{address}?channel=blog" in shown, "each channel's address"
    assert addresses_on(page) == [address], "shown again on every visit: calendar apps need it to stay usable"
    calendar_app = app.test_client()  # no cookie, no token
    events = events_of(calendar_app.get(address))
    assert [str(e["SUMMARY"]) for e in events if "post-" in str(e["UID"])] == [
        "[X / Twitter] Profitez de l'Offre d'été !"
    ]
    only_blog = events_of(calendar_app.get(address, query_string={"channel": "blog"}))
    assert only_blog and all(e["CATEGORIES"].cats == ["Blog"] for e in only_blog)


def test_the_secret_is_kept_only_hashed_and_sealed(app, plan, wei):
    secret = calendar_links.renew(wei)
    dump = "\n".join(str(row) for row in db.session.execute(text("SELECT * FROM calendar_links")))
    assert secret not in dump and secret[4:] not in dump
    assert calendar_links.shown(wei).secret == secret


def test_a_revoked_link_is_a_404_like_a_link_that_never_was(app, plan, wei):
    page = signed_in(app, wei)
    page.post("/me/calendar-link")
    (address,) = addresses_on(page)
    assert app.test_client().get(address).status_code == 200
    revoked = page.post("/me/calendar-link/revoke")
    assert revoked.status_code == 302 and "Make my calendar link" in page.get("/me").get_data(as_text=True)
    assert addresses_on(page) == []
    gone = app.test_client().get(address)
    never = app.test_client().get(f"/calendar/cal_{'x' * 43}/plans/{plan.id}.ics")
    assert gone.status_code == never.status_code == 404 and gone.data == never.data
    assert app.test_client().get(address.replace(f"/{plan.id}.ics", "/999999.ics")).data == never.data


def test_renewing_replaces_the_link_and_the_old_addresses_stop(app, plan, wei):
    page = signed_in(app, wei)
    page.post("/me/calendar-link")
    (old,) = addresses_on(page)
    page.post("/me/calendar-link")
    (new,) = addresses_on(page)
    assert new != old
    assert app.test_client().get(old).status_code == 404 and app.test_client().get(new).status_code == 200


def test_the_link_of_someone_who_may_no_longer_sign_in_stops_working(app, plan, wei):
    secret = calendar_links.renew(wei)
    address = calendar_links.path(secret, plan.id)
    assert app.test_client().get(address).status_code == 200
    people.update(people.get(wei.id), active=False)
    assert app.test_client().get(address).status_code == 404
    people.update(people.get(wei.id), active=True)
    assert app.test_client().get(address).status_code == 200, "the link was never revoked: it answers again"


def test_making_renewing_and_revoking_a_link_are_in_the_audit_trail(app, plan, wei):
    page = signed_in(app, wei)
    page.post("/me/calendar-link")
    page.post("/me/calendar-link")
    page.post("/me/calendar-link/revoke")
    lines = [audit.as_dict(e) for e in audit.events(object_type="person") if e.action.startswith("calendar link")]
    assert [line["action"] for line in lines] == [
        "calendar link revoked",
        "calendar link renewed",
        "calendar link created",
    ]
    assert all(line["actor"]["name"] == "Wei" and line["object"]["id"] == wei.id for line in lines)
    assert calendar_links.PREFIX not in str(lines), "the secret is never written in the trail"
    trail = signed_in(app, make_person("olive@example.com", "owner", "Olive")).get("/audit").get_data(as_text=True)
    assert "calendar link revoked" in trail


def test_the_feed_speaks_the_persons_chosen_language_else_the_calendar_apps(app, plan, wei):
    address = calendar_links.path(calendar_links.renew(wei), plan.id)
    in_french = events_of(app.test_client().get(address, headers={"Accept-Language": "fr"}))
    assert any("Statut" in str(e["DESCRIPTION"]) for e in in_french), "the app's language while the person chose none"
    people.update_profile(people.get(wei.id), name="Wei", language="zh", time_zone="Asia/Shanghai")
    in_chinese = events_of(app.test_client().get(address, headers={"Accept-Language": "fr"}))
    assert any("状态" in str(e["DESCRIPTION"]) for e in in_chinese), "the person's own choice wins"


def test_an_unknown_channel_through_a_link_is_refused_in_plain_words(app, plan, wei):
    address = calendar_links.path(calendar_links.renew(wei), plan.id)
    refused = app.test_client().get(address, query_string={"channel": "myspace"})
    assert refused.status_code == 422 and refused.mimetype == "text/plain" and b"myspace" in refused.data


def test_the_plan_page_points_to_the_calendar_link(app, plan, wei):
    shown = signed_in(app, wei).get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'href="/me#calendar"' in shown and "Subscribe in your calendar" in shown
