"""The pages, rendered with the demo quarter and with hostile text, through Flask's test client."""

import re
from datetime import date

import pytest

from scheduler.services import demo, lifecycle, plans, posts
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def demo_plan(app, clock_at):
    clock_at("2031-11-12T12:00:00+01:00")
    return demo.load(today=date(2031, 11, 12))


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_every_page_renders_the_demo_quarter(client, demo_plan):
    plan_id = demo_plan.id
    assert "Atlas 2.0 winter launch" in page(client, "/")
    assert "Commitments" in page(client, f"/plans/{plan_id}")
    week = page(client, f"/plans/{plan_id}/calendar?view=week&date=2031-11-12")
    assert re.search(r"\d/4", week), "daily twitter cells show filled/owed"
    assert "1 per week" in week
    month = page(client, f"/plans/{plan_id}/calendar?view=month&date=2031-11-01")
    assert "Nov" in month
    listing = page(client, f"/plans/{plan_id}/posts?channel=twitter")
    assert "冬季发布" in listing and "Lancement d&#39;hiver" in listing
    failed = page(client, f"/plans/{plan_id}/posts?channel=twitter&status=failed")
    assert "the channel refused the post" in failed, "the failure reason shows in the list"
    report = page(client, f"/plans/{plan_id}/report")
    assert "<svg" in report and 'class="floor"' in report and 'class="ceiling"' in report
    assert "Download CSV" in report and "Repeated messages" in report
    assert page(client, f"/plans/{plan_id}/edit").count("Europe/Paris") >= 1


def test_every_library_page_renders_the_demo_library(client, demo_plan):
    top = page(client, "/library")
    assert "<svg" in top and "Use on…" in top and "tweets linking to /guides/" in top
    item_id = int(re.search(r'/library/items/(\d+)"', top).group(1))
    item = page(client, f"/library/items/{item_id}")
    assert "Make a draft" in item and "Evergreen" in item
    assert "Add feed" in page(client, "/library/feeds")
    assert "CSV file" in page(client, "/library/metrics")
    media = page(client, "/library/media")
    assert "The Atlas 2.0 calendar on a laptop" in media and "2 channels" in media
    reruns = page(client, f"/plans/{demo_plan.id}/evergreen")
    assert "Draft it" in reruns


def test_editor_shows_why_a_post_failed_and_its_history(client, demo_plan):
    failed = posts.list_posts({"plan_id": demo_plan.id, "status": "failed"})[0]
    html = page(client, f"/posts/{failed.id}")
    assert "Why it failed" in html and "duplicate status" in html
    unconfirmed = posts.list_posts({"plan_id": demo_plan.id, "status": "unconfirmed"})[0]
    html = page(client, f"/posts/{unconfirmed.id}")
    assert "It was published" in html and "Send again" in html


