"""A realistic demo quarter, so a newcomer sees a full calendar and report in a minute.

The quarter is the current one, in Paris time; the team posts in English, French and Chinese.
Past posts are published, future ones scheduled (the sweeper hands them to the queue as soon as a
worker runs), and a few are left the way real quarters leave them: a draft, a failure, a delivery
that could not be confirmed, a cancelled post, a message repeated too often.
"""
import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from ..extensions import db
from ..models import Plan, Post, PostEvent
from . import plans
from .lifecycle import CANCELLED, DRAFT, FAILED, PUBLISHED, SCHEDULED, UNCONFIRMED
from .posts import check_post

DEMO_NAME = "Demo: Atlas 2.0 winter launch"
ZONE = "Europe/Paris"
COMMITMENTS = {
    "twitter": ({"posts": 4, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5},
                "4 tweets a day, at least 1 on theme"),
    "youtube": ({"posts": 1, "per": "month", "on_theme_min": 1, "one_note_max_share": 1.0},
                "at least one video on the theme"),
    "newsletter": ({"posts": 1, "per": "week", "on_theme_min": 1, "one_note_max_share": 1.0},
                   "the feature article of every issue covers it"),
    "blog": ({"posts": 4, "per": "month", "on_theme_min": 2, "one_note_max_share": 0.75},
             "4 blog posts a month, at least 2 on theme"),
    "ppc": ({"posts": 1, "per": "quarter", "on_theme_min": 1, "one_note_max_share": 1.0},
            "one short, trackable search campaign"),
}
TWEETS_ON = [
    "Atlas 2.0 is here: plan a whole quarter in one afternoon. {n} teams already switched.",
    "Lancement d'hiver : Atlas 2.0 planifie vos campagnes en {n} minutes. Essayez-le !",
    "冬季发布：Atlas 2.0 让团队在 {n} 分钟内排好整个季度的内容。",
    "What's new in Atlas 2.0? Calendar views, one-note alerts and {n} new integrations.",
    "Atlas 2.0 : le calendrier qui garde toute l'équipe sur le thème, jour après jour ({n} retours clients).",
    "Live demo of Atlas 2.0 on Thursday at {h}:00. Bring your hardest scheduling question.",
]
TWEETS_OFF = [
    "Tip #{n}: batch your writing on Mondays and schedule the week in one go.",
    "Nous recrutons ! {n} postes ouverts dans l'équipe produit à Lyon.",
    "客户故事：一家 {n} 人的营销团队如何把发布频率翻倍。",
    "Reading list: {n} essays on editorial calendars we keep coming back to.",
    "Petit rappel : nos bureaux sont fermés le {n} pour l'inventaire annuel.",
    "Behind the scenes: how we answered {n} support tickets last week without a backlog.",
    "Question du jour : combien de canaux gérez-vous seul·e ? Répondez en {n} mots.",
    "Our engineering blog explains how we cut page loads by {n}%.",
]
BLOG_TITLES = [
    ("Atlas 2.0: what changed and why", True),
    ("Le lancement d'hiver d'Atlas 2.0 en cinq questions", True),
    ("How to plan a quarter around one theme with Atlas 2.0", True),
    ("Atlas 2.0 冬季发布：五个新功能", True),
    ("Editorial calendars that survive contact with reality", False),
    ("Pourquoi nous écrivons moins, mais mieux", False),
]
REPEATED = "Atlas 2.0 is here! Plan your whole quarter in one afternoon #Atlas2 https://example.com/atlas"


def load(today: date | None = None, seed: int = 7) -> Plan:
    """Replace any earlier demo plan with a fresh one for the quarter containing ``today``."""
    today = today or datetime.now(ZoneInfo(ZONE)).date()
    starts_on = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    ends_on = (date(starts_on.year + (starts_on.month + 3 > 12), (starts_on.month + 2) % 12 + 1, 1)
               - timedelta(days=1))
    _remove_earlier_demo()
    plan = plans.create_plan({
        "name": DEMO_NAME, "theme": "Atlas 2.0 winter launch",
        "key_message": "Atlas 2.0 keeps every channel on theme without going one-note.",
        "keywords": ["atlas 2.0", "atlas 2", "lancement d'hiver", "冬季发布"],
        "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "timezone": ZONE,
    })
    for channel, (numbers, note) in COMMITMENTS.items():
        plans.set_commitment(plan, channel, dict(numbers, note=note))
    now = datetime.now(timezone.utc)
    builder = _Builder(plan, random.Random(seed), now)
    builder.all_channels(starts_on, ends_on)
    db.session.commit()
    return plan


def _remove_earlier_demo():
    for plan in db.session.scalars(select(Plan).where(Plan.name == DEMO_NAME)):
        db.session.execute(delete(Post).where(Post.plan_id == plan.id))
        db.session.delete(plan)
    db.session.commit()


