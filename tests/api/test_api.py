"""The JSON API as CONTRACT.md fixes it: every endpoint, and bad input of every field."""

import pytest

PLAN = {
    "name": "Rentrée 2031",
    "theme": "Rentrée",
    "key_message": "Back to school, calmly",
    "keywords": ["rentrée", "开学"],
    "starts_on": "2031-09-01",
    "ends_on": "2031-09-07",
    "timezone": "Europe/Paris",
}
TWITTER = {"posts": 2, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5}
BEFORE_THE_PLANS = "2031-05-01T09:00:00+00:00"  # today for these tests: every time they schedule is ahead


def error_fields(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "fields"}
    assert body["error"]["message"]
    return body["error"]["fields"]


@pytest.fixture
def plan(client, clock_at):
    clock_at(BEFORE_THE_PLANS)
    response = client.post("/api/v1/plans", json=PLAN)
    assert response.status_code == 201
    return response.get_json()


def new_post(client, plan, **fields):
    data = {
        "plan_id": plan["id"],
        "channel": "twitter",
        "body": "C'est la Rentrée !",
        "scheduled_at": "2031-09-01T10:00:00+02:00",
        **fields,
    }
    return client.post("/api/v1/posts", json=data)


def test_plan_round_trip(client, plan):
    assert plan["keywords"] == ["rentrée", "开学"] and plan["timezone"] == "Europe/Paris"
    got = client.get(f"/api/v1/plans/{plan['id']}").get_json()
    assert got["name"] == "Rentrée 2031"
    patched = client.patch(f"/api/v1/plans/{plan['id']}", json={"key_message": "Nouveau message"})
    assert patched.status_code == 200 and patched.get_json()["key_message"] == "Nouveau message"
    assert patched.get_json()["theme"] == "Rentrée"


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("theme", None),
        ("keywords", "rentrée"),
        ("keywords", [1, 2]),
        ("starts_on", "2031-13-01"),
        ("ends_on", "2031-08-01"),
        ("timezone", "Mars/Olympus"),
        ("timezone", 5),
    ],
)
def test_bad_plan_fields_are_named(client, field, value):
    response = client.post("/api/v1/plans", json={**PLAN, field: value})
    assert response.status_code == 422
    assert field in error_fields(response)
    assert client.get("/api/v1/plans").get_json() == []


def test_bad_patch_keeps_the_saved_plan(client, plan):
    response = client.patch(f"/api/v1/plans/{plan['id']}", json={"ends_on": "2031-01-01", "name": "changed"})
    assert response.status_code == 422 and "ends_on" in error_fields(response)
    assert client.get(f"/api/v1/plans/{plan['id']}").get_json()["name"] == "Rentrée 2031"


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_a_400(client, body):
    response = client.post("/api/v1/plans", data=body, content_type="application/json")
    assert response.status_code == 400
    error_fields(response)


def test_commitments_created_then_replaced(client, plan):
    url = f"/api/v1/plans/{plan['id']}/commitments/twitter"
    assert client.put(url, json=TWITTER).status_code == 201
    assert client.put(url, json={**TWITTER, "posts": 4}).status_code == 200
    assert client.get(f"/api/v1/plans/{plan['id']}").get_json()["commitments"][0]["posts"] == 4


@pytest.mark.parametrize(
    "field, value",
    [
        ("posts", 0),
        ("posts", "many"),
        ("per", "fortnight"),
        ("on_theme_min", -1),
        ("on_theme_min", 3),
        ("one_note_max_share", 0),
        ("one_note_max_share", 1.5),
        ("one_note_max_share", "half"),
        ("one_note_max_share", 0.4),
    ],
)
def test_bad_commitment_fields_are_named(client, plan, field, value):
    response = client.put(f"/api/v1/plans/{plan['id']}/commitments/twitter", json={**TWITTER, field: value})
    assert response.status_code == 422
    assert field in error_fields(response)


def test_commitment_on_an_unknown_channel_or_plan(client, plan):
    response = client.put(f"/api/v1/plans/{plan['id']}/commitments/myspace", json=TWITTER)
    assert response.status_code == 404 and "channel" in error_fields(response)
    assert client.put("/api/v1/plans/999/commitments/twitter", json=TWITTER).status_code == 404


def test_channels_list_their_limits(client):
    channels = {c["name"]: c for c in client.get("/api/v1/channels").get_json()}
    assert {"twitter", "youtube", "newsletter", "blog", "ppc"} <= set(channels)
    assert channels["twitter"]["limits"] and channels["twitter"]["label"]


