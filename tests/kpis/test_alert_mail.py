"""The managers hear of an indicator's alert when it turns on, by mail through the newsletter's SMTP
account, here a real SMTP server (aiosmtpd on 127.0.0.1); once, not at every figure while it stays on."""

from pathlib import Path

import pytest

from scheduler.services import kpi_alerts, kpis, people
from tests.factories import make_person, make_plan, signed_in
from tests.newsletter.conftest import live, smtp  # noqa: F401  (fixtures: the SMTP server, the app in live mode)

TARGETS = {"targets": {"2031-06": 1000, "2031-07": 1000, "2031-08": 1000}}


@pytest.fixture
def team(app):
    return {
        "mina": make_person("mina@example.com", "manager", "Mina"),
        "olive": make_person("olive@example.com", "owner", "Olive"),
        "chloe": make_person("chloe@example.com", "creator", "Chloé"),
        "gone": make_person("gone@example.com", "manager", "Gone"),
    }


def test_managers_are_mailed_once_when_the_alert_turns_on(live, smtp, team):  # noqa: F811
    people.update(team["gone"], active=False)
    plan = make_plan(name="Été 2031")
    kpis.set_kpi(plan, "Sales", {"unit": "€", **TARGETS})
    creator = signed_in(live, team["chloe"])
    entered = creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-06": 850})
    assert entered.status_code == 200 and smtp.raw == [], "one month short is not an alert"
    assert creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-07": 880}).get_json()["alert"]
    [to_mina] = smtp.to("mina@example.com")
    [to_olive] = smtp.to("olive@example.com")
    assert smtp.to("chloe@example.com") == [] and smtp.to("gone@example.com") == []
    assert to_mina["Subject"] == "Alert: Sales missed its target two months running (Été 2031)"
    assert "news@refrain.test" in to_mina["From"] and to_mina["Auto-Submitted"] == "auto-generated"
    body = to_mina.get_content()
    assert "2031-06: 850 for a target of 1000 (-15%)" in body and "2031-07: 880 for a target of 1000 (-12%)" in body
    assert f"https://refrain.test/plans/{plan.id}/kpis" in body and "Hello Mina" in body
    assert to_olive.get_content().startswith("Hello Olive")

    creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-08": 700})
    assert len(smtp.raw) == 2, "still on: nobody is told again"
    creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-08": 1000})
    creator.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-08": 600})
    assert len(smtp.to("mina@example.com")) == 2, "off, then on again: news again"


def test_a_mail_server_that_is_away_does_not_undo_the_figures(live, smtp, team):  # noqa: F811
    smtp.fail_after = 0
    plan = make_plan()
    kpis.set_kpi(plan, "sales", TARGETS)
    client = signed_in(live, team["chloe"])
    answer = client.post(f"/api/v1/plans/{plan.id}/kpis/sales/actuals", json={"2031-06": 10, "2031-07": 10})
    assert answer.status_code == 200 and answer.get_json()["alert"] is True
    assert kpis.get_kpi(plan, "sales").alerting


def test_other_ways_of_telling_plug_in_beside_mail(app, team, monkeypatch):
    heard = []
    monkeypatch.setattr(kpi_alerts, "NOTIFIERS", [*kpi_alerts.NOTIFIERS, heard.append])
    plan = make_plan()
    kpis.set_kpi(plan, "bounce_rate", {"better": "lower", "targets": {"2031-06": 40, "2031-07": 40}})
    kpis.record_actuals(plan, "bounce_rate", {"2031-06": 50, "2031-07": 55})
    [notice] = heard
    assert (notice.kpi_name, notice.better) == ("bounce_rate", "lower")
    assert sorted(email for email, _name in notice.recipients) == [
        "gone@example.com",
        "mina@example.com",
        "olive@example.com",
    ]


def test_without_live_mail_the_alert_is_kept_in_the_outbox(app, team):
    plan = make_plan()
    kpis.set_kpi(plan, "sales", TARGETS)
    kpis.record_actuals(plan, "sales", {"2031-06": 1, "2031-07": 1})
    kept = list(Path(app.config["INSTANCE_PATH"]).glob("outbox/newsletter-mail/*.eml"))
    assert len(kept) == 3, "one for each active manager or owner"
    assert all(b"Subject: Alert: sales missed its target two months running" in path.read_bytes() for path in kept)
