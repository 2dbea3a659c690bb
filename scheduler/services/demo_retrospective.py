"""The demo's quarter before, looked back on: the new-plan form's retrospective has something true to say.

The quarter before the demo's (``demo_kpis`` makes it, for the indicators' "previous" line) gets a theme
("Atlas 1.9 autumn release"), three commitments and a modest set of published posts in the library with
their figures, built so that:

* on X / Twitter, on-theme posts clearly did better than the rest (their engagement rates run higher),
  though the channel went one-note (about two posts in three on theme, against a ceiling of half);
* in the newsletter, on-theme issues did neither better nor worse (the same rates, dealt alternately);
* on the blog, six articles: too few to say;
* posts about templates did best whatever their theme, so "templates", "modèles" and "模板" are
  among the words of the best posts: a topic the next theme could take up.

The quarter's interactions come from ``demo_interactions`` (the weeks before its own window). Posts,
items and readings are made directly, as ``demo_contests`` makes its own: ``items.collect_published``
would also bring the demo plan's other published posts into the library, with no figures.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from scheduler.domain.themes import match_keywords
from scheduler.models import ContentItem, ItemMetric, Plan, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import demo_interactions, demo_kpis, items, plans

PREFIX = "demo-retro-"
KEYWORDS = ["atlas 1.9", "autumn release", "sortie d'automne", "秋季发布"]
COMMITMENTS = {
    "twitter": {"posts": 2, "per": "week", "on_theme_min": 1, "one_note_max_share": 0.5},
    "newsletter": {"posts": 1, "per": "week", "on_theme_min": 1, "one_note_max_share": 1.0},
    "blog": {"posts": 2, "per": "month", "on_theme_min": 1, "one_note_max_share": 0.75},
}
ON_THEME = [  # nothing but the theme's own words around the feature, so the best posts' words are the features'
    "Atlas 1.9, the autumn release: {feature}.",
    "Atlas 1.9, sortie d'automne : {feature_fr}.",
    "秋季发布：Atlas 1.9，{feature_zh}。",
]
OFF_THEME = [
    "Five habits of teams that plan a quarter ahead.",
    "Nos lectures de la semaine sur le marketing éditorial.",
    "本周团队分享：如何写好一条推文。",
    "Office hours this Friday: bring your questions.",
]
FEATURES = [
    ("templates", "des modèles", "模板"),
    ("a faster calendar", "un calendrier plus rapide", "更快的日历"),
    ("shared comments on drafts", "des commentaires partagés", "草稿评论"),
    ("a dark mode", "un mode sombre", "深色模式"),
]
TEMPLATES_TIP = " With templates."
NEWSLETTER_ON = [  # each issue's feature, in turn; the on-theme ones name the theme
    "What the autumn release changes for your calendar",
    "Sortie d'automne : le nouveau rapport d'Atlas 1.9",
    "秋季发布：三个新功能",
    "Atlas 1.9 in ten questions",
    "Sortie d'automne : retour sur le lancement",
    "The autumn release, one month on",
    "Atlas 1.9: what customers asked us",
]
NEWSLETTER_OFF = [
    "A reading list for planners",
    "Nos conseils pour les jours fériés",
    "如何写好一封邮件",
    "Interview: a marketer in Lyon",
    "Five newsletters we admire",
    "Les coulisses de l'équipe",
    "Holiday hours",
]
BLOG = [
    ("Atlas 1.9: the autumn release in detail", True),
    ("How we write a quarter's key message", False),
    ("Sortie d'automne : les coulisses d'Atlas 1.9", True),
    ("Ten headlines we almost used", False),
    ("秋季发布：团队的三个月", True),
    ("Reading the compliance report", False),
]


def remove_earlier() -> None:
    """The earlier demo's quarter-before posts and items, before ``demo_kpis`` replaces that plan."""
    made = select(ContentItem.id).where(ContentItem.remote_id.like(f"{PREFIX}%"))
    db.session.execute(delete(ItemMetric).where(ItemMetric.item_id.in_(made)))
    db.session.execute(delete(ContentItem).where(ContentItem.remote_id.like(f"{PREFIX}%")))
    earlier = select(Plan.id).where(Plan.name.in_(demo_kpis.EARLIER_NAMES))
    db.session.execute(delete(PostEvent).where(PostEvent.post_id.in_(select(Post.id).where(Post.plan_id.in_(earlier)))))
    db.session.execute(delete(Post).where(Post.plan_id.in_(earlier)))