def test_validate_counts_twitter_weighted_length_and_saves_nothing(client):
    response = client.post("/api/v1/channels/twitter/validate", json={"body": "Bonjour 🌍 https://example.com"})
    result = response.get_json()
    assert result["valid"] is True and result["length"] == {"value": 34, "max": 280, "unit": result["length"]["unit"]}
    too_long = client.post("/api/v1/channels/twitter/validate", json={"body": "字" * 141}).get_json()
    assert too_long["valid"] is False and too_long["length"]["value"] == 282
    assert any(p["severity"] == "error" for p in too_long["problems"])
    assert client.post("/api/v1/channels/nope/validate", json={"body": "x"}).status_code == 404
    assert client.get("/api/v1/posts").get_json() == []


def test_post_theme_decided_by_keywords_or_by_hand(client, plan):
    by_keywords = new_post(client, plan).get_json()
    assert by_keywords["on_theme"] is True
    assert by_keywords["theme_match"] == {"matched": ["rentrée"], "source": "keywords"}
    chinese = new_post(client, plan, body="欢迎大家开学第一天来参加活动").get_json()
    assert chinese["on_theme"] is True
    manual = new_post(client, plan, on_theme=False).get_json()
    assert manual["on_theme"] is False and manual["theme_match"]["source"] == "manual"
    assert by_keywords["status"] == "draft" and isinstance(by_keywords["problems"], list)


@pytest.mark.parametrize(
    "field, value",
    [
        ("plan_id", 999),
        ("plan_id", "one"),
        ("channel", "nope"),
        ("body", ""),
        ("body", 5),
        ("scheduled_at", "tomorrow"),
        ("scheduled_at", "2031-09-01T10:00:00"),
        ("on_theme", "yes"),
        ("link", "ftp://example.com"),
        ("title", "x" * 301),
        ("extra", "not an object"),
    ],
)
def test_bad_post_fields_are_named(client, plan, field, value):
    response = new_post(client, plan, **{field: value})
    assert response.status_code == 422
    assert field in error_fields(response)
    assert client.get("/api/v1/posts").get_json() == []


def test_post_lifecycle_through_the_api(client, plan):
    post = new_post(client, plan).get_json()
    url = f"/api/v1/posts/{post['id']}"
    patched = client.patch(url, json={"body": "Off topic today", "on_theme": None}).get_json()
    assert patched["on_theme"] is False and patched["theme_match"]["source"] == "keywords"
    scheduled = client.post(f"{url}/schedule", json={})
    assert scheduled.status_code == 200 and scheduled.get_json()["status"] == "queued"
    listed = client.get(f"/api/v1/posts?plan_id={plan['id']}&status=queued").get_json()
    assert [p["id"] for p in listed] == [post["id"]]
    cancelled = client.delete(url)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.patch(url, json={"body": "again"}).status_code == 409
    history = client.get(f"{url}/events").get_json()
    assert [e["to"] for e in history] == ["draft", "scheduled", "queued", "cancelled"]
    assert history[0]["note"].startswith("edited by") and history[0]["from"] == "draft", "the edit is in the history"


def test_a_post_with_errors_cannot_be_scheduled(client, plan):
    post = new_post(client, plan, body="x" * 300).get_json()
    assert any(p["severity"] == "error" for p in post["problems"])
    response = client.post(f"/api/v1/posts/{post['id']}/schedule", json={})
    assert response.status_code == 422 and "body" in error_fields(response)
    assert client.get(f"/api/v1/posts/{post['id']}").get_json()["status"] == "draft"


@pytest.mark.parametrize(
    "query, field", [("status=lost", "status"), ("from=yesterday", "from"), ("plan_id=x", "plan_id")]
)
def test_bad_post_filters_are_named(client, query, field):
    response = client.get(f"/api/v1/posts?{query}")
    assert response.status_code == 400 and field in error_fields(response)


