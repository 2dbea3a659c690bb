"""The compliance report of a quarter over 1,000,000 posts vs a naive recount (one COUNT query per period
and channel), on SQLite or PostgreSQL (``--database``): target 50 ms, the same numbers. Also how
repeated-message detection grows from 10k to 100k posts (target <= 5 s at 100k, linear)."""

import random
from datetime import datetime, time, timedelta, timezone
from time import perf_counter
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update

from bench.common import bench_app, database_name, timed
from scheduler.domain.compliance import compliance_from_tallies
from scheduler.domain.periods import plan_periods
from scheduler.domain.repetition import find_repeated_messages
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import plans, report_data, reports

CHANNELS = {
    "twitter": (40, "day"),
    "youtube": (1, "week"),
    "newsletter": (2, "week"),
    "blog": (4, "week"),
    "ppc": (3, "month"),
}
COMMON = "the a of to and in for our we your with on is this new atlas offre été 冬季 发布".split()


def vocabulary(rng, size=5000):
    """Made-up words with a long tail, like real posts: a few common words and many rare ones."""
    letters = "abcdefghijklmnopqrstuvwxyzéè"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size)]


def sentence(rng, words):
    return " ".join(
        rng.choice(COMMON) if rng.random() < 0.4 else words[int(len(words) * rng.random() ** 3)]
        for _ in range(rng.randint(8, 30))
    )


CAMPAIGNS, CAMPAIGN_SHARE = 100, 0.01  # messages a team repeats (a launch, an offer), and how often


def campaign_texts(rng, words) -> list[str]:
    return [f"Campaign {n}: " + sentence(rng, words) for n in range(CAMPAIGNS)]


def text_for(rng, words, campaigns) -> str:
    """Mostly a new sentence; now and then a campaign's message, as written or with one word more,
    so that the plan has repeated messages to find (and the bench groups to compare)."""
    if rng.random() >= CAMPAIGN_SHARE:
        return sentence(rng, words)
    text = rng.choice(campaigns)
    return text if rng.random() < 0.7 else text + " " + rng.choice(COMMON)


def populate(plan, count, rng, chunk=5000) -> float:
    """``count`` posts spread over the plan, inserted in bulk (the rollup's triggers fire as they would
    for any insert); returns the seconds spent in the database (making up the rows is not counted)."""
    zone = ZoneInfo(plan.timezone)
    start = datetime.combine(plan.starts_on, time(), zone).astimezone(timezone.utc)
    seconds = int((datetime.combine(plan.ends_on, time(23, 59), zone).astimezone(timezone.utc) - start).total_seconds())
    names = list(CHANNELS)
    words = vocabulary(rng)
    campaigns = campaign_texts(rng, words)
    spent = 0.0
    for first in range(0, count, chunk):
        rows = [
            {
                "plan_id": plan.id,
                "channel": names[n % len(names)],
                "title": "",
                "body": text_for(rng, words, campaigns),
                "link": "",
                "extra": {},
                "scheduled_at": start + timedelta(seconds=rng.randrange(seconds)),
                "status": rng.choice(["published", "published", "queued", "scheduled", "draft"]),
                "on_theme": rng.random() < 0.4,
                "theme_source": "keywords",
                "theme_matched": [],
                "problems": [],
                "attempts": 0,
                "failure_reason": "",
                "remote_id": "",
                "remote_url": "",
            }
            for n in range(first, min(first + chunk, count))
        ]
        began = perf_counter()
        db.session.execute(insert(Post), rows)
        db.session.commit()  # an import commits as it goes (and PostgreSQL can then prune old versions)
        spent += perf_counter() - began
    return spent


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
            base = (
                select(func.count())
                .select_from(Post)
                .where(
                    Post.plan_id == plan.id,
                    Post.channel == commitment.channel,
                    Post.status.in_(counted),
                    Post.scheduled_at >= start,
                    Post.scheduled_at < end,
                )
            )
            posts += db.session.scalar(base)
            on_theme += db.session.scalar(base.where(Post.on_theme.is_(True)))
        result[commitment.channel] = (posts, on_theme)
    return result


def make_plan(name):
    plan = plans.create_plan(
        {
            "name": name,
            "theme": "Atlas",
            "keywords": ["atlas"],
            "starts_on": "2031-01-01",
            "ends_on": "2031-03-31",
            "timezone": "Europe/Paris",
        }
    )
    for channel, (posts, per) in CHANNELS.items():
        plans.set_commitment(
            plan, channel, {"posts": posts, "per": per, "on_theme_min": 1, "one_note_max_share": max(0.6, 1 / posts)}
        )
    return plan


