"""The compliance report over many posts vs a naive recount (one COUNT query per period and channel)."""
import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from scheduler.domain.periods import plan_periods
from scheduler.extensions import db
from scheduler.models import Post
from scheduler.services import plans, reports

from .common import bench_app, timed

CHANNELS = {"twitter": (40, "day"), "youtube": (1, "week"), "newsletter": (2, "week"), "blog": (4, "week"),
            "ppc": (3, "month")}
COMMON = "the a of to and in for our we your with on is this new atlas offre été 冬季 发布".split()


def vocabulary(rng, size=5000):
    """Made-up words with a long tail, like real posts: a few common words and many rare ones."""
    letters = "abcdefghijklmnopqrstuvwxyzéè"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size)]


def sentence(rng, words):
    return " ".join(rng.choice(COMMON) if rng.random() < 0.4 else words[int(len(words) * rng.random() ** 3)]
                    for _ in range(rng.randint(8, 30)))


def populate(plan, count, rng):
    zone = ZoneInfo(plan.timezone)
    start = datetime.combine(plan.starts_on, time(), zone).astimezone(timezone.utc)
    seconds = int((datetime.combine(plan.ends_on, time(23, 59), zone).astimezone(timezone.utc) - start)
                  .total_seconds())
    names = list(CHANNELS)
    words = vocabulary(rng)
    rows = []
    for n in range(count):
        rows.append({
            "plan_id": plan.id, "channel": names[n % len(names)], "title": "",
            "body": sentence(rng, words),
            "link": "", "extra": {}, "scheduled_at": start + timedelta(seconds=rng.randrange(seconds)),
            "status": rng.choice(["published", "published", "queued", "scheduled", "draft"]),
            "on_theme": rng.random() < 0.4, "theme_source": "keywords", "theme_matched": [], "problems": [],
            "attempts": 0, "failure_reason": "", "remote_id": "", "remote_url": "",
        })
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Post), rows[chunk:chunk + 5000])
    db.session.commit()


def naive_recount(plan):
    """What a straightforward implementation does: ask the database, period by period."""
    zone = ZoneInfo(plan.timezone)
    counted = ("scheduled", "queued", "publishing", "published", "unconfirmed")
    result = {}
    for commitment in plan.commitments:
        posts = on_theme = 0
        for period in plan_periods(plan.starts_on, plan.ends_on, commitment.per):
            start = datetime.combine(period.first_day, time(), zone).astimezone(timezone.utc)
            end = datetime.combine(period.last_day + timedelta(days=1), time(), zone).astimezone(timezone.utc)
            base = select(func.count()).select_from(Post).where(
                Post.plan_id == plan.id, Post.channel == commitment.channel, Post.status.in_(counted),
                Post.scheduled_at >= start, Post.scheduled_at < end)
            posts += db.session.scalar(base)
            on_theme += db.session.scalar(base.where(Post.on_theme.is_(True)))
        result[commitment.channel] = (posts, on_theme)
    return result


def main(count=None):
    count = count or 100_000
    with bench_app():
        plan = plans.create_plan({"name": "Bench", "theme": "Atlas", "keywords": ["atlas"],
                                  "starts_on": "2031-01-01", "ends_on": "2031-03-31", "timezone": "Europe/Paris"})
        for channel, (posts, per) in CHANNELS.items():
            plans.set_commitment(plan, channel, {"posts": posts, "per": per, "on_theme_min": 1,
                                                 "one_note_max_share": max(0.6, 1 / posts)})
        populate(plan, count, random.Random(1))
        report_time, report = timed(lambda: reports.compliance(plan))
        counts_time, _ = timed(lambda: reports.compliance(plan, with_repetition=False))
        naive_time, naive = timed(lambda: naive_recount(plan))
        ours = {row["channel"]: (row["posts"], row["on_theme"]) for row in report["channels"]}
        assert ours == naive, (ours, naive)
        print(f"compliance report over {count:,} posts (one quarter, 5 channels), SQLite:")
        print(f"  naive recount (a COUNT per period and channel): {naive_time * 1000:8.1f} ms")
        print(f"  report counts only (no repetition scan):        {counts_time * 1000:8.1f} ms"
              f"  = {counts_time / naive_time:.2f}x the naive recount")
        print(f"  full report incl. repeated-message detection:   {report_time * 1000:8.1f} ms"
              f"  = {report_time / naive_time:.2f}x the naive recount")
        print(f"  same numbers as the naive recount: yes ({sum(p for p, _ in naive.values()):,} counted posts)")
