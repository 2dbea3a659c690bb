"""A busy plan's pages stay light: the calendar draws a handful of posts per channel and day, links to
the rest and still counts them all; the report finds repeated messages once however many readers
ask at the same moment, and never serves groups older than the posts."""

import re
import threading
import time

from scheduler.models import Plan
from scheduler.models.database import db
from scheduler.services import calendar, posts, repeated_messages, reports
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post

REPEATED = "Summer offer: two months free on every annual plan"


def html_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def busy_day(plan, count: int, day: str = "2031-06-10"):
    """``count`` tweets on ``day``, a quarter of an hour apart from 08:00, every other one on theme."""
    for n in range(count):
        hour, minute = divmod(8 * 60 + 15 * n, 60)
        body = "Profitez de l'Offre d'été !" if n % 2 == 0 else f"Note {n} on something else"
        posts.schedule_post(make_post(plan, body=body, when=f"{day}T{hour:02d}:{minute:02d}:00+02:00"))


def test_a_busy_month_cell_shows_a_handful_of_dots_counts_all_and_links_to_the_rest(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(starts_on="2031-06-01", ends_on="2031-07-31")
    commit(plan, "twitter", posts=4)
    busy_day(plan, 9)
    html = html_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-15"))
    shown = calendar.CHIPS_SHOWN["month"]
    assert html.count('class="dot ') == shown
    assert "9/4" in html and "★5" in html, "the count and the stars are the whole day's"
    more = re.search(r'<a class="more" href="([^"]+)"[^>]*>\+(\d+)</a>', html)
    assert more and int(more.group(2)) == 9 - shown
    assert more.group(1) == f"/plans/{plan.id}/posts?channel=twitter&amp;from=2031-06-10&amp;to=2031-06-10"
    listing = html_of(client.get(more.group(1).replace("&amp;", "&")))
    assert listing.count(">Note ") == 4, "the linked list holds every post of that day"


def test_a_busy_week_cell_shows_twelve_chips_and_links_to_the_rest(client, app, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(starts_on="2031-06-01", ends_on="2031-07-31")
    commit(plan, "twitter", posts=4)
    busy_day(plan, 14)
    html = html_of(client.get(f"/plans/{plan.id}/calendar?view=week&date=2031-06-10"))
    assert html.count('class="post-chip ') == calendar.CHIPS_SHOWN["week"] == 12
    assert re.search(
        rf'href="/plans/{plan.id}/posts\?channel=twitter&amp;from=2031-06-10&amp;to=2031-06-10"'
        r"[^>]*>\+2 more</a>",
        html,
    )
    assert "14/4" in html and "08:00 Profitez de l&#39;Offre d&#39;été !" in html


def test_calendar_links_are_the_ones_url_for_builds(client, app):
    plan = make_plan(starts_on="2031-06-01", ends_on="2031-07-31")
    commit(plan, "twitter")
    post = make_post(plan, when="2031-06-10T09:00:00+02:00")
    for view in ("week", "month"):
        html = html_of(client.get(f"/plans/{plan.id}/calendar?view={view}&date=2031-06-10"))
        assert f'href="/posts/{post.id}"' in html
        assert f'href="/posts/new?plan_id={plan.id}&amp;channel=twitter&amp;date=2031-06-10"' in html
    month = html_of(client.get(f"/plans/{plan.id}/calendar?view=month&date=2031-06-10"))
    assert f'href="/plans/{plan.id}/calendar?view=week&amp;date=2031-06-10"' in month


def repeated_plan():
    plan = make_plan()
    commit(plan, "twitter")
    posts.schedule_post(make_post(plan, body=REPEATED))
    posts.schedule_post(make_post(plan, body=REPEATED + "!", when="2031-06-03T10:00:00+02:00"))
    return plan


def count_detections(monkeypatch, pause: float = 0.0) -> list:
    calls = []

    searching = repeated_messages.find_and_store

    def counting(*args):
        calls.append(1)
        time.sleep(pause)  # long enough for the other readers to arrive while it runs
        return searching(*args)

    monkeypatch.setattr(repeated_messages, "find_and_store", counting)
    return calls


def test_concurrent_readers_after_an_edit_find_repeats_once(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan_id = repeated_plan().id
    calls = count_detections(monkeypatch, pause=0.5)
    results = []

    def read():
        with app.app_context():
            results.append(reports.compliance(db.session.get(Plan, plan_id))["repeated_messages"])

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=30)
    assert len(results) == 4 and all(len(groups) == 1 for groups in results)
    assert len(calls) == 1, "one reader found them, the others waited for its result"


def test_a_reader_never_gets_groups_older_than_the_posts(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = repeated_plan()
    assert len(reports.compliance(plan)["repeated_messages"]) == 1
    third = posts.schedule_post(make_post(plan, body=REPEATED + "!!", when="2031-06-04T10:00:00+02:00"))
    [group] = reports.compliance(plan)["repeated_messages"]
    assert third.id in group["post_ids"]


def test_a_lock_never_released_delays_a_reader_only_briefly(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = repeated_plan()
    monkeypatch.setattr(repeated_messages, "RECOMPUTE_WAIT_SECONDS", 0.3)
    held = repeated_messages.lock_connection().lock(
        f"{app.config['REFRAIN_QUEUE_PREFIX']}:repetition-recompute:{plan.id}", timeout=60
    )
    assert held.acquire(blocking=False)
    calls = count_detections(monkeypatch)
    started = time.monotonic()
    assert len(reports.compliance(plan)["repeated_messages"]) == 1
    assert 0.3 <= time.monotonic() - started < 5 and len(calls) == 1


def test_without_redis_a_reader_just_finds_them(app, monkeypatch, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = repeated_plan()
    monkeypatch.setattr(repeated_messages, "lock_connection", lambda: None)
    calls = count_detections(monkeypatch)
    assert len(reports.compliance(plan)["repeated_messages"]) == 1 and len(calls) == 1


def test_a_newer_stored_fingerprint_is_current_an_older_or_different_one_is_not():
    assert repeated_messages.fingerprint_is_current("12:abc", "12:abc")
    assert repeated_messages.fingerprint_is_current("13:abc", "12:abc")
    assert not repeated_messages.fingerprint_is_current("11:abc", "12:abc")
    assert not repeated_messages.fingerprint_is_current("13:abd", "12:abc")
    assert not repeated_messages.fingerprint_is_current("garbage", "12:abc")