def counts_of(report) -> dict:
    return {row["channel"]: (row["posts"], row["on_theme"]) for row in report["channels"]}


def touch_a_post(plan):
    """Change one counted post's text, as an editor would: the stored repeated messages are stale. The
    edits alternate between an ordinary post and one repeating a campaign (whose group then changes)."""
    touch_a_post.count = getattr(touch_a_post, "count", 0) + 1
    repeating = Post.body.like("Campaign %") if touch_a_post.count % 2 else Post.body.not_like("Campaign %")
    post_id = db.session.scalar(
        select(func.min(Post.id)).where(Post.plan_id == plan.id, Post.status == "queued", repeating)
    )
    db.session.execute(update(Post).where(Post.id == post_id).values(body=Post.body + " !"))
    db.session.commit()


def detect_afresh(plan):
    """What a stale report does for repeated messages: read the counted posts, find the groups."""
    return find_repeated_messages(report_data.counted_posts(plan))


def settle():
    """On PostgreSQL, what autovacuum does soon after a bulk load, done now so runs compare: planner
    statistics for the naive recount, dead row versions cleared for the rollup."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def report_figures(plan, count):
    """The compliance report of one quarter against a naive recount, with and without a fresh cache."""
    naive_time, naive = timed(lambda: naive_recount(plan))
    counts_time, counts = timed(lambda: reports.compliance(plan, with_repetition=False), repeat=15)
    reports.compliance(plan)  # stores the repeated messages
    fresh_time, fresh = timed(lambda: reports.compliance(plan), repeat=15)
    after_edits = []  # an edit of a repeated message, then of an ordinary post: each checked against a full search
    for _ in range(4):
        seconds, stale = timed(lambda: reports.compliance(plan), repeat=1, before=lambda: touch_a_post(plan))
        assert stale["repeated_messages"] == detect_afresh(plan), "the groups found are not a full search's"
        after_edits.append(seconds)
    stale_time = sorted(after_edits)[len(after_edits) // 2]
    assert counts_of(counts) == counts_of(fresh) == naive, (counts_of(counts), naive)
    facts, commitments = report_data.plan_facts(plan), report_data.commitment_facts(plan)
    by_posts = compliance_from_tallies(facts, commitments, report_data.tallies_from_posts(plan, facts, commitments), [])
    assert counts_of(by_posts) == counts_of(counts)
    print(f"  naive recount (a COUNT per period and channel):  {naive_time * 1000:9.1f} ms")
    for label, seconds in (
        ("report counts (rollup, no repetition):", counts_time),
        ("full report, repeated messages stored:", fresh_time),
        ("full report, after an edit (median of 4):", stale_time),
    ):
        print(f"  {label:<48}{seconds * 1000:9.1f} ms  = {seconds / naive_time:.3f}x the naive recount")
    print(
        f"  same numbers as the naive recount: yes ({sum(p for p, _ in naive.values()):,} counted posts, "
        f"{len(stale['repeated_messages'])} repeated messages)"
    )
    print(
        "  after each of 4 edits (a repeated message, an ordinary post, in turn): "
        + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in after_edits)
        + "; the groups each time the same as a full search's"
    )
    return counts_time


def detection_growth(rng):
    """Repeated-message detection (reading the posts included) at 10k and 100k posts: linear or better?"""
    times = {}
    for size in (10_000, 100_000):
        plan = make_plan(f"Detection {size}")
        populate(plan, size, rng)
        times[size], _ = timed(lambda: detect_afresh(plan), repeat=2)  # noqa: B023 (called at once)
        print(f"  repeated-message detection at {size:>7,} posts: {times[size]:7.2f} s")
    print(f"  growth for 10x the posts: {times[100_000] / times[10_000]:.1f}x (linear: 10x; target <= 5 s at 100k)")


PARTS = ("repetition",)


def main(count=None, database=None, only=None):
    count = count or 1_000_000
    if only == "repetition":  # the 1M-post report takes minutes to set up; detection needs none of it
        with bench_app(database=database):
            detection_growth(random.Random(2))
        return
    with bench_app(database=database):
        plan = make_plan("Bench")
        seconds = populate(plan, count, random.Random(1))
        settle()
        print(f"compliance report over {count:,} posts (one quarter, 5 channels), {database_name()}:")
        print(f"  populating: bulk insert of {count:,} posts, the rollup kept by triggers: {seconds:.1f} s")
        counts_time = report_figures(plan, count)
        print(f"  report counts within the 50 ms target: {'yes' if counts_time <= 0.050 else 'NO'}")
        detection_growth(random.Random(2))