def test_calendar_counts_match_the_posts(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(starts_on="2031-06-02", ends_on="2031-06-29")
    commit(plan, "twitter", posts=2)
    for hour in (9, 12, 15):
        posts.schedule_post(make_post(plan, when=f"2031-06-03T{hour:02d}:00:00+02:00"))
    make_post(plan, when="2031-06-04T10:00:00+02:00")  # a draft: shown, not counted
    html = page(client, f"/plans/{plan.id}/calendar?view=week&date=2031-06-03")
    assert "3/2" in html and "0/2" in html
    assert html.count("★3") == 1


def test_plan_form_errors_are_shown_and_nothing_is_saved(client):
    response = client.post(
        "/plans/new",
        data={
            "name": "Q3",
            "theme": "Été",
            "starts_on": "2031-07-01",
            "ends_on": "2031-06-01",
            "timezone": "Mars/Base",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a known time zone" in html and 'value="Q3"' in html and "Nothing was saved" in html
    assert plans.all_plans() == []


def test_plan_and_commitment_created_through_the_forms(client):
    response = client.post(
        "/plans/new",
        data={
            "name": "Q3 2031",
            "theme": "Offre d'été",
            "keywords": "offre été\n夏季优惠",
            "starts_on": "2031-07-01",
            "ends_on": "2031-09-30",
            "timezone": "Europe/Paris",
        },
    )
    assert response.status_code == 302
    plan = plans.all_plans()[0]
    assert plan.keywords == ["offre été", "夏季优惠"]
    bad = client.post(
        f"/plans/{plan.id}/commitments/twitter",
        data={"posts": "4", "per": "day", "on_theme_min": "3", "one_note_max_share": "50%"},
    )
    assert bad.status_code == 422 and "must be at least the floor" in bad.get_data(as_text=True)
    good = client.post(
        f"/plans/{plan.id}/commitments/twitter",
        data={"posts": "4", "per": "day", "on_theme_min": "1", "one_note_max_share": "50%"},
    )
    assert good.status_code == 302
    assert plans.get_plan(plan.id).commitments[0].one_note_max_share == 0.5


def test_editor_saves_a_draft_in_the_plan_time_zone_and_schedules_it(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={
            "plan_id": plan.id,
            "channel": "twitter",
            "body": "Profitez de l'Offre d'été !",
            "theme": "auto",
            "scheduled_local": "2031-06-02T10:00",
            "action": "save",
        },
    )
    assert response.status_code == 302
    post = posts.list_posts({"plan_id": plan.id})[0]
    assert post.scheduled_at.isoformat() == "2031-06-02T08:00:00+00:00" and post.on_theme
    client.post(
        f"/posts/{post.id}",
        data={"body": post.body, "theme": "auto", "scheduled_local": "2031-06-02T10:00", "action": "schedule"},
    )
    assert posts.get_post(post.id).status == "queued"
    assert "queued" in page(client, f"/posts/{post.id}")


def test_editor_keeps_input_and_names_the_field_on_error(client, app):
    plan = make_plan()
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={"body": "Bonjour", "link": "ftp://nope", "scheduled_local": "2031-06-02T10:00", "action": "save"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "must be an http" in html and "Bonjour" in html
    assert posts.list_posts({"plan_id": plan.id}) == []


def test_hostile_text_is_escaped_on_every_page(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(name=HOSTILE, theme=HOSTILE, keywords=[HOSTILE])
    commit(plan, "twitter")
    post = make_post(plan, body=HOSTILE + " offre été", title=HOSTILE)
    for day in (2, 3):  # the same message twice: listed under repeated messages
        posts.schedule_post(make_post(plan, body=HOSTILE + " again", when=f"2031-06-0{day}T10:00:00+02:00"))
    with unit_of_work():
        lifecycle.move(post.id, "scheduled", note=HOSTILE)
        lifecycle.move(post.id, "failed", {"scheduled"}, note=HOSTILE, failure_reason=HOSTILE)
    report = page(client, f"/plans/{plan.id}/report")
    assert "Repeated messages" in report and report.count("&lt;script&gt;alert(1)&lt;/script&gt; again") == 2
    for url in [
        "/",
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/calendar?date=2031-06-02",
        f"/plans/{plan.id}/calendar?view=month&date=2031-06-02",
        f"/plans/{plan.id}/posts",
        f"/posts/{post.id}",
        f"/plans/{plan.id}/report",
        f"/plans/{plan.id}/edit",
        f"/posts/new?plan_id={plan.id}&channel=twitter&date={HOSTILE}",
    ]:
        assert HOSTILE not in page(client, url), url


def test_unknown_things_are_404_pages(client):
    assert "not found" in page(client, "/plans/404", status=404)
    assert "not found" in page(client, "/posts/404", status=404)


def test_editor_time_error_speaks_of_the_form_field(client, app):
    plan = make_plan()
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=twitter",
        data={"body": "Bonjour", "scheduled_local": "soon", "action": "save"},
    )
    assert "must be a date and a time" in response.get_data(as_text=True)
    assert posts.list_posts({"plan_id": plan.id}) == []
