"""Indicators Refrain computes from what it holds: newsletter signups from confirmed subscribers, the
engagement rate and the click-through from the library's metrics, for the plan's months that are over."""

from datetime import datetime

import pytest

from scheduler.models import Subscriber
from scheduler.models.database import db
from scheduler.services import items, kpis
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import make_plan


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def plan(app, clock_at):
    clock_at("2031-08-10T12:00:00+02:00")  # June and July are over, August is not
    return make_plan()  # June to August 2031, Europe/Paris


def subscriber(email, confirmed_at, status="confirmed"):
    db.session.add(
        Subscriber(email=email, status=status, confirmed_at=at(confirmed_at) if confirmed_at else None, token_nonce="n")
    )


def test_signups_are_the_subscribers_who_confirmed_in_each_month_on_the_plans_clock(plan, client):
    with unit_of_work():
        subscriber("a@example.com", "2031-06-03T10:00:00+02:00")
        subscriber("b@example.com", "2031-06-30T23:30:00+02:00")  # June in Paris (21:30 UTC)
        subscriber("c@example.com", "2031-06-30T22:30:00+00:00")  # already July in Paris
        subscriber("d@example.com", "2031-07-12T09:00:00+02:00", status="unsubscribed")  # signed up, left since
        subscriber("e@example.com", None, status="pending")  # never confirmed
        subscriber("f@example.com", "2031-08-02T09:00:00+02:00")  # August is not over
    kpis.set_kpi(plan, "newsletter_signups", {"targets": {"2031-06": 2, "2031-07": 5}})
    answer = client.post(f"/api/v1/plans/{plan.id}/kpis/newsletter_signups/compute")
    assert answer.status_code == 200
    months = {m["month"]: m for m in answer.get_json()["months"]}
    assert (months["2031-06"]["actual"], months["2031-07"]["actual"], months["2031-08"]["actual"]) == (2, 2, None)
    assert months["2031-06"]["source"] == "computed" and months["2031-07"]["gap"] == pytest.approx(-0.6)


def test_engagement_rate_and_click_through_pool_the_librarys_items_of_each_month(plan, client):
    def item(remote_id, published_at, **metrics):
        link = f"https://example.com/{remote_id}"
        return {"remote_id": remote_id, "link": link, "published_at": at(published_at), "metrics": metrics}

    with unit_of_work():
        items.upsert(
            "twitter",
            [
                item("t1", "2031-06-05T10:00:00+02:00", impressions=1000, clicks=20, likes=20, replies=10),
                item("t2", "2031-06-20T10:00:00+02:00", impressions=3000, clicks=40, likes=10),
                item("t3", "2031-07-01T10:00:00+02:00", likes=30),  # no exposure figure: no rate
                item("t4", "2031-05-31T10:00:00+02:00", impressions=10, clicks=10),  # before the plan
            ],
        )
        items.upsert("youtube", [item("v1", "2031-07-09T18:00:00+02:00", views=2000, likes=100)])
    kpis.set_kpi(plan, "Engagement rate", {"unit": "%"})
    kpis.set_kpi(plan, "click_through", {"unit": "%"})
    engagement = client.post(f"/api/v1/plans/{plan.id}/kpis/Engagement rate/compute").get_json()
    assert [m["actual"] for m in engagement["months"]] == [2.5, 5.0, None]  # (50 + 50) / 4000; 100 / 2000
    through = client.post(f"/api/v1/plans/{plan.id}/kpis/click_through/compute").get_json()
    assert [m["actual"] for m in through["months"]] == [1.5, None, None]  # 60 / 4000; the video has no clicks


def test_an_indicator_refrain_cannot_compute_says_so(plan, client):
    kpis.set_kpi(plan, "sales", {})
    answer = client.post(f"/api/v1/plans/{plan.id}/kpis/sales/compute")
    assert answer.status_code == 422 and "newsletter_signups" in answer.get_json()["error"]["fields"]["name"]
