"""The demo's team: a manager and two creators, with the demo's posts and decisions attributed to them.

A creator writes the posts of their languages (Chloé the French ones, Wei the Chinese ones, the
English shared between them); the manager made the one style override the demo shows. They get no
password: ``refrain demo`` prints a one-time link for each, like ``refrain user create`` does.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from scheduler.models import Post, User
from scheduler.models.database import db
from scheduler.services import clock, people, posts
from scheduler.services.post_checks import check_post

MANAGER = ("mina.laurent@demo.refrain.example", "Mina Laurent", "manager")
CREATORS = (
    ("chloe.martin@demo.refrain.example", "Chloé Martin", "creator"),
    ("wang.wei@demo.refrain.example", "Wang Wei", "creator"),
)
CJK = re.compile(r"[\u3400-\u9fff]")
FRENCH = re.compile(r"\b(le|la|les|des|du|une|est|pour|avec|nous|vous|votre|d'|l')\b", re.IGNORECASE)
OVERRIDE_REASON = "A customer's own words, quoted with permission: the guide's wording would change their meaning."


def load(plan) -> list[User]:
    """The demo's people (made or found), the plan's posts given authors; returns the people."""
    team = [people.create_or_update(email, role, name)[0] for email, name, role in (MANAGER, *CREATORS)]
    manager, chloe, wei = team
    for number, post in enumerate(db.session.scalars(select(Post).where(Post.plan_id == plan.id).order_by(Post.id))):
        text = f"{post.title} {post.body}"
        if CJK.search(text):
            post.author_id = wei.id
        elif FRENCH.search(text):
            post.author_id = chloe.id
        else:
            post.author_id = (chloe, wei)[number % 2].id
    _one_override(plan, manager, chloe)
    return team


QUOTE = "“Atlas 2.0 made our weekly reporting cheap and painless.” Thank you, Northwind, for the kind words!"


def _one_override(plan, manager: User, author: User) -> None:
    """A customer's quote the guide blocks ("cheap"), and the manager's decision to let it through."""
    when = max(clock.now(), datetime.combine(plan.starts_on, time(9), timezone.utc)) + timedelta(days=2)
    post = Post(
        plan=plan,
        channel="twitter",
        body=QUOTE,
        extra={},
        status="draft",
        scheduled_at=when,
        theme_source="keywords",
        author_id=author.id,
    )
    check_post(post)
    post.style_override = posts.decision(OVERRIDE_REASON, people.as_actor(manager), posts.style_errors(post))
    db.session.add(post)
