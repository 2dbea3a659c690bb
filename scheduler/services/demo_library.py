"""The demo's library: what the team published over the last months, with its metrics, so the top
performers, their patterns, the media library and evergreen re-runs have something to show. Its pictures
are the demo's own (``demo_media``), served by the app.

Built so the patterns are real: tweets linking to /guides/ draw about three times the replies of the
others, and videos about the launch outperform the rest.
"""

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update

from scheduler.models import ContentItem, ItemMetric
from scheduler.models.database import db
from scheduler.services import demo_media, items
from scheduler.services.unit_of_work import unit_of_work

PREFIX = "demo-"
GUIDES = ["plan-a-quarter", "one-note", "utm-tags", "weekly-report", "theme-keywords"]
TWEET_TEXTS = [
    "Our guide to {}: everything in one page.",
    "Nouveau guide : {} en dix minutes.",
    "指南：{}，一步一步来。",
    "How we think about {}.",
]
NEWS_TEXTS = ["Atlas 2.0 changelog: {} improved.", "Petite nouvelle : {} est plus rapide.", "本周更新：{}。"]


@unit_of_work
def load(now: datetime | None = None, seed: int = 11) -> int:
    """Replace the demo's library items; returns how many there are."""
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    visuals = demo_media.attachments()  # the demo's own pictures, in the media library: no outside address
    _remove_earlier()
    batches = {
        "twitter": _tweets(rng, now, visuals),
        "youtube": _videos(rng, now, visuals),
        "newsletter": _issues(rng, now, visuals),
        "blog": _articles(rng, now, visuals),
        "mastodon": _statuses(rng, now, visuals),
    }
    for channel, entries in batches.items():
        items.upsert(channel, entries)
    evergreen = [f"{PREFIX}blog-0", f"{PREFIX}tweet-guide-0"]
    db.session.execute(
        update(ContentItem).where(ContentItem.remote_id.in_(evergreen)).values(evergreen=True, cooldown_days=45)
    )
    return sum(len(entries) for entries in batches.values())


def _remove_earlier():
    ids = select(ContentItem.id).where(ContentItem.remote_id.like(f"{PREFIX}%"))
    db.session.execute(delete(ItemMetric).where(ItemMetric.item_id.in_(ids)))
    db.session.execute(delete(ContentItem).where(ContentItem.remote_id.like(f"{PREFIX}%")))


def _entry(remote_id, title, link, summary, when, content_type, metrics, media=()):
    return {
        "remote_id": PREFIX + remote_id,
        "title": title,
        "link": link,
        "summary": summary,
        "published_at": when,
        "content_type": content_type,
        "media": list(media),
        "metrics": metrics,
    }


def _tweets(rng, now, visuals):
    made = []
    for n in range(120):
        guide = n % 3 == 0
        topic = GUIDES[n % len(GUIDES)].replace("-", " ")
        text = rng.choice(TWEET_TEXTS if guide else NEWS_TEXTS).format(topic)
        link = f"https://example.com/{'guides' if guide else 'news'}/{GUIDES[n % len(GUIDES)]}-{n}"
        seen = int(rng.lognormvariate(8, 0.5))
        replies = int(seen * rng.uniform(0.004, 0.008) * (3 if guide else 1))
        made.append(
            _entry(
                f"tweet-{'guide' if guide else 'news'}-{n}",
                "",
                link,
                f"{text} {link}",
                now - timedelta(days=rng.uniform(1, 85), hours=rng.randint(0, 23)),
                "link",
                {
                    "impressions": seen,
                    "replies": replies,
                    "clicks": int(seen * rng.uniform(0.01, 0.03)),
                    "likes": int(seen * rng.uniform(0.01, 0.02)),
                },
                [visuals["launch"]] if n % 10 == 0 else (),
            )
        )
    return made


def _videos(rng, now, visuals):
    titles = [
        "Atlas 2.0 in 4 minutes",
        "Atlas 2.0 : la visite guidée",
        "冬季发布：三分钟看懂",
        "Customer story: Lumen",
        "Office tour",
        "How we plan a quarter",
        "Atlas 2.0 one-note alerts",
        "Q&A with the team",
    ]
    made = []
    for n, title in enumerate(titles):
        views = int(rng.lognormvariate(8.5, 0.6))
        launch = "Atlas" in title or "冬季" in title
        made.append(
            _entry(
                f"video-{n}",
                title,
                f"https://www.youtube.com/watch?v=demoVideo{n:03d}",
                f"<p>{title}</p>",
                now - timedelta(days=5 + 10 * n),
                "video",
                {"views": views, "likes": int(views * rng.uniform(0.02, 0.04) * (2 if launch else 1))},
                [{**visuals["covers"][n % len(visuals["covers"])], "alt": title}],
            )
        )
    return made


def _issues(rng, now, visuals):
    made = []
    for n in range(12):
        opens = int(rng.uniform(1800, 2600))
        made.append(
            _entry(
                f"issue-{n}",
                f"Refrain weekly #{40 + n}",
                f"https://letter.example.com/issues/{40 + n}",
                "<h2>This week</h2><p>Three articles on planning, one customer story.</p>",
                now - timedelta(days=7 * n + 2),
                "email",
                {"opens": opens, "clicks": int(opens * rng.uniform(0.05, 0.12))},
                [visuals["chart"]] if n % 4 == 0 else (),
            )
        )
    return made


def _articles(rng, now, visuals):
    titles = [
        "How to plan a quarter around one theme",
        "Why one-note feeds lose readers",
        "UTM tags without tears",
        "Le guide du rapport hebdomadaire",
        "围绕一个主题规划一个季度",
        "What we learned from 1,000 tweets",
    ]
    made = []
    for n, title in enumerate(titles):
        seen = int(rng.lognormvariate(9, 0.4))
        made.append(
            _entry(
                f"blog-{n}",
                title,
                f"https://example.com/blog/{n}",
                f"<p>{title}. Start with the theme, then the channels, then count the posts.</p>"
                "<p>Every channel gets a floor and a ceiling.</p>",
                now - timedelta(days=12 * n + 3),
                "article",
                {"impressions": seen, "clicks": int(seen * rng.uniform(0.02, 0.06))},
                [visuals["chart"]] if n == 0 else (),
            )
        )
    return made


def _statuses(rng, now, visuals):
    made = []
    for n in range(30):
        seen = int(rng.lognormvariate(6.5, 0.5))
        made.append(
            _entry(
                f"status-{n}",
                "",
                f"https://mastodon.example/@atlas/{110000 + n}",
                f"<p>Atlas 2.0 : astuce n°{n} pour tenir le thème sans radoter.</p>",
                now - timedelta(days=rng.uniform(1, 80)),
                "image" if n % 5 == 0 else "text",
                {
                    "impressions": seen,
                    "likes": int(seen * rng.uniform(0.02, 0.05)),
                    "shares": int(seen * rng.uniform(0.005, 0.01)),
                },
                [visuals["launch"]] if n % 5 == 0 else (),
            )
        )
    return made
