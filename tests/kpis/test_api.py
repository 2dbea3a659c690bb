"""A plan's indicators through the API, as the contract shapes them: targets set, actuals entered,
the dashboard with gaps, the previous plan's months and the alert; who may do which."""

import pytest

from scheduler.services import tokens
from tests.factories import make_person

QUARTER = {"theme": "Rentrée", "timezone": "Europe/Paris", "keywords": ["rentrée"]}


def new_plan(client, name, starts_on, ends_on):
    answer = client.post("/api/v1/plans", json={"name": name, "starts_on": starts_on, "ends_on": ends_on, **QUARTER})
    assert answer.status_code == 201
    return answer.get_json()["id"]


@pytest.fixture
def plan_id(client):
    return new_plan(client, "Q4 2031", "2031-10-01", "2031-12-31")


def put(client, plan_id, name, data):
    return client.put(f"/api/v1/plans/{plan_id}/kpis/{name}", json=data)


def actuals(client, plan_id, name, data):
    return client.post(f"/api/v1/plans/{plan_id}/kpis/{name}/actuals", json=data)


def test_targets_and_actuals_come_back_month_by_month_with_their_gap(client, plan_id):
    created = put(client, plan_id, "sales", {"unit": "€", "targets": {"2031-10": 1000, "2031-11": 1200}})
    assert created.status_code == 201
    assert created.get_json()["better"] == "higher", "the contract's default"
    again = put(client, plan_id, "sales", {"unit": "€", "targets": {"2031-10": 1000, "2031-11": 1250}})
    assert again.status_code == 200
    answer = actuals(client, plan_id, "sales", {"2031-10": 800, "2031-11": 1300})
    assert answer.status_code == 200
    [kpi] = client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()
    assert {"name", "unit", "better", "months", "alert"} <= set(kpi)
    assert (kpi["name"], kpi["unit"], kpi["better"], kpi["alert"]) == ("sales", "€", "higher", False)
    months = {m["month"]: m for m in kpi["months"]}
    assert list(months) == ["2031-10", "2031-11", "2031-12"], "the plan's months, in order"
    assert {"month", "target", "actual", "previous", "gap"} <= set(months["2031-10"])
    assert months["2031-10"]["gap"] == pytest.approx(-0.2)
    assert months["2031-11"]["gap"] == pytest.approx((1300 - 1250) / 1250)
    assert months["2031-12"] == months["2031-12"] | {"target": None, "actual": None, "gap": None, "previous": None}


def test_the_alert_turns_on_when_the_last_two_months_with_actuals_both_miss(client, plan_id):
    put(client, plan_id, "sales", {"targets": {"2031-10": 1000, "2031-11": 1000, "2031-12": 1000}})
    assert actuals(client, plan_id, "sales", {"2031-10": 850}).get_json()["alert"] is False, "one month is an incident"
    assert actuals(client, plan_id, "sales", {"2031-11": 890}).get_json()["alert"] is True
    assert actuals(client, plan_id, "sales", {"2031-12": 1000}).get_json()["alert"] is False
    assert actuals(client, plan_id, "sales", {"2031-12": None}).get_json()["alert"] is True, "null removes a month"


def test_lower_is_better_misses_above_the_target(client, plan_id):
    put(client, plan_id, "bounce_rate", {"unit": "%", "better": "lower", "targets": {"2031-10": 40, "2031-11": 40}})
    kpi = actuals(client, plan_id, "bounce_rate", {"2031-10": 45, "2031-11": 47}).get_json()
    assert kpi["better"] == "lower" and kpi["alert"] is True
    calm = actuals(client, plan_id, "bounce_rate", {"2031-10": 30, "2031-11": 31}).get_json()
    assert calm["alert"] is False and calm["months"][0]["gap"] == pytest.approx(-0.25)


def test_previous_is_the_same_month_of_the_plan_before_this_one(client, plan_id):
    earlier = new_plan(client, "Q3 2031", "2031-07-01", "2031-09-30")
    new_plan(client, "Q2 2031", "2031-04-01", "2031-06-30")
    put(client, earlier, "Site traffic", {"unit": "visits"})
    actuals(client, earlier, "site_traffic", {"2031-07": 5000, "2031-08": 5200, "2031-09": 6100})
    put(client, plan_id, "site_traffic", {"targets": {"2031-10": 6000}})
    [kpi] = client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()
    assert [m["previous"] for m in kpi["months"]] == [5000, 5200, 6100]
    assert kpi["name"] == "site_traffic" and kpi["unit"] == "visits", "the preset's unit when none is given"


