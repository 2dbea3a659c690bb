"""A realistic demo quarter, so a newcomer sees a full calendar and report in a minute.

The quarter is the one containing the day it is built around (today, in Paris time, unless
``refrain demo --today`` names another); the team posts in English, French and Chinese.
Posts before that day's noon are published, later ones scheduled (the sweeper hands them to the queue as soon as a
worker runs), and a few are left the way real quarters leave them: a draft, a failure, a delivery
that could not be confirmed, a cancelled post, a message repeated too often.
"""

import random
from datetime import date, datetime, time, timedelta, timezone
from itertools import cycle, product
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from scheduler.models import Plan, Post, PostEvent
from scheduler.models.database import db
from scheduler.services import (
    clock,
    demo_contests,
    demo_interactions,
    demo_kpis,
    demo_library,
    demo_media,
    demo_people,
    demo_retrospective,
    demo_style,
    plans,
    style,
)
from scheduler.services.demo_texts import (
    BLOG_PARAGRAPHS,
    BLOG_TITLES,
    NEWSLETTER_CORNERS,
    NEWSLETTER_FEATURES,
    NEWSLETTER_LEADS,
    OFF_THEME,
    OFF_THEME_DETAILS,
    ON_THEME_CLOSERS,
    ON_THEME_OPENERS,
    ON_THEME_POINTS,
    REPEATED,
)
from scheduler.services.lifecycle import CANCELLED, DRAFT, FAILED, PUBLISHED, SCHEDULED, UNCONFIRMED
from scheduler.services.post_checks import check_post
from scheduler.services.unit_of_work import unit_of_work

DEMO_NAME = "Demo: Atlas 2.0 winter launch"
ZONE = "Europe/Paris"
COMMITMENTS = {
    "twitter": (
        {"posts": 4, "per": "day", "on_theme_min": 1, "one_note_max_share": 0.5},
        "4 tweets a day, at least 1 on theme",
    ),
    "youtube": (
        {"posts": 1, "per": "month", "on_theme_min": 1, "one_note_max_share": 1.0},
        "at least one video on the theme",
    ),
    "newsletter": (
        {"posts": 1, "per": "week", "on_theme_min": 1, "one_note_max_share": 1.0},
        "the feature article of every issue covers it",
    ),
    "blog": (
        {"posts": 4, "per": "month", "on_theme_min": 2, "one_note_max_share": 0.75},
        "4 blog posts a month, at least 2 on theme",
    ),
    "ppc": (
        {"posts": 1, "per": "quarter", "on_theme_min": 1, "one_note_max_share": 1.0},
        "one short, trackable search campaign",
    ),
}


# tweets are put together from parts, so a quarter of them reads like a team wrote it, not a template
def load(today: date | None = None, seed: int = 7) -> Plan:
    """Replace any earlier demo plan with a fresh one for the quarter containing ``today``.

    Built around another day than today, the whole demo (its library's last months, the evergreen
    cool-downs) is as it would be at noon of that day, Paris time: the same day gives the same demo."""
    if today is None:
        return _load(clock.today(ZONE), seed, clock.now())
    noon = datetime.combine(today, time(12), ZoneInfo(ZONE))
    with clock.pinned(noon):
        return _load(today, seed, noon.astimezone(timezone.utc))


@unit_of_work
def _load(today: date, seed: int, now: datetime) -> Plan:
    starts_on = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    ends_on = date(starts_on.year + (starts_on.month + 3 > 12), (starts_on.month + 2) % 12 + 1, 1) - timedelta(days=1)
    _remove_earlier_demo()
    demo_retrospective.remove_earlier()
    demo_style.load()
    plan = plans.create_plan(
        {
            "name": DEMO_NAME,
            "theme": "Atlas 2.0 winter launch",
            "key_message": "Atlas 2.0 keeps every channel on theme without going one-note.",
            "keywords": ["atlas 2.0", "atlas 2", "lancement d'hiver", "冬季发布"],
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "timezone": ZONE,
        }
    )
    for channel, (numbers, note) in COMMITMENTS.items():
        plans.set_commitment(plan, channel, dict(numbers, note=note))
    builder = _Builder(plan, random.Random(seed), now, demo_media.attachments())
    builder.all_channels(starts_on, ends_on)
    demo_library.load(now)
    style.refresh_examples()
    team = demo_people.load(plan)
    previous = demo_kpis.load(plan, today)
    demo_contests.load(plan, today, now, team)
    demo_interactions.load(now)
    demo_retrospective.load(previous, now)
    return plan


def _remove_earlier_demo():
    for plan in db.session.scalars(select(Plan).where(Plan.name == DEMO_NAME)):
        db.session.execute(delete(Post).where(Post.plan_id == plan.id))
        db.session.delete(plan)
    db.session.flush()


