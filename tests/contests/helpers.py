"""Published posts by people of the team, their metrics as analytics exports bring them in, and
contests over them: through the same services the app uses."""

from datetime import datetime

from sqlalchemy import select

from scheduler.models import ContentItem, Post
from scheduler.models.database import db
from scheduler.services import clock, contests, items
from scheduler.services.unit_of_work import unit_of_work


def published(plan, author, when: str, channel="twitter", body="A post") -> Post:
    """A post of ``author``'s, published at ``when``, in the library as Refrain's posts join it."""
    with unit_of_work():
        post = Post(plan_id=plan.id, channel=channel, body=body, status="published", extra={}, author_id=author.id)
        post.published_at = post.scheduled_at = datetime.fromisoformat(when)
        db.session.add(post)
    items.collect_published()
    return post


def item_of(post) -> int:
    return db.session.scalar(select(ContentItem.id).where(ContentItem.post_id == post.id))


def metrics(post, on: str, **values) -> None:
    """A reading of the post's counters imported on the day ``on`` (an analytics export)."""
    with clock.pinned(datetime.fromisoformat(f"{on}T12:00:00+00:00")), unit_of_work():
        items.record_metrics({item_of(post): values}, source="csv:analytics")


def library(channel: str, when: str, figures: list[dict]) -> None:
    """Other items of the channel (what an entry is measured against)."""
    with unit_of_work():
        items.upsert(
            channel,
            [
                {
                    "remote_id": f"{channel}-{n}",
                    "link": f"https://example.com/{channel}/{n}",
                    "published_at": datetime.fromisoformat(when),
                    "metrics": values,
                }
                for n, values in enumerate(figures)
            ],
        )


def contest(**fields):
    data = {
        "name": "Best tweet of June",
        "metric": "likes",
        "channels": ["twitter"],
        "starts_on": "2031-06-01",
        "ends_on": "2031-06-30",
        "timezone": "Europe/Paris",
        **fields,
    }
    return contests.create_contest(data)