def load(previous: Plan, now: datetime, seed: int = 31) -> int:
    """The quarter before's theme, commitments, published posts with figures, and interactions;
    returns how many posts."""
    rng = random.Random(seed)
    plans.update_plan(
        previous,
        {
            "theme": "Atlas 1.9 autumn release",
            "key_message": "Atlas 1.9 makes the autumn's planning quicker.",
            "keywords": KEYWORDS,
        },
    )
    for channel, numbers in COMMITMENTS.items():
        plans.set_commitment(previous, channel, numbers)
    builder = _Quarter(previous, rng)
    builder.tweets()
    builder.newsletter()
    builder.blog()
    items.record_metrics(builder.figures, source="csv:analytics export")
    window_starts = now - timedelta(days=demo_interactions.DAYS)
    start = datetime.combine(previous.starts_on, time(), ZoneInfo(previous.timezone)).astimezone(timezone.utc)
    demo_interactions.earlier(start, min(window_starts, now))
    return len(builder.figures)


class _Quarter:
    def __init__(self, plan: Plan, rng: random.Random):
        self.plan, self.rng, self.zone = plan, rng, ZoneInfo(plan.timezone)
        self.days = [plan.starts_on + timedelta(days=n) for n in range((plan.ends_on - plan.starts_on).days + 1)]
        self.figures: dict[int, dict] = {}

    def add(self, channel: str, day: date, hour: int, body: str, figures: dict, title: str = "") -> Post:
        when = datetime.combine(day, time(hour), self.zone).astimezone(timezone.utc)
        on_theme = bool(match_keywords(f"{title}\n{body}", KEYWORDS))
        post = Post(
            plan=self.plan,
            channel=channel,
            title=title,
            body=body,
            extra={},
            scheduled_at=when,
            status="published",
            published_at=when + timedelta(seconds=2),
            on_theme=on_theme,
            theme_matched=match_keywords(f"{title}\n{body}", KEYWORDS),
            remote_id=f"demo-{channel}",
        )
        db.session.add(post)
        db.session.flush()
        db.session.add(
            PostEvent(post_id=post.id, from_status="draft", to_status="published", note="loaded by the demo", at=when)
        )
        item = ContentItem(
            channel=channel,
            remote_id=f"{PREFIX}{post.id}",
            post_id=post.id,
            title=title,
            link="",
            summary_text=body[:500],
            content_type="text" if channel == "twitter" else "email" if channel == "newsletter" else "article",
            published_at=post.published_at,
        )
        db.session.add(item)
        db.session.flush()
        self.figures[item.id] = figures
        return post

    def tweets(self):
        """Tuesdays and Thursdays; two posts in three on theme, which do better; templates do best."""
        slots = [d for d in self.days if d.weekday() in (1, 3)]
        on_theme = 0
        for n, day in enumerate(slots):
            on = n % 3 != 2
            about_templates = False
            if on:  # every frame (English, French, Chinese) meets every feature in turn
                feature = FEATURES[(on_theme // len(ON_THEME)) % len(FEATURES)]
                frame = ON_THEME[on_theme % len(ON_THEME)]
                body = frame.format(feature=feature[0], feature_fr=feature[1], feature_zh=feature[2])
                about_templates = feature is FEATURES[0]
                on_theme += 1
            else:
                body = OFF_THEME[n % len(OFF_THEME)]
            if n in (8, 11):  # two English posts off the theme
                body += TEMPLATES_TIP
                about_templates = True
            seen = int(self.rng.lognormvariate(8, 0.3))
            rate = self.rng.uniform(0.025, 0.032) if on else self.rng.uniform(0.012, 0.018)
            rate += 0.02 if about_templates else 0.0
            figures = {"impressions": seen, "clicks": int(seen * rate * 0.6), "likes": int(seen * rate * 0.4)}
            self.add("twitter", day, 10, body, figures)

    def newsletter(self):
        """Thursdays; the feature on theme in every other issue, at the same rates either way."""
        issues = [d for d in self.days if d.weekday() == 3]
        rates = [0.035 + 0.002 * k for k in range(len(issues))]
        self.rng.shuffle(rates)
        ordered = sorted(range(len(issues)), key=lambda i: rates[i])
        on_issue = {index: rank % 2 == 0 for rank, index in enumerate(ordered)}  # dealt alternately by rate
        features = {True: iter(NEWSLETTER_ON * 2), False: iter(NEWSLETTER_OFF * 2)}
        for index, day in enumerate(issues):
            opens = int(self.rng.uniform(1900, 2300))
            title = next(features[on_issue[index]])
            self.add(
                "newsletter",
                day,
                8,
                f"{title}.",
                {"opens": opens, "clicks": int(opens * rates[index])},
                title=title,
            )

    def blog(self):
        """Six articles: too few to say anything about the theme."""
        tuesdays = [d for d in self.days if d.weekday() == 1]
        for n, (title, _on) in enumerate(BLOG):
            day = tuesdays[min(len(tuesdays) - 1, 2 * n)]
            seen = int(self.rng.lognormvariate(9, 0.3))
            self.add(
                "blog",
                day,
                7,
                f"{title}.",
                {"impressions": seen, "clicks": int(seen * self.rng.uniform(0.01, 0.03))},
                title=title,
            )
