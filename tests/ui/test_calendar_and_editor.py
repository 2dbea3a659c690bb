"""The calendar's counting, the editor's channel fields and live theme line, filters, the charts' escaping."""

import re
from datetime import date

from scheduler.domain.facts import CommitmentFacts
from scheduler.services import calendar, posts
from scheduler.web import charts
from scheduler.web.forms.plans import share_input
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post

HOSTILE = "<script>alert(1)</script>"


def html_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_lay_out_counts_days_and_whole_periods_on_plain_data():
    days = calendar.view_days("week", date(2031, 6, 4))  # Mon 2 June .. Sun 8 June
    daily = CommitmentFacts("twitter", 2, "day", 1, 0.5)
    monthly = CommitmentFacts("blog", 3, "month", 1, 1.0)
    entries = [
        calendar.Entry("twitter", date(2031, 6, 3), True, True),
        calendar.Entry("twitter", date(2031, 6, 3), True, False),
        calendar.Entry("twitter", date(2031, 6, 4), False, True),  # a draft: shown, not counted
        calendar.Entry("blog", date(2031, 6, 20), True, True),  # off screen, inside June
        calendar.Entry("youtube", date(2031, 6, 5), True, False),
    ]  # no commitment: its own row
    rows = calendar.lay_out(days, days, date(2031, 6, 1), date(2031, 8, 31), [daily, monthly], entries)
    twitter, blog, youtube = rows
    assert [(c.filled, c.owed) for c in twitter.cells[:3]] == [(0, 2), (2, 2), (0, 2)]
    assert [c.state for c in twitter.cells[:3]] == ["empty", "met", "empty"]
    assert twitter.cells[1].on_theme == 1 and len(twitter.cells[2].entries) == 1
    (june,) = blog.period_summaries
    assert (june.label, june.filled, june.owed, june.on_theme, june.status) == ("June 2031", 1, 3, 1, "short")
    assert youtube.commitment is None and youtube.cells[3].filled == 1
    assert (
        calendar.period_label(calendar.plan_periods(date(2031, 6, 1), date(2031, 6, 30), "week")[1], "week")
        == "week 23 (02 Jun–08 Jun)"
    )


