"""A plan's calendar feed over the API: what a calendar app shows of its posts and of the periods that
still owe posts, read back with the icalendar library as a calendar app reads it."""

from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from scheduler.services import posts, tokens
from tests.factories import BEFORE_THE_PLAN, commit, make_person, make_plan, make_post

FEED = "/api/v1/plans/{id}/calendar.ics"


@pytest.fixture
def reader(app):
    """A viewer's read-only token: the least that reads a feed."""
    viewer = make_person("vera@example.com", "viewer", "Vera")
    return {"Authorization": f"Bearer {tokens.create(viewer, 'calendar', read_only=True)[1]}"}


@pytest.fixture
def shanghai(app, clock_at):
    """A plan kept on Shanghai's clock (UTC+8, no daylight saving), one tweet a week committed."""
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(name="夏季优惠 Q3", timezone="Asia/Shanghai")
    commit(plan, "twitter", posts=2, per="week", on_theme_min=1)
    commit(plan, "newsletter")
    return plan


def read(client, plan, headers, **query):
    answer = client.get(FEED.format(id=plan.id), headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer, Calendar.from_ical(answer.data)


def timed(calendar) -> list:
    return [event for event in calendar.walk("VEVENT") if isinstance(event["DTSTART"].dt, datetime)]


def all_day(calendar) -> list:
    return [event for event in calendar.walk("VEVENT") if not isinstance(event["DTSTART"].dt, datetime)]


def test_a_post_at_nine_in_shanghai_is_at_one_utc_in_the_feed(app, shanghai, reader):
    post = posts.schedule_post(make_post(shanghai, body="夏季优惠来了", when="2031-06-02T09:00:00+08:00"))
    answer, calendar = read(app.test_client(), shanghai, reader)
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"DTSTART:20310602T010000Z" in answer.data, "written in UTC, whatever the plan's zone"
    (event,) = timed(calendar)
    assert event["DTSTART"].dt == datetime(2031, 6, 2, 1, 0, tzinfo=timezone.utc)
    assert event["DURATION"].dt == timedelta(minutes=15)
    assert str(event["UID"]) == f"post-{post.id}@localhost", "stable per post, at the public URL's host"
    assert str(event["SUMMARY"]) == "[X / Twitter] 夏季优惠来了"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert f"http://localhost/posts/{post.id}" in str(event["DESCRIPTION"]) and str(event["URL"]).endswith(
        f"/posts/{post.id}"
    )
    assert "queued" in str(event["DESCRIPTION"]) and "Asia/Shanghai" in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == ["X / Twitter"]
    assert str(calendar["X-WR-CALNAME"]) == "夏季优惠 Q3" and str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"


def test_the_events_are_the_posts_meant_to_go_out_and_drafts_with_a_time_are_tentative(app, shanghai, reader):
    scheduled = posts.schedule_post(make_post(shanghai, body="Scheduled one", when="2031-06-03T10:00:00+08:00"))
    draft = make_post(shanghai, body="A draft with a time", when="2031-06-04T10:00:00+08:00")
    cancelled = posts.cancel_post(make_post(shanghai, body="Cancelled one", when="2031-06-05T10:00:00+08:00"))
    outside = make_post(shanghai, body="After the plan", when="2031-09-02T10:00:00+08:00")
    _answer, calendar = read(app.test_client(), shanghai, reader)
    by_uid = {str(e["UID"]).split("@")[0]: e for e in timed(calendar)}
    assert set(by_uid) == {f"post-{scheduled.id}", f"post-{draft.id}"}
    assert {cancelled.id, outside.id}.isdisjoint(int(uid.split("-")[1]) for uid in by_uid)
    assert str(by_uid[f"post-{draft.id}"]["STATUS"]) == "TENTATIVE"
    assert "(draft)" in str(by_uid[f"post-{draft.id}"]["SUMMARY"])


def test_periods_still_short_are_all_day_reminders_on_the_plans_days(app, shanghai, reader, clock_at):
    posts.schedule_post(make_post(shanghai, body="Off theme tweet", on_theme=False, when="2031-06-03T10:00:00+08:00"))
    clock_at("2031-06-04T12:00:00+08:00")  # the plan's first full week (2–8 June) is the current one
    _answer, calendar = read(app.test_client(), shanghai, reader, channel="twitter")
    reminders = {event["DTSTART"].dt: event for event in all_day(calendar)}
    assert date(2031, 6, 1) not in reminders, "the first week (Sunday 1 June alone) is past"
    week = reminders[date(2031, 6, 2)]
    assert week["DTEND"].dt == date(2031, 6, 9), "an all-day span over the week's days, its end exclusive"
    assert str(week["SUMMARY"]) == "X / Twitter: 1 more on-theme post needed this week"
    assert "1 more post needed this week" in str(week["DESCRIPTION"])
    assert date(2031, 8, 25) in reminders and len(reminders) == 13, "every week still to come owes its posts"


def test_a_channel_filter_keeps_that_channels_posts_and_reminders(app, shanghai, reader):
    tweet = posts.schedule_post(make_post(shanghai, body="Tweet", when="2031-06-03T10:00:00+08:00"))
    posts.schedule_post(
        make_post(shanghai, channel="newsletter", title="Letter", body="Letter", when="2031-06-03T11:00:00+08:00")
    )
    _answer, everything = read(app.test_client(), shanghai, reader)
    _answer, tweets = read(app.test_client(), shanghai, reader, channel="twitter")
    assert len(timed(everything)) == 2 and [str(e["UID"]) for e in timed(tweets)] == [f"post-{tweet.id}@localhost"]
    assert {c for e in all_day(everything) for c in e["CATEGORIES"].cats} == {"X / Twitter", "Newsletter"}
    assert {c for e in all_day(tweets) for c in e["CATEGORIES"].cats} == {"X / Twitter"}
    assert str(tweets["X-WR-CALNAME"]) == "夏季优惠 Q3: X / Twitter"


def test_an_unknown_channel_is_a_422_on_the_channel_field_and_an_unknown_plan_a_404(app, shanghai, reader):
    wrong = app.test_client().get(FEED.format(id=shanghai.id), headers=reader, query_string={"channel": "myspace"})
    assert wrong.status_code == 422 and "myspace" in wrong.get_json()["error"]["fields"]["channel"]
    assert app.test_client().get(FEED.format(id=999999), headers=reader).status_code == 404


def test_no_token_is_a_401_and_a_revoked_token_too(app, shanghai, reader):
    nobody = app.test_client().get(FEED.format(id=shanghai.id))
    assert nobody.status_code == 401 and nobody.get_json()["error"]["message"]
    stale = {"Authorization": "Bearer rfn_not-a-token-at-all"}
    assert app.test_client().get(FEED.format(id=shanghai.id), headers=stale).status_code == 401


def test_the_feed_speaks_the_readers_language(app, shanghai, reader):
    posts.schedule_post(make_post(shanghai, body="Bonjour", when="2031-06-03T10:00:00+08:00"))
    french = dict(reader, **{"Accept-Language": "fr-FR,fr;q=0.9"})
    _answer, calendar = read(app.test_client(), shanghai, french, channel="twitter")
    (event,) = timed(calendar)
    assert "Statut" in str(event["DESCRIPTION"])
    assert any("publication" in str(e["SUMMARY"]) for e in all_day(calendar))


def test_text_with_commas_semicolons_and_new_lines_comes_back_as_written(app, shanghai, reader):
    body = "Line one; with a semicolon, and a comma\nLine two: \\ a backslash " + "long " * 40
    posts.schedule_post(make_post(shanghai, body=body, when="2031-06-03T10:00:00+08:00"))
    answer, calendar = read(app.test_client(), shanghai, reader)
    (event,) = timed(calendar)
    assert body.strip() in str(event["DESCRIPTION"])
    assert all(len(line) <= 75 for line in answer.data.split(b"\r\n")), "folded at 75 octets"


def test_a_feed_read_again_is_the_same_and_a_changed_post_is_written_anew(app, shanghai, reader):
    post = posts.schedule_post(make_post(shanghai, body="First words", when="2031-06-03T10:00:00+08:00"))
    first, _calendar = read(app.test_client(), shanghai, reader)
    again, _calendar = read(app.test_client(), shanghai, reader)
    assert again.data == first.data, "the events kept written in Redis are the events written"
    posts.update_post(posts.get_post(post.id), {"body": "Second words"})
    _answer, calendar = read(app.test_client(), shanghai, reader)
    (event,) = timed(calendar)
    assert str(event["SUMMARY"]).endswith("Second words"), "a change is a new event, never a stale one"
