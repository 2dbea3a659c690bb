"""The demo's contests: a running one over the last weeks' tweets, its entries with figures as an
analytics export would bring them, and an ideas contest with two ideas and the posts that tried them.

The demo's published tweets join the library as Refrain's posts do, under ``demo-`` ids so the next
``refrain demo`` replaces them with the rest of the demo's library (``demo_library``).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from scheduler.models import ContentItem, Contest, Plan, Post, User
from scheduler.models.database import db
from scheduler.services import contests, items
from scheduler.services.actor import acting_as
from scheduler.services.people import as_actor

PREFIX = "Demo: "
RUNNING = "Demo: best tweet of the month"
IDEAS = "Demo: the idea that works"
IDEA_TEXTS = ("A customer's question answered in a tweet", "Atlas 2.0 in one picture, every Friday")


def load(plan: Plan, today: date, now: datetime, team: list[User], seed: int = 23) -> list[Contest]:
    """The demo's contests (made again), around ``today``; ``team`` is the manager, then the creators."""
    for earlier in db.session.scalars(select(Contest).where(Contest.name.like(f"{PREFIX}%"))):
        db.session.delete(earlier)
    db.session.flush()
    manager, *creators = team
    starts_on, ends_on = today - timedelta(days=20), today + timedelta(days=10)
    tweets = _tweets_with_figures(plan, starts_on, now, random.Random(seed))
    with acting_as(as_actor(manager)):
        running = contests.create_contest(
            {
                "name": RUNNING,
                "description": "The tweet with the most clicks, replies and likes, weighed against our usual tweets.",
                "metric": "clicks_comments_likes",
                "channels": ["twitter"],
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "timezone": plan.timezone,
            }
        )
        ideas = contests.create_contest(
            {
                "name": IDEAS,
                "kind": "ideas",
                "metric": "likes",
                "channels": ["twitter"],
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "timezone": plan.timezone,
            }
        )
    for number, (creator, text) in enumerate(zip(creators, IDEA_TEXTS)):
        with acting_as(as_actor(creator)):
            idea = contests.submit_idea(ideas, {"text": text})
        with acting_as(as_actor(manager)):
            contests.link_posts(ideas, idea, {"post_ids": [p.id for p in tweets[number::4][:3]]})
    return [running, ideas]


def _tweets_with_figures(plan: Plan, since: date, now: datetime, rng: random.Random) -> list[Post]:
    """The plan's tweets published since ``since``, in the library with their counters."""
    tweets = list(
        db.session.scalars(
            select(Post)
            .where(Post.plan_id == plan.id, Post.channel == "twitter", Post.status == "published")
            .where(Post.published_at >= datetime.combine(since, datetime.min.time(), now.tzinfo))
            .order_by(Post.published_at, Post.id)
        )
    )
    figures = {}
    for post in tweets:
        item = ContentItem(
            channel="twitter",
            remote_id=f"demo-post-{post.id}",
            post_id=post.id,
            title="",
            link="",
            summary_text=post.body[:500],
            content_type="text",
            published_at=post.published_at,
        )
        db.session.add(item)
        db.session.flush()
        seen = int(rng.lognormvariate(8, 0.5))
        figures[item.id] = {
            "impressions": seen,
            "clicks": int(seen * rng.uniform(0.01, 0.03)),
            "likes": int(seen * rng.uniform(0.01, 0.02)),
            "replies": int(seen * rng.uniform(0.004, 0.008)),
        }
    items.record_metrics(figures, source="csv:X post analytics")
    return tweets