class _Builder:
    def __init__(self, plan, rng, now, visuals):
        self.plan, self.rng, self.now = plan, rng, now
        self.visuals = visuals  # the demo's pictures, served by the app (demo_media)
        self.zone = ZoneInfo(plan.timezone)
        self.on_theme_tweets = self.shuffled(ON_THEME_OPENERS, ON_THEME_POINTS, ON_THEME_CLOSERS)
        self.off_theme_tweets = self.in_turn(OFF_THEME, OFF_THEME_DETAILS)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(timezone.utc)

    def add(self, channel, when, body, title="", link="", extra=None, status=None, **fields) -> Post:
        status = status or (PUBLISHED if when < self.now else SCHEDULED)
        post = Post(
            plan=self.plan,
            channel=channel,
            title=title,
            body=body,
            link=link,
            extra=extra or {},
            scheduled_at=when,
            status=DRAFT,
            theme_source="keywords",
            **fields,
        )
        check_post(post)
        if status != DRAFT and any(p["severity"] == "error" for p in post.problems):
            status = DRAFT  # the demo never schedules a post its channel would refuse
        post.status = status
        if status == PUBLISHED:
            post.published_at, post.remote_id = when + timedelta(seconds=2), f"demo-{channel}"
        db.session.add(post)
        db.session.flush()
        db.session.add(
            PostEvent(
                post_id=post.id, from_status=DRAFT, to_status=status, note="loaded by the demo", at=min(when, self.now)
            )
        )
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
                body = next(self.on_theme_tweets) if on else next(self.off_theme_tweets)
                when = self.at(day, 9 + slot * 3, self.rng.choice((0, 15, 30, 45)))
                self.add("twitter", when, body, extra=self.tweet_media(day, slot, on))
        # a message repeated three times in ten days: the report flags it
        for offset in (20, 24, 29):
            self.add("twitter", self.at(days[offset], 20), REPEATED.replace("!", "!" * (offset % 2 + 1)))
        self.add("twitter", self.at(days[-3], 11), "Draft: a thread on Atlas 2.0 pricing, to be finished", status=DRAFT)
        self.add(
            "twitter",
            self.at(days[10], 22),
            "Atlas 2.0 webinar replay is online",
            status=FAILED,
            failure_reason="the channel refused the post: duplicate status",
        )
        self.add(
            "twitter",
            self.at(days[11], 22, 30),
            "Dernière chance pour le webinaire Atlas 2.0 !",
            status=UNCONFIRMED,
            failure_reason="the worker stopped before it could confirm the delivery; check the channel",
        )
        self.add("twitter", self.at(days[12], 7), "Cancelled: the old launch date", status=CANCELLED)

    def tweet_media(self, day: date, slot: int, on: bool) -> dict:
        """The week's first on-theme tweet shows the launch, Thursday's the coverage chart."""
        picture = {0: "launch", 3: "chart"}.get(day.weekday()) if on and slot == 0 else None
        return {"media": [self.visuals[picture]]} if picture else {}

    def shuffled(self, *parts):
        """Every combination of the parts once, in a random order, then again: no tweet said twice."""
        combinations = [" ".join(words) for words in product(*parts)]
        self.rng.shuffle(combinations)
        return cycle(combinations)

    def in_turn(self, topics, details):
        """Topics in turn (none comes back within two weeks), each with a detail picked at random."""
        for topic in cycle(topics):
            yield f"{topic} {self.rng.choice(details)}"

    def weekly_newsletter(self, days):
        for day in days:
            if day.weekday() != 3:
                continue
            week = day.isocalendar().week
            on = week % 5 != 0  # one issue in five forgets the feature
            feature = (
                NEWSLETTER_FEATURES[week % len(NEWSLETTER_FEATURES)] if on else "Five editorial calendars we admire"
            )
            corner = NEWSLETTER_CORNERS[week % len(NEWSLETTER_CORNERS)]
            body = (
                f"## {feature}\n\n{NEWSLETTER_LEADS[week % len(NEWSLETTER_LEADS)]}\n\n"
                f"## Customer corner\n\n{corner}\n\n## 本周精选\n\n第 {week} 周：三篇关于内容规划的文章。"
            )
            self.add(
                "newsletter",
                self.at(day, 8),
                body,
                title=f"Refrain weekly: {feature}",
                link="https://example.com/newsletter?utm_source=newsletter&utm_medium=email&utm_campaign=atlas",
                extra={"preheader": "Your Thursday digest", **({"media": [self.visuals["chart"]]} if on else {})},
            )

    def blog(self, days):
        made = []
        for index, day in enumerate(d for d in days if d.weekday() == 1):
            title, _ = BLOG_TITLES[index % len(BLOG_TITLES)]
            paragraphs = self.rng.sample(BLOG_PARAGRAPHS, 6)
            body = (
                f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n\nAtlas 2.0 est disponible aujourd'hui." * (index % 2)
            )
            made.append(
                self.add(
                    "blog",
                    self.at(day, 7, 30),
                    body,
                    title=title,
                    link=f"https://example.com/blog/{index}",
                    extra={"tags": ["planning"]},
                )
            )
        return made

    def videos(self, first):
        for month_offset, (title, hour) in enumerate(
            [("Atlas 2.0 in 4 minutes", 17), ("Atlas 2.0 : la visite guidée", 18)]
        ):
            cover = {**self.visuals["covers"][month_offset], "alt": title}
            day = first + timedelta(days=10 + 30 * month_offset)
            self.add(
                "youtube",
                self.at(day, hour),
                "A short tour of the winter launch: calendars, one-note alerts and the compliance report.",
                title=title,
                extra={"tags": ["Atlas 2.0", "launch"], "media": [cover]},
            )

    def campaign(self, first):
        self.add(
            "ppc",
            self.at(first + timedelta(days=14), 6),
            "Plan every channel around one theme.",
            title="Atlas 2.0 winter launch",
            link="https://example.com/atlas",
            extra={
                "headlines": ["Atlas 2.0 is here", "Plan a quarter in a day", "Stay on theme"],
                "descriptions": [
                    "Calendars, one-note alerts and reports for marketing teams.",
                    "Try Atlas 2.0 free for 30 days.",
                ],
                "path1": "atlas",
                "path2": "launch",
            },
        )

    def newsletter_from_blog(self, source: Post):
        """Cross-channel reuse: the first blog post becomes a newsletter feature, with its lineage."""
        self.add(
            "newsletter",
            source.scheduled_at + timedelta(days=2, hours=1),
            source.body,
            title=f"From the blog: {source.title}",
            link=source.link + "?utm_source=newsletter&utm_medium=email&utm_campaign=atlas",
            adapted_from_post_id=source.id,
            extra={"preheader": "Our most read article this week"},
        )