def test_a_name_is_one_indicator_however_it_is_written(client, plan_id):
    put(client, plan_id, "Site traffic", {"targets": {"2031-10": 10}})
    assert actuals(client, plan_id, "site_traffic", {"2031-10": 9}).status_code == 200
    assert len(client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()) == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"targets": {"2031-13": 5}}, "targets"),
        ({"targets": {"October": 5}}, "targets"),
        ({"targets": {"2031-10": "lots"}}, "targets"),
        ({"targets": [5]}, "targets"),
        ({"better": "sideways"}, "better"),
        ({"unit": "x" * 21}, "unit"),
    ],
)
def test_bad_targets_are_refused_by_field(client, plan_id, data, field):
    answer = put(client, plan_id, "sales", data)
    assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/plans/{plan_id}/kpis").get_json() == [], "nothing was saved"


def test_bad_actuals_are_refused_by_month(client, plan_id):
    put(client, plan_id, "sales", {})
    answer = actuals(client, plan_id, "sales", {"2031-10": "many", "2031-11": 5})
    assert answer.status_code == 422 and "2031-10" in answer.get_json()["error"]["fields"]
    assert actuals(client, plan_id, "sales", {"next month": 5}).status_code == 422
    assert actuals(client, plan_id, "sales", {}).status_code == 422
    assert actuals(client, plan_id, "roi", {"2031-10": 5}).status_code == 404, "set the indicator first"
    assert actuals(client, 999999, "sales", {"2031-10": 5}).status_code == 404


def test_an_indicator_can_be_removed(client, plan_id):
    put(client, plan_id, "sales", {})
    assert client.delete(f"/api/v1/plans/{plan_id}/kpis/sales").status_code == 204
    assert client.get(f"/api/v1/plans/{plan_id}/kpis").get_json() == []


def test_managers_set_targets_creators_enter_actuals_viewers_read(app, client, plan_id):
    put(client, plan_id, "sales", {"targets": {"2031-10": 100}})
    keys = {}
    for role in ("manager", "creator", "viewer"):
        keys[role] = {"Authorization": f"Bearer {tokens.create(make_person(f'{role}@example.com', role), 't')[1]}"}
    asked = app.test_client()

    def status(method, path, role, json=None):
        return asked.open(f"/api/v1/plans/{plan_id}/kpis{path}", method=method, json=json, headers=keys[role])

    assert status("PUT", "/sales", "manager", {"targets": {"2031-10": 120}}).status_code == 200
    assert status("PUT", "/sales", "creator", {"targets": {"2031-10": 1}}).status_code == 403
    assert status("POST", "/sales/actuals", "creator", {"2031-10": 90}).status_code == 200
    assert status("POST", "/sales/actuals", "viewer", {"2031-10": 1}).status_code == 403
    assert status("GET", "", "viewer").get_json()[0]["months"][0]["actual"] == 90
    assert status("DELETE", "/sales", "creator").status_code == 403


def test_actuals_import_from_a_csv_keeping_good_rows_and_reporting_bad_ones(client, plan_id):
    put(client, plan_id, "sales", {"targets": {"2031-10": 1000}})
    put(client, plan_id, "bounce_rate", {"better": "lower"})
    csv = "Month,Sales,Bounce rate\n2031-10,950,41%\nNov 2031,12O0,40%\n2031-12,1 100,\n"
    answer = client.post(f"/api/v1/plans/{plan_id}/kpis/import", json={"csv": csv})
    assert answer.status_code == 200
    result = answer.get_json()
    assert result["imported"] == 3
    assert result["errors"] == [{"line": 3, "field": "Sales", "message": "'12O0' is not a number"}]
    board = {
        k["name"]: {m["month"]: m for m in k["months"]} for k in client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()
    }
    assert board["sales"]["2031-10"]["actual"] == 950 and board["sales"]["2031-10"]["source"] == "csv"
    assert board["sales"]["2031-12"]["actual"] == 1100 and board["bounce_rate"]["2031-10"]["actual"] == 41
    assert board["sales"]["2031-11"]["actual"] is None, "the bad row was left out whole"
    again = client.post(f"/api/v1/plans/{plan_id}/kpis/import", json={"csv": csv}).get_json()
    assert again["imported"] == 3
    assert client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()[0]["months"][0]["actual"] == 950, "no doubles"


def test_a_value_column_imports_into_the_indicator_named(client, plan_id):
    put(client, plan_id, "roi", {})
    answer = client.post(
        f"/api/v1/plans/{plan_id}/kpis/import", json={"csv": "month;value\n2031-10;-3,5\n", "kpi": "roi"}
    )
    assert answer.get_json() == {"imported": 1, "errors": []}
    assert client.get(f"/api/v1/plans/{plan_id}/kpis").get_json()[0]["months"][0]["actual"] == -3.5


def test_an_import_into_a_plan_without_indicators_is_refused(client, plan_id):
    answer = client.post(f"/api/v1/plans/{plan_id}/kpis/import", json={"csv": "month,sales\n2031-10,1\n"})
    assert answer.status_code == 422 and "file" in answer.get_json()["error"]["fields"]