def test_month_view_counts_match_the_posts(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(starts_on="2031-06-01", ends_on="2031-07-31")
    commit(plan, "twitter", posts=2)
    commit(plan, "newsletter")
    for hour in (9, 12, 15):
        posts.schedule_post(make_post(plan, when=f"2031-06-10T{hour:02d}:00:00+02:00"))
    posts.schedule_post(
        make_post(plan, "newsletter", body="Lettre : l'offre été", title="Juin", when="2031-06-11T08:00:00+02:00")
    )
    html = html_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-15"))
    assert html.count("3/2") == 1 and "0/2" in html
    assert re.search(r"week 24 \(09 Jun–15 Jun\)</td>\s*<td class=\"num\"><strong>1/1</strong>", html)
    assert "week 23 (02 Jun–08 Jun)" in html and "July" not in html.split("this month")[-1]
    assert f"/posts/new?plan_id={plan.id}&amp;channel=newsletter&amp;date=2031-06-11" in html
    week = html_of(client.get(f"/plans/{plan.id}/calendar?view=week&date=2031-06-10"))
    assert "week 24 (09 Jun–15 Jun): <strong>1/1</strong>" in week


def test_editor_channel_fields_and_spring_forward(client, app):
    plan = make_plan(starts_on="2031-03-01", ends_on="2031-05-31")
    response = client.post(
        f"/posts/new?plan_id={plan.id}&channel=ppc",
        data={
            "title": "Offre d'été",
            "body": "Plan every channel.",
            "link": "https://example.com/ete",
            "headlines": "Offre d'été\n夏季优惠来了\n",
            "descriptions": "Une ligne.\nAnother line.",
            "path1": "ete",
            "path2": "",
            "theme": "auto",
            "scheduled_local": "2031-03-30T02:30",
            "action": "save",
        },
    )
    assert response.status_code == 302
    post = posts.list_posts({"plan_id": plan.id})[0]
    assert post.extra["headlines"] == ["Offre d'été", "夏季优惠来了"] and post.extra["path1"] == "ete"
    assert post.scheduled_at.isoformat() == "2031-03-30T01:30:00+00:00", "02:30 does not exist: 03:30 Paris"
    html = html_of(client.get(f"/posts/{post.id}"))
    assert "2031-03-30T03:30" in html and "夏季优惠来了" in html and "Display path 1" in html
    youtube = client.post(
        f"/posts/new?plan_id={plan.id}&channel=youtube",
        data={
            "title": "Été",
            "body": "Vidéo",
            "tags": "été, 夏季 , summer",
            "theme": "off",
            "scheduled_local": "2031-04-01T18:00",
            "action": "save",
        },
    )
    assert youtube.status_code == 302
    video = posts.list_posts({"plan_id": plan.id, "channel": "youtube"})[0]
    assert video.extra["tags"] == ["été", "夏季", "summer"] and video.theme_source == "manual" and not video.on_theme


def test_theme_check_names_the_matched_keywords(client, app):
    plan = make_plan()
    data = {"channel": "twitter", "body": "Profitez de l'Offre d'Été et du 夏季优惠！", "theme": "auto"}
    match = client.post(f"/plans/{plan.id}/theme-check", data=data).get_json()
    assert match == {"on_theme": True, "matched": ["offre ete", "夏季优惠"], "source": "keywords"}
    off = client.post(f"/plans/{plan.id}/theme-check", data={**data, "theme": "off"}).get_json()
    assert off["on_theme"] is False and off["source"] == "manual"
    assert client.post(f"/plans/{plan.id}/theme-check", data={"channel": "fax"}).status_code == 404
    assert posts.list_posts({"plan_id": plan.id}) == []


def test_editor_actions_unschedule_cancel_and_refuse_changes(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan()
    post = posts.schedule_post(make_post(plan))
    assert (
        "back to draft"
        in html_of(client.post(f"/posts/{post.id}", data={"action": "unschedule"}, follow_redirects=True)).lower()
    )
    assert posts.get_post(post.id).status == "draft"
    confirmed = {"action": "cancel", "confirmed": "yes"}
    html = html_of(client.post(f"/posts/{post.id}", data=confirmed, follow_redirects=True))
    assert "Cancelled" in html and posts.get_post(post.id).status == "cancelled"
    html = html_of(client.post(f"/posts/{post.id}", data={"action": "save", "body": "changed"}, follow_redirects=True))
    assert "nothing was saved" in html and posts.get_post(post.id).body != "changed"


def test_posts_list_filters_by_local_days_and_channel(client, app):
    plan = make_plan()
    make_post(plan, body="Late on the 2nd", when="2031-06-02T23:30:00+02:00")  # 21:30 UTC, still the 2nd
    make_post(plan, body="Early on the 3rd", when="2031-06-03T00:30:00+02:00")
    make_post(plan, "newsletter", body="Lettre du 3", title="Juin", when="2031-06-03T08:00:00+02:00")
    html = html_of(client.get(f"/plans/{plan.id}/posts?from=2031-06-03&to=2031-06-03&channel=twitter"))
    assert "Early on the 3rd" in html and "Late on the 2nd" not in html and "Lettre du 3" not in html
    html = html_of(client.get(f"/plans/{plan.id}/posts?to=2031-06-02"))
    assert "Late on the 2nd" in html and "Early on the 3rd" not in html
    assert "must be YYYY-MM-DD" in html_of(client.get(f"/plans/{plan.id}/posts?from=juin"))
    assert "unknown status" in html_of(client.get(f"/plans/{plan.id}/posts?status=lost"))


def test_ceiling_typed_as_percent_or_fraction():
    assert [share_input(t) for t in ("50%", "50 %", "50", "0.5", "0,5", "1", "1%", "", "half")] == [
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        1.0,
        0.01,
        None,
        "half",
    ]


def test_commitment_errors_name_the_field_and_keep_the_input(client, app):
    plan = make_plan()
    response = client.post(
        f"/plans/{plan.id}/commitments/youtube",
        data={"posts": "0", "per": "fortnight", "one_note_max_share": "150%", "note": "été"},
    )
    html = html_of(response, 422)
    assert "Posts per period must be at least 1" in html and "Period must be one of day, week" in html
    assert "One-note ceiling must be more than 0 and at most 1" in html and 'value="été"' in html
    assert "one_note_max_share:" not in html and "posts:" not in html
    assert plan.commitments == []


def test_svg_text_is_escaped():
    row = {"channel": "twitter", "floor": 0.25, "ceiling": 0.5, "coverage_ratio": 0.3, "status": "ok"}
    svg = str(charts.coverage_chart([row], labels={"twitter": HOSTILE}))
    assert HOSTILE[:12] not in svg and "&lt;script&gt;" in svg
    week = {"week_start": "<b>2031-06-02", "committed": 2, "posts": 1, "published": 0}
    assert "<b>" not in str(charts.weekly_chart([week]))


def test_forms_need_the_csrf_token_and_the_api_does_not(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    fields = {
        "name": "Q3",
        "theme": "Été",
        "starts_on": "2031-07-01",
        "ends_on": "2031-09-30",
        "timezone": "Asia/Shanghai",
    }
    assert client.post("/plans/new", data=fields).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', html_of(client.get("/plans/new"))).group(1)
    assert client.post("/plans/new", data={**fields, "csrf_token": token}).status_code == 302
    assert client.post("/api/v1/plans", json={**fields, "keywords": []}).status_code == 201


def test_calendar_survives_odd_dates(client, app):
    plan = make_plan()
    for query in ("view=week&date=9999-12-31", "view=month&date=0001-01-01", "view=year&date=juin", ""):
        assert "Calendar" in html_of(client.get(f"/plans/{plan.id}/calendar?{query}"))
