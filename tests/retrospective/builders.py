"""A finished quarter to look back on: a plan, its commitments, its published posts in the library with
the figures an analytics export brings, and the interactions logged meanwhile; through the services."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain.themes import match_keywords
from scheduler.models import ContentItem, Post
from scheduler.models.database import db
from scheduler.services import interactions, items
from scheduler.services.unit_of_work import unit_of_work
from tests.factories import commit, make_plan

SPRING = {
    "name": "Printemps 2031",
    "theme": "Garantie remboursement",
    "keywords": ["remboursement", "refund guarantee", "退款保证"],
    "starts_on": "2031-03-01",
    "ends_on": "2031-05-31",
}
ON_THEME = [
    "Notre remboursement en 24 h, expliqué pas à pas",
    "The refund guarantee: your money back within a day",
    "退款保证：一天到账",
    "Remboursement sans questions : la garantie du printemps",
    "Refund guarantee FAQ: five answers",
]
OFF_THEME = [
    "Office tour: meet the team",
    "Five editorial calendars we admire",
    "Le calendrier éditorial de la semaine",
    "本周的团队活动",
    "Q&A with the team",
]


def spring_plan(commitments=("twitter", "newsletter", "blog"), **overrides):
    plan = make_plan(**{**SPRING, **overrides})
    for channel in commitments:
        commit(plan, channel)
    return plan


def published(plan, channel: str, body: str, day: date, *, clicks: int | None, impressions: int = 1000) -> Post:
    """A published post of ``plan`` (on theme as its keywords say), in the library with its figures
    (``clicks=None``: no figures yet)."""
    when = datetime.combine(day, time(10), ZoneInfo(plan.timezone))
    with unit_of_work():
        post = Post(
            plan_id=plan.id,
            channel=channel,
            body=body,
            status="published",
            extra={},
            on_theme=bool(match_keywords(body, plan.keywords)),
        )
        post.published_at = post.scheduled_at = when
        db.session.add(post)
    items.collect_published()
    if clicks is not None:
        with unit_of_work():
            item_id = db.session.query(ContentItem.id).filter(ContentItem.post_id == post.id).scalar()
            items.record_metrics({item_id: {"impressions": impressions, "clicks": clicks}}, source="csv:analytics")
    return post


def posts_on(plan, channel: str, first: date, *, on: int, off: int, on_clicks: int, off_clicks: int) -> list[Post]:
    """``on`` on-theme and ``off`` other posts of the channel, two days apart from ``first``, each
    with a slightly different figure so no two scores tie."""
    made = []
    for n in range(on + off):
        theme = n < on
        texts = ON_THEME if theme else OFF_THEME
        body = f"{texts[n % len(texts)]} (#{n})"
        clicks = (on_clicks if theme else off_clicks) + n % 4
        made.append(published(plan, channel, body, first + timedelta(days=2 * n), clicks=clicks))
    return made


REFUND_COMPLAINTS = [
    "Toujours pas de remboursement, le chat a coupé",
    "J'attends mon remboursement depuis un mois",
    "Remboursement promis, jamais arrivé",
]


def logged(channel: str, kind: str, count: int, negative: int, on: date, comment: str | list = "") -> None:
    """``count`` interactions on the day ``on``, the first ``negative`` of them negative and saying
    ``comment`` (one of a list in turn; by default, refund complaints in French)."""
    said = [comment] if isinstance(comment, str) and comment else comment or REFUND_COMPLAINTS
    for n in range(count):
        bad = n < negative
        interactions.log_interaction(
            {
                "channel": channel,
                "kind": kind,
                "resolution": "negative" if bad else "positive",
                "comment": said[n % len(said)] if bad else "Merci, réglé",
                "occurred_at": datetime.combine(on, time(9, n % 60), ZoneInfo("UTC")).isoformat(),
            }
        )