class _Builder:
    def __init__(self, plan, rng, now):
        self.plan, self.rng, self.now = plan, rng, now
        self.zone = ZoneInfo(plan.timezone)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(timezone.utc)

    def add(self, channel, when, body, title="", link="", extra=None, status=None, **fields) -> Post:
        status = status or (PUBLISHED if when < self.now else SCHEDULED)
        post = Post(plan=self.plan, channel=channel, title=title, body=body, link=link, extra=extra or {},
                    scheduled_at=when, status=DRAFT, theme_source="keywords", **fields)
        check_post(post)
        if status != DRAFT and any(p["severity"] == "error" for p in post.problems):
            status = DRAFT  # the demo never schedules a post its channel would refuse
        post.status = status
        if status == PUBLISHED:
            post.published_at, post.remote_id = when + timedelta(seconds=2), f"demo-{channel}"
        db.session.add(post)
        db.session.flush()
        db.session.add(PostEvent(post_id=post.id, from_status=DRAFT, to_status=status, note="loaded by the demo",
                                 at=min(when, self.now)))
        return post

    def all_channels(self, first: date, last: date):
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.tweets(days)
        self.weekly_newsletter(days)
        blog_posts = self.blog(days)
        self.videos(first)
        self.campaign(first)
        self.newsletter_from_blog(blog_posts[0])

    def tweets(self, days):
        for index, day in enumerate(days):
            # most days full; a few short days, and a stretch in week 3 where the team forgot the theme
            count = 4 if self.rng.random() > 0.12 else 3
            forgot_theme = 14 <= index < 18
            for slot in range(count):
                on = slot == 0 and not forgot_theme or (slot == 1 and self.rng.random() < 0.25)
                pool = TWEETS_ON if on else TWEETS_OFF
                body = pool[(index * 3 + slot) % len(pool)].format(n=index * 4 + slot + 3, h=10 + slot % 8)
                self.add("twitter", self.at(day, 9 + slot * 3, self.rng.choice((0, 15, 30, 45))), body)
        # a message repeated three times in ten days: the report flags it
        for offset in (20, 24, 29):
            self.add("twitter", self.at(days[offset], 20), REPEATED.replace("!", "!" * (offset % 2 + 1)))
        self.add("twitter", self.at(days[-3], 11), "Draft: a thread on Atlas 2.0 pricing, to be finished",
                 status=DRAFT)
        self.add("twitter", self.at(days[10], 22), "Atlas 2.0 webinar replay is online", status=FAILED,
                 failure_reason="the channel refused the post: duplicate status")
        self.add("twitter", self.at(days[11], 22, 30), "Dernière chance pour le webinaire Atlas 2.0 !",
                 status=UNCONFIRMED,
                 failure_reason="the worker stopped before it could confirm the delivery; check the channel")
        self.add("twitter", self.at(days[12], 7), "Cancelled: the old launch date", status=CANCELLED)

    def weekly_newsletter(self, days):
        for day in days:
            if day.weekday() != 3:
                continue
            on = day.isocalendar().week % 5 != 0  # one issue in five forgets the feature
            feature = ("Atlas 2.0: the winter launch, explained" if on else "Five calendars we admire")
            body = (f"## {feature}\n\nWhat changed this week, in three minutes.\n\n"
                    "## Customer corner\n\nUne équipe lyonnaise raconte son trimestre.\n\n"
                    "## 本周精选\n\n三篇关于内容规划的文章。")
            self.add("newsletter", self.at(day, 8), body, title=f"Refrain weekly: {feature}",
                     link="https://example.com/newsletter?utm_source=newsletter&utm_medium=email&utm_campaign=atlas",
                     extra={"preheader": "Your Thursday digest"})

    def blog(self, days):
        made = []
        for index, day in enumerate(d for d in days if d.weekday() == 1):
            title, _ = BLOG_TITLES[index % len(BLOG_TITLES)]
            body = (f"# {title}\n\n" + " ".join(["Planning a quarter around one idea keeps a team honest."] * 12)
                    + "\n\nAtlas 2.0 est disponible aujourd'hui." * (index % 2))
            made.append(self.add("blog", self.at(day, 7, 30), body, title=title,
                                 link=f"https://example.com/blog/{index}", extra={"tags": ["planning"]}))
        return made

    def videos(self, first):
        for month_offset, (title, hour) in enumerate([("Atlas 2.0 in 4 minutes", 17),
                                                      ("Atlas 2.0 : la visite guidée", 18)]):
            day = first + timedelta(days=10 + 30 * month_offset)
            self.add("youtube", self.at(day, hour), "A short tour of the winter launch: calendars, one-note "
                     "alerts and the compliance report.", title=title, extra={"tags": ["Atlas 2.0", "launch"]})

    def campaign(self, first):
        self.add("ppc", self.at(first + timedelta(days=14), 6), "Plan every channel around one theme.",
                 title="Atlas 2.0 winter launch", link="https://example.com/atlas",
                 extra={"headlines": ["Atlas 2.0 is here", "Plan a quarter in a day", "Stay on theme"],
                        "descriptions": ["Calendars, one-note alerts and reports for marketing teams.",
                                         "Try Atlas 2.0 free for 30 days."],
                        "path1": "atlas", "path2": "launch"})

    def newsletter_from_blog(self, source: Post):
        """Cross-channel reuse: the first blog post becomes a newsletter feature, with its lineage."""
        self.add("newsletter", source.scheduled_at + timedelta(days=2, hours=1), source.body,
                 title=f"From the blog: {source.title}", link=source.link + "?utm_source=newsletter&utm_medium"
                 "=email&utm_campaign=atlas", adapted_from_post_id=source.id,
                 extra={"preheader": "Our most read article this week"})
