"""The trusted-HTML mark: only a manager or an owner lets a post's raw HTML reach its channel as written;
a creator's later change to the text clears it; the API, the editor and the audit trail show who did what."""

import pytest

from tests.factories import commit, make_person, make_plan, signed_in

WHEN = "2031-06-02T10:00:00+02:00"
EMBED = "Our summer video.\n\n" + "Word " * 60 + '\n\n<script src="https://widgets.example/embed.js"></script>\n'


@pytest.fixture
def team(app, client, clock_at):
    clock_at("2031-05-20T09:00:00+02:00")
    plan = make_plan()
    commit(plan, "blog")
    chloe = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    mina = signed_in(app, make_person("mina@example.com", "manager", "Mina"))
    return plan, chloe, mina


def write(person, plan, **more):
    fields = {"plan_id": plan.id, "channel": "blog", "title": "Summer", "body": EMBED, "scheduled_at": WHEN, **more}
    return person.post("/api/v1/posts", json=fields)


def warned(post: dict) -> bool:
    return any(p["code"] == "raw_html_removed" for p in post["problems"])


def test_a_creator_cannot_mark_a_post_as_trusted_html_but_a_manager_can(team):
    plan, chloe, mina = team
    refused = write(chloe, plan, trusted_html=True)
    assert refused.status_code == 422
    assert "manager" in refused.get_json()["error"]["fields"]["trusted_html"]

    made = write(chloe, plan)
    assert made.status_code == 201
    post = made.get_json()
    assert post["trusted_html"] is False and warned(post)
    attempt = chloe.patch(f"/api/v1/posts/{post['id']}", json={"trusted_html": True})
    assert attempt.status_code == 422 and "trusted_html" in attempt.get_json()["error"]["fields"]
    assert chloe.get(f"/api/v1/posts/{post['id']}").get_json()["trusted_html"] is False

    trusted = mina.patch(f"/api/v1/posts/{post['id']}", json={"trusted_html": True})
    assert trusted.status_code == 200 and trusted.get_json()["trusted_html"] is True
    assert not warned(trusted.get_json())
    assert write(mina, plan, trusted_html=True).get_json()["trusted_html"] is True


def test_a_creators_change_to_the_text_clears_the_mark_a_managers_keeps_it(team):
    plan, chloe, mina = team
    post_id = write(mina, plan, trusted_html=True).get_json()["id"]
    url = f"/api/v1/posts/{post_id}"
    assert mina.patch(url, json={"body": EMBED + "\nOne more line."}).get_json()["trusted_html"] is True
    assert chloe.patch(url, json={"link": "https://example.com/summer"}).get_json()["trusted_html"] is True
    assert chloe.patch(url, json={"trusted_html": True}).status_code == 200, "keeping the mark as it is is no change"
    changed = chloe.patch(url, json={"title": "Summer, again"}).get_json()
    assert changed["trusted_html"] is False and warned(changed)
    assert chloe.patch(url, json={"body": "New words", "trusted_html": True}).status_code == 422


def test_the_audit_trail_says_who_trusted_the_html_and_who_cleared_it(team, client):
    plan, chloe, mina = team
    post_id = write(chloe, plan).get_json()["id"]
    mina.patch(f"/api/v1/posts/{post_id}", json={"trusted_html": True})
    chloe.patch(f"/api/v1/posts/{post_id}", json={"body": EMBED + "\nEdited."})
    lines = client.get(f"/api/v1/audit?object=post:{post_id}").get_json()
    marks = [
        (line["actor"]["name"], line["changes"]["trusted_html"]) for line in lines if "trusted_html" in line["changes"]
    ]
    assert marks == [("Chloé", [True, False]), ("Mina", [False, True])]
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Trusted HTML False → True" in page and "Trusted HTML True → False" in page


def test_the_editor_offers_the_mark_to_managers_and_tells_creators_about_it(team):
    plan, chloe, mina = team
    post_id = write(chloe, plan).get_json()["id"]
    page = mina.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'name="trusted_html"' in page
    form = {"title": "Summer", "body": EMBED, "scheduled_local": "2031-06-02T10:00", "theme": "auto", "action": "save"}
    mina.post(f"/posts/{post_id}", data={**form, "trusted_html": "y"})
    assert mina.get(f"/api/v1/posts/{post_id}").get_json()["trusted_html"] is True

    page = chloe.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'name="trusted_html"' not in page and "a change to its text or title clears the mark" in page
    chloe.post(f"/posts/{post_id}", data={**form, "body": EMBED + "\nMine.", "trusted_html": "y"})
    assert chloe.get(f"/api/v1/posts/{post_id}").get_json()["trusted_html"] is False
    assert "a manager can mark the post as trusted HTML" in chloe.get(f"/posts/{post_id}").get_data(as_text=True)

    mina.post(f"/posts/{post_id}", data={**form, "body": EMBED + "\nMine."})  # the box left unticked
    assert mina.get(f"/api/v1/posts/{post_id}").get_json()["trusted_html"] is False


def test_the_live_check_says_what_a_trusted_post_keeps(team):
    _plan, chloe, _mina = team
    lint = {"channel": "blog", "title": "T", "body": EMBED}
    found = chloe.post("/api/v1/style/lint", json=lint).get_json()["problems"]
    warning = next(p for p in found if p["code"] == "raw_html_removed")
    assert warning["message"].startswith("<script> will be removed on the blog: mark the post as trusted HTML")
    trusted = chloe.post("/api/v1/style/lint", json={**lint, "trusted_html": True}).get_json()["problems"]
    assert not any(p["code"] == "raw_html_removed" for p in trusted)
    checked = chloe.post("/api/v1/channels/blog/validate", json={"title": "T", "body": EMBED}).get_json()
    assert "raw_html_removed" in {p["code"] for p in checked["problems"]}
