"""The pages' forms: a refusal names each field by the label people read (never the API's name for
it), keeps what was typed, and a form posted without its CSRF token is refused."""

import re
from html import unescape
from io import BytesIO

import pytest

from scheduler.services import lifecycle, plans, posts, style
from scheduler.services.newsletter import subscribers
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post
from tests.library.builders import add_items


def shown_text(response, status=422) -> str:
    """What a person reads on the page: the text, without the markup's attributes (field names)."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    main = html[html.index("<main") :]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def typed(response, name: str, value: str) -> bool:
    """Whether the page shows ``value`` again in the input (or text area) called ``name``."""
    html = response.get_data(as_text=True)
    inputs = re.findall(rf'<input [^>]*name="{name}"[^>]*>', html)
    areas = re.findall(rf'<textarea [^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', html)
    return any(f'value="{value}"' in i for i in inputs) or value in areas


@pytest.fixture
def echo_channel(extra_channel):
    from tests.support.echo_channel import EchoChannel

    extra_channel(EchoChannel)


def test_a_plan_refused_names_the_fields_by_their_labels_and_keeps_them(client):
    response = client.post(
        "/plans/new",
        data={"name": "Q3", "theme": "", "starts_on": "2031-07-01", "ends_on": "2031-06-01", "timezone": "Paris"},
    )
    text = shown_text(response)
    assert "Ends on must be on or after the first day" in text and "Theme or offer is required" in text
    assert "Nothing was saved: please correct Theme or offer, Ends on and Time zone below." in text
    assert "ends_on" not in text and "timezone" not in text
    assert typed(response, "name", "Q3") and typed(response, "timezone", "Paris")
    assert plans.all_plans() == []


def test_a_commitment_refused_says_the_ceiling_by_its_label(client):
    plan = make_plan()
    response = client.post(
        f"/plans/{plan.id}/commitments/twitter",
        data={"posts": "4", "per": "day", "on_theme_min": "3", "one_note_max_share": "50 %", "note": "été"},
    )
    text = shown_text(response)
    assert "One-note ceiling must be at least the floor (75%, 3 of 4 on theme)" in text
    assert "one_note_max_share" not in text and "on_theme_min" not in text
    assert typed(response, "one_note_max_share", "50 %") and typed(response, "note", "été")
    assert plans.get_plan(plan.id).commitments == []


def test_the_editor_names_a_channels_own_fields_and_keeps_the_text(client):
    plan = make_plan()
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=ppc",
        data={"body": "Bonjour", "link": "ftp://nope", "scheduled_local": "demain", "headlines": "Un\nDeux"},
    )
    text = shown_text(response)
    assert "Final URL must be an http:// or https:// address" in text
    assert "When must be a date and a time, such as 2031-09-01 10:00" in text
    assert "Not saved: please correct Final URL and When below." in text
    assert "scheduled_at" not in text and "ISO 8601" not in text
    assert typed(response, "body", "Bonjour") and typed(response, "headlines", "Un\nDeux")
    assert typed(response, "scheduled_local", "demain")
    assert posts.list_posts({"plan_id": plan.id}) == []


def test_scheduling_refused_is_said_with_the_field_label(client):
    plan = make_plan()
    post = make_post(plan)
    client.post(f"/posts/{post.id}", data={"body": post.body, "scheduled_local": "", "action": "schedule"})
    page = client.get(f"/posts/{post.id}")
    text = shown_text(page, 200)
    assert "When is required before the post can be scheduled" in text and "scheduled_at" not in text
    assert posts.get_post(post.id).status == "draft"


def test_a_style_rule_refused_names_the_field_by_its_label(client):
    form = {"kind": "term_rule", "title": "Disclose", "rule": "disclosure", "severity": "error", "body": "why"}
    response = client.post("/style/new", data=form)
    text = shown_text(response)
    assert "Promotional posts must carry: a disclosure rule needs the text" in text
    assert "requires:" not in text
    assert typed(response, "title", "Disclose") and typed(response, "body", "why")
    assert style.list_entries() == []


def test_a_feed_refused_names_the_fields_by_their_labels(client):
    response = client.post("/library/feeds", data={"url": "feed.example", "channel": "blog", "refresh_minutes": "1"})
    text = shown_text(response)
    assert "Feed address must be an http:// or https:// address" in text
    assert "Refresh every must be at least 5" in text and "refresh_minutes" not in text
    assert typed(response, "url", "feed.example") and typed(response, "refresh_minutes", "1")


def test_use_on_and_evergreen_refused_name_their_fields_by_their_labels(client):
    item_id = add_items("blog", [{"remote_id": "b1", "title": "A guide"}])["b1"]
    adapt = client.post(f"/library/items/{item_id}/adapt", data={"channel": "twitter", "plan_id": "999"})
    assert "Plan: no plan with id 999" in shown_text(adapt) and "plan_id" not in shown_text(adapt)
    evergreen = client.post(f"/library/items/{item_id}/evergreen", data={"evergreen": "y", "cooldown_days": "0"})
    text = shown_text(evergreen)
    assert "Cool-down between runs must be at least 1" in text and "cooldown_days" not in text
    assert typed(evergreen, "cooldown_days", "0")


def test_a_metrics_mapping_refused_names_the_field_by_its_label(client):
    screen = client.post(
        "/library/metrics",
        data={"file": (BytesIO(b"Link,Impressions\nhttps://x.com/a/status/1,100\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" value="([^"]+)"', screen.get_data(as_text=True)).group(1)
    form = {"token": token, "filename": "x.csv", "name": "", "channel": "twitter", "key_column": "Link"}
    response = client.post(
        "/library/metrics/import", data={**form, "key_kind": "link", "metric_impressions": "Impressions"}
    )
    text = shown_text(response)
    assert "Remember this mapping as is required" in text and "name:" not in text


def test_an_account_refused_names_the_channels_fields_by_their_labels(client, echo_channel):
    response = client.post("/accounts/echotest", data={"name": "@atlas", "api_url": "", "token": ""})
    text = shown_text(response)
    assert "API address is required" in text and "Token is required" in text
    assert "api_url" not in text and typed(response, "name", "@atlas")


def test_the_link_builder_names_the_missing_tag_by_its_label(client):
    response = client.post("/tools/utm", data={"url": "https://example.com/", "source": "google", "medium": "cpc"})
    text = shown_text(response)
    assert "Campaign is required" in text and typed(response, "url", "https://example.com/")


def test_newsletter_forms_name_their_fields_by_their_labels(client):
    signup = client.post("/newsletter/signup", data={"email": "not an address", "name": "Zoë"})
    assert "Email is not an email address" in shown_text(signup) and typed(signup, "name", "Zoë")
    referral = client.post("/newsletter/referrals", data={"staff_name": "", "code": "a"})
    text = shown_text(referral)
    assert "Staff member is required" in text and "Code: use 2 to 40 letters" in text
    assert "staff_name" not in text and typed(referral, "code", "a")


def test_a_bad_filter_of_the_posts_list_is_said_in_words(client):
    plan = make_plan()
    text = shown_text(client.get(f"/plans/{plan.id}/posts?status=lost"), 200)
    assert "Status: unknown status 'lost'" in text and "invalid input" not in text


def test_the_editor_offers_the_buttons_the_services_allow(client, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    commit(plan, "twitter")
    draft, queued, cancelled = make_post(plan), posts.schedule_post(make_post(plan)), make_post(plan)
    posts.cancel_post(cancelled)
    published = posts.schedule_post(make_post(plan))
    with unit_of_work():  # what a worker does
        assert lifecycle.move(published.id, "publishing", note="claimed")
        assert lifecycle.move(published.id, "published", note="delivered")

    def buttons(post):
        return re.findall(r'name="action" value="(\w+)"', client.get(f"/posts/{post.id}").get_data(as_text=True))

    assert buttons(draft) == ["save", "schedule", "cancel"]
    assert buttons(queued) == ["save", "unschedule", "cancel"]
    assert buttons(cancelled) == [] and buttons(published) == []
    assert "<fieldset disabled>" in client.get(f"/posts/{published.id}").get_data(as_text=True)
    assert "<fieldset disabled>" not in client.get(f"/posts/{draft.id}").get_data(as_text=True)


FORMS = {
    "a plan": lambda plan: ("/plans/new", {"name": "Q4", "theme": "Hiver", "timezone": "Europe/Paris"}),
    "a commitment": lambda plan: (f"/plans/{plan.id}/commitments/youtube", {"posts": "1", "per": "month"}),
    "a post": lambda plan: (f"/posts/new?plan_id={plan.id}&channel=twitter", {"body": "Hello", "action": "save"}),
    "a style entry": lambda plan: ("/style/new", {"kind": "guideline", "title": "Tone"}),
    "a feed": lambda plan: ("/library/feeds", {"url": "https://example.com/feed", "channel": "blog"}),
    "an account": lambda plan: ("/accounts/webhook", {"name": "CMS", "url": "https://cms.example/hook"}),
    "a referral code": lambda plan: ("/newsletter/referrals", {"staff_name": "Alice", "code": "alice"}),
    "a signup": lambda plan: ("/newsletter/signup", {"email": "zoe@example.com"}),
}


@pytest.mark.parametrize("what", FORMS)
def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(client, app, what):
    plan = make_plan()
    app.config["WTF_CSRF_ENABLED"] = True
    url, data = FORMS[what](plan)
    before = client.get("/api/v1/plans").get_json(), client.get("/api/v1/posts").get_json()
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400
    assert (client.get("/api/v1/plans").get_json(), client.get("/api/v1/posts").get_json()) == before
    assert style.list_entries() == [] and client.get("/api/v1/library/feeds").get_json() == []
    assert client.get("/api/v1/accounts").get_json() == []
    assert subscribers.referral_report() == [] and not any(subscribers.counts_by_status().values())