def test_unknown_things_are_404_in_the_contract_shape(client):
    for method, path in [
        ("get", "/api/v1/plans/42"),
        ("get", "/api/v1/posts/42"),
        ("delete", "/api/v1/posts/42"),
        ("post", "/api/v1/posts/42/schedule"),
        ("get", "/api/v1/nothing-here"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 404
        error_fields(response)


def test_compliance_report_json_and_csv(client, plan):
    client.put(f"/api/v1/plans/{plan['id']}/commitments/twitter", json=TWITTER)
    post = new_post(client, plan).get_json()
    client.post(f"/api/v1/posts/{post['id']}/schedule", json={})
    report = client.get(f"/api/v1/plans/{plan['id']}/compliance").get_json()
    row = report["channels"][0]
    assert row["committed_posts"] == 14 and row["coverage_ratio"] == 1.0 and row["status"] == "one_note"
    assert report["theme_coverage_ratio"] == 1.0
    csv = client.get(f"/api/v1/plans/{plan['id']}/compliance?format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).splitlines()[1].startswith("twitter,")
    assert client.get(f"/api/v1/plans/{plan['id']}/compliance?format=xml").status_code == 400


def test_unschedule_returns_a_post_to_draft_and_its_job_is_withdrawn(client, plan, app):
    from scheduler.infra import queue
    from scheduler.services import runtime

    post = new_post(client, plan).get_json()
    client.post(f"/api/v1/posts/{post['id']}/schedule", json={})
    back = client.post(f"/api/v1/posts/{post['id']}/unschedule")
    assert back.status_code == 200 and back.get_json()["status"] == "draft"
    assert runtime.queues().jobs_alive([queue.delivery_job_id(post["id"])]) == set()
    assert client.post(f"/api/v1/posts/{post['id']}/unschedule").status_code == 409


def test_an_unconfirmed_post_can_be_confirmed_by_hand(client, plan):
    from scheduler.services import lifecycle
    from scheduler.services.unit_of_work import unit_of_work

    post = new_post(client, plan).get_json()
    assert client.post(f"/api/v1/posts/{post['id']}/confirm", json={}).status_code == 409
    with unit_of_work():
        for status in ("scheduled", "queued", "publishing", "unconfirmed"):
            assert lifecycle.move(post["id"], status)
    confirmed = client.post(f"/api/v1/posts/{post['id']}/confirm", json={"url": "https://x.com/refrain/status/1"})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "published"
    assert confirmed.get_json()["remote_url"] == "https://x.com/refrain/status/1"


def test_commitments_listed_and_removed(client, plan):
    client.put(f"/api/v1/plans/{plan['id']}/commitments/twitter", json=TWITTER)
    assert [c["channel"] for c in client.get(f"/api/v1/plans/{plan['id']}/commitments").get_json()] == ["twitter"]
    assert client.delete(f"/api/v1/plans/{plan['id']}/commitments/twitter").status_code == 204
    assert client.delete(f"/api/v1/plans/{plan['id']}/commitments/twitter").status_code == 404
    assert client.get(f"/api/v1/plans/{plan['id']}/commitments").get_json() == []


def test_a_wrong_method_is_a_405_in_the_contract_shape(client):
    response = client.put("/api/v1/plans")
    assert response.status_code == 405
    error_fields(response)


def test_numbers_past_the_databases_range_are_not_found_not_a_crash(client):
    huge = 10**30
    assert client.get(f"/api/v1/posts/{huge}").status_code == 404
    assert client.get(f"/api/v1/plans/{huge}").status_code == 404
    assert client.delete(f"/api/v1/accounts/{huge}").status_code == 404, "not a 405 from the GET's twin rule"
    assert client.patch(f"/api/v1/posts/{huge}", json={"body": "x"}).status_code == 404
    answer = client.post(
        "/api/v1/posts",
        json={"plan_id": huge, "channel": "twitter", "body": "x", "scheduled_at": "2031-06-02T10:00:00+02:00"},
    )
    assert answer.status_code == 422 and "plan_id" in answer.get_json()["error"]["fields"]


def test_another_site_cannot_make_a_browser_write_through_the_api(client, clock_at):
    clock_at(BEFORE_THE_PLANS)
    plan = client.post(
        "/api/v1/plans",
        json={
            "name": "P",
            "theme": "T",
            "keywords": [],
            "starts_on": "2031-06-01",
            "ends_on": "2031-06-30",
            "timezone": "UTC",
        },
    ).get_json()
    post = client.post(
        "/api/v1/posts",
        json={
            "plan_id": plan["id"],
            "channel": "twitter",
            "body": "Hello",
            "scheduled_at": "2031-06-02T10:00:00+00:00",
        },
    ).get_json()
    as_a_form = client.post(f"/api/v1/posts/{post['id']}/schedule", data={"x": "1"})
    assert as_a_form.status_code == 415
    from_elsewhere = client.post(f"/api/v1/posts/{post['id']}/schedule", headers={"Origin": "https://evil.example"})
    assert from_elsewhere.status_code == 403
    cross_site = client.post(f"/api/v1/posts/{post['id']}/schedule", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    assert client.get(f"/api/v1/posts/{post['id']}").get_json()["status"] == "draft", "nothing happened"
    assert client.post(f"/api/v1/posts/{post['id']}/schedule").status_code == 200, "a script without a body is fine"
