"""The retrospective where people meet it: on the new-plan form (a table, a chart, keywords to add with
their figures) and over the API, for whoever may read plans."""

from datetime import date

import pytest

from tests.factories import make_person, signed_in
from tests.retrospective.builders import logged, posts_on, spring_plan


@pytest.fixture
def spring(app, clock_at):
    clock_at("2031-06-10T12:00:00+02:00")
    plan = spring_plan(commitments=("twitter", "newsletter"))
    posts_on(plan, "twitter", date(2031, 3, 2), on=8, off=6, on_clicks=45, off_clicks=10)
    posts_on(plan, "newsletter", date(2031, 3, 3), on=5, off=5, on_clicks=20, off_clicks=20)
    logged("chat", "refund request", 30, 24, date(2031, 4, 2))
    logged("email_support", "question", 80, 8, date(2031, 4, 3), comment="Where is the export button?")
    return plan


def test_the_new_plan_form_shows_the_last_quarter_and_suggests_keywords_with_their_figures(client, spring):
    answer = client.get("/plans/new")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Looking back: Printemps 2031" in page
    assert 'class="verdict-better"' in page and "on theme did better" in page
    assert 'class="verdict-no_clear_difference"' in page and "no clear difference" in page
    assert "Went one-note: <strong>X / Twitter</strong>" in page
    assert 'class="chart retro-chart"' in page and 'class="difference better"' in page
    assert "24 of 30 negative" in page
    assert 'data-keyword="remboursement"' in page
    assert "in 24 of its comments" in page
    assert "/plans/new?keyword=remboursement#plan-form" in page
    assert "plan_form.js" in page


def test_a_suggested_keywords_link_fills_the_keywords_field_and_keeps_those_added_before(client, spring):
    page = client.get("/plans/new?keyword=remboursement&keyword=refund").get_data(as_text=True)
    assert "\nremboursement\nrefund</textarea>" in page
    assert "/plans/new?keyword=remboursement&amp;keyword=refund&amp;keyword=" in page


def test_the_form_says_when_there_is_nothing_to_look_back_on(client, clock_at):
    clock_at("2031-06-10T12:00:00+02:00")
    page = client.get("/plans/new").get_data(as_text=True)
    assert "No plan to look back on yet" in page


def test_the_api_answers_the_retrospective_to_a_viewer(app, spring):
    viewer = signed_in(app, make_person("vera@example.com", "viewer", "Vera"))
    answer = viewer.get("/api/v1/plans/retrospective?before=2031-06-10")
    assert answer.status_code == 200
    found = answer.get_json()
    assert found["plan"]["name"] == "Printemps 2031"
    twitter = next(row for row in found["channels"] if row["channel"] == "twitter")
    assert twitter["verdict"] == "better" and twitter["interval"][0] > 0
    assert found["patterns"][0]["kind"] == "refund request"
    assert viewer.get("/api/v1/plans/retrospective?before=2031-03-15").get_json()["plan"]["name"] == "Printemps 2031"


def test_a_before_that_is_not_a_date_is_a_400(client, spring):
    answer = client.get("/api/v1/plans/retrospective?before=spring")
    assert answer.status_code == 400
    assert "before" in answer.get_json()["error"]["fields"]


def test_the_retrospective_is_in_the_api_description(client):
    description = client.get("/api/v1/openapi.json").get_json()
    assert "get" in description["paths"]["/api/v1/plans/retrospective"]
    assert "Retrospective" in description["components"]["schemas"]
