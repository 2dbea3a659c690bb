"""A plan's calendar feed (``GET /api/v1/plans/<id>/calendar.ics``, or a person's secret link): the plan's
posts and what its commitments still owe, as an RFC 5545 calendar.

The service reads; ``domain.calendar_feed`` decides what each post and each owed period becomes, and
``infra.ical`` writes it. The feed is bounded by the plan's own span (its first local midnight to the
one after its last day): a calendar app reads the whole feed every time, so it holds the plan and
nothing older. Posts are read as plain columns (no ORM objects, no JSON columns): a plan of 10,000
posts is one query. What is owed comes from the compliance report (through the rollup: no post is
read for it), so the feed and the report never disagree about a period.

Each event's written form is kept in Redis for a day (``Written``; ``infra.ical`` says why): a calendar
app that reads a plan of 10,000 posts again gets it in a second instead of ten, and a post that changed
is written anew, its key being a digest of everything its event says. Without Redis, everything is
written each time.

Sentences are in the language spoken now: the API's reader's (``Accept-Language``), or through a
secret link the person's chosen language, else their calendar app's ``Accept-Language``
(``through_link``).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from sqlalchemy import select

import channels.registry as channel_registry
from scheduler.domain import calendar_feed, language
from scheduler.domain.calendar_feed import FeedPlan, FeedPost
from scheduler.domain.periods import ONE_DAY, day_start_utc
from scheduler.infra import catalogs, ical
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import calendar_links, clock, plans, reports, runtime
from scheduler.services.errors import Invalid, NotFound

CONTENT_TYPE = "text/calendar; charset=utf-8"
KEEP = timedelta(days=1)  # how long a written event stays in Redis when no feed reads it


def plan_feed(plan_id, channel: str | None = None) -> bytes:
    """The plan's feed (``channel``: that channel's posts and reminders only), as iCalendar bytes."""
    plan = plans.get_plan(plan_id)
    channel = checked_channel(channel)
    settings = runtime.settings()
    feed = calendar_feed.feed(
        FeedPlan(plan.id, plan.name, plan.timezone, plan.starts_on, plan.ends_on),
        posts_of(plan, channel),
        owed_of(plan),
        labels={c.name: c.label for c in channel_registry.all_channels()},
        editor_url=f"{settings.public_url}/posts",
        host=urlsplit(settings.public_url).hostname or "refrain",
        now=clock.now(),
        channel=channel,
    )
    return ical.render(feed, Written())


def through_link(secret: str, plan_id, channel: str | None = None) -> bytes:
    """The feed a person's secret link gives, in the person's language (their browser's, else what the
    calendar app asks for). A link that is not live is the same NotFound as a plan that does not exist."""
    user = calendar_links.holder(secret)
    if user is None:
        raise NotFound("calendar", language._("no such calendar"))
    if user.language in language.LANGUAGES:
        with language.speaking(catalogs.translations(user.language)):
            return plan_feed(plan_id, channel)
    return plan_feed(plan_id, channel)


def checked_channel(channel: str | None) -> str | None:
    """The channel asked for, or None for all; Invalid (field ``channel``) for one nobody registered."""
    if channel is None or channel == "":
        return None
    problem = channel_registry.why_unknown(channel)
    if problem:
        raise Invalid({"channel": problem})
    return channel


def posts_of(plan: Plan, channel: str | None) -> list[FeedPost]:
    """The plan's posts a feed shows, within the plan's span, by time."""
    first = day_start_utc(plan.starts_on, plan.timezone)
    end = day_start_utc(plan.ends_on + ONE_DAY, plan.timezone)
    query = (
        select(Post.id, Post.channel, Post.title, Post.body, Post.status, Post.scheduled_at, Post.updated_at)
        .where(
            Post.plan_id == plan.id,
            Post.status.in_(calendar_feed.SHOWN),
            Post.scheduled_at >= first,
            Post.scheduled_at < end,
        )
        .order_by(Post.scheduled_at, Post.id)
    )
    if channel is not None:
        query = query.where(Post.channel == channel)
    return [FeedPost(*row) for row in db.session.execute(query)]


def owed_of(plan: Plan) -> list[calendar_feed.Owed]:
    """The periods, current or to come, whose commitment is not met yet (the compliance report's)."""
    report = reports.compliance(plan, with_repetition=False)
    return [owed for row in report["channels"] for owed in calendar_feed.owed_periods(row)]


class Written:
    """Written events in Redis, by their digest (``ical.EventCache``); a Redis that does not answer is
    as good as an empty one, and nothing is kept then."""

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        try:
            return runtime.queues().connection.mget([self._key(k) for k in keys])
        except (RedisError, OSError):
            return [None] * len(keys)

    def put_many(self, written: dict[str, bytes]) -> None:
        try:
            with runtime.queues().connection.pipeline(transaction=False) as pipe:
                for key, value in written.items():
                    pipe.set(self._key(key), value, ex=KEEP)
                pipe.execute()
        except (RedisError, OSError):
            pass

    @staticmethod
    def _key(digest: str) -> str:
        return runtime.queues().key(f"ical-event:{digest}")
