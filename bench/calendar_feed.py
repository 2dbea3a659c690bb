"""A plan's calendar feed over 10,000 posts (``--posts N``): the whole feed as a calendar app reads it, in
its parts (reading the posts as plain rows, the owed periods from the compliance report, the domain's
events, the icalendar library's writing), against a baseline measured in the same run: the posts'
JSON as ``GET /api/v1/posts?plan_id=`` makes it (``post_dict``, every post at once), the
other way a script would read the same plan. Target: well under a second, so a calendar app's read every
few minutes costs the server nothing to speak of."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from bench.common import bench_app, database_name, timed
from bench.report import populate
from scheduler.domain import calendar_feed
from scheduler.infra import ical
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import calendar_feeds, clock, plans, posts, runtime

POSTS = 10_000


def main(count: int | None = None):
    count = count or POSTS
    with bench_app():
        first_day = clock.today("Europe/Paris") + timedelta(days=1)  # owed periods to come: reminders too
        plan = plans.create_plan(
            {
                "name": "Bench quarter",
                "theme": "Summer offer",
                "key_message": "",
                "keywords": ["summer offer"],
                "starts_on": first_day.isoformat(),
                "ends_on": (first_day + timedelta(days=90)).isoformat(),
                "timezone": "Europe/Paris",
            }
        )
        for channel, (number, per) in {"twitter": (40, "day"), "newsletter": (2, "week"), "blog": (4, "week")}.items():
            plans.set_commitment(plan, channel, {"posts": number, "per": per, "on_theme_min": 1})
        populate(plan, count, random.Random(17))
        forget = runtime.queues().connection.flushdb  # no event kept written: a first read
        baseline, listed = timed(lambda: _listed(plan.id))
        cold, feed = timed(lambda: calendar_feeds.plan_feed(plan.id), before=forget)
        warm, again = timed(lambda: calendar_feeds.plan_feed(plan.id))
        changed, _feed = timed(lambda: calendar_feeds.plan_feed(plan.id), before=lambda: _edit(plan.id, 100))
        read, rows = timed(lambda: calendar_feeds.posts_of(plan, None))
        owing, owed = timed(lambda: calendar_feeds.owed_of(plan))
        deciding, events = timed(lambda: _events(plan, rows, owed))
        writing, _written = timed(lambda: ical.render(events))
        database = database_name()
    assert again == feed, "the events kept written are the events written"
    shown = feed.count(b"BEGIN:VEVENT")
    print(f"a plan's calendar feed, {count:,} posts over 91 days, {database} ({_day()}):")
    print(f"  the posts as JSON, {listed:,} posts (baseline):   {baseline * 1000:7.0f} ms")
    print(f"  the feed, {shown:,} events, {len(feed) / 1e6:.1f} MB:")
    print(f"    first read, every event written:      {cold * 1000:7.0f} ms  = {cold / baseline:.2f}x the baseline")
    print(f"    read again, events kept in Redis:     {warm * 1000:7.0f} ms  = {warm / baseline:.2f}x the baseline")
    print(f"    read after 100 posts changed:         {changed * 1000:7.0f} ms  = {changed / baseline:.2f}x baseline")
    print("  the first read's parts:")
    print(f"    reading the posts' rows ({len(rows):,}):       {read * 1000:7.0f} ms")
    print(f"    owed periods, from the report ({len(owed):,}):   {owing * 1000:7.0f} ms")
    print(f"    the domain's events:                  {deciding * 1000:7.0f} ms")
    print(f"    written by icalendar, none kept:      {writing * 1000:7.0f} ms")


def _listed(plan_id: int) -> int:
    """Every post of the plan as the posts list's JSON gives each (its pages stop at 5,000: read at once)."""
    found = db.session.scalars(select(Post).where(Post.plan_id == plan_id).order_by(Post.scheduled_at, Post.id))
    listed = [posts.post_dict(p) for p in found]
    db.session.expunge_all()  # the next run reads afresh, as the next request would
    return len(listed)


def _edit(plan_id: int, count: int) -> None:
    """``count`` posts of the plan changed as an edit changes them (their text and ``updated_at``)."""
    changed = db.session.scalars(select(Post).where(Post.plan_id == plan_id).order_by(func.random()).limit(count))
    for post in changed:
        post.body += " (edited)"
        post.updated_at = clock.now()
    db.session.commit()


def _events(plan, rows, owed):
    return calendar_feed.feed(
        calendar_feed.FeedPlan(plan.id, plan.name, plan.timezone, plan.starts_on, plan.ends_on),
        rows,
        owed,
        labels={},
        editor_url="http://127.0.0.1:5000/posts",
        host="127.0.0.1",
        now=clock.now(),
    )


def _day() -> str:
    return date.today().isoformat()
