"""A CSV of posts imported into a plan with every check on (10,000 rows by default): each row read as the
editor's save reads it, the theme decided from the plan's keywords, the channel's rules, the style guide's
lint with a guide of term rules, the time guard, and the good rows scheduled (queued, with their jobs in
Redis). A few rows in a hundred are bad (too long, an unknown channel, a time already past, a word the
guide forbids, JSON that is not), as a real file has.

The baseline, measured in the same run on its own fresh installation: the very same rows created one by
one through the services, each row's create and schedule its own units of work (what a script calling the
API row by row gets, without the HTTP). The import commits a batch of rows per unit of work
(``posts_import.BATCH``), with a savepoint per row.
"""

import csv
import io
import json
import random
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench.common import bench_app, database_name
from bench.report import sentence, vocabulary
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import clock, plans, posts, posts_import, style
from scheduler.services.errors import ServiceError
from scheduler.services.post_checks import blocking_errors

ROWS = 10_000
ZONE = "Europe/Paris"
CHANNELS = {"twitter": 0.7, "mastodon": 0.1, "blog": 0.08, "newsletter": 0.06, "youtube": 0.06}
RULES = [
    {"kind": "term_rule", "title": "Plain words", "avoid": "utilize, leverage", "prefer": "use", "severity": "warning"},
    {"kind": "term_rule", "title": "Never cheap", "avoid": "cheap, bon marché, 便宜", "severity": "error"},
    {"kind": "term_rule", "title": "Say customers", "avoid": "users", "prefer": "customers", "severity": "warning"},
    {
        "kind": "term_rule",
        "title": "Promotions carry #ad",
        "rule": "disclosure",
        "requires": "#ad",
        "triggers": ["discount", "promo code"],
        "channel": "twitter",
        "severity": "error",
    },
]


def posts_csv(count: int, first_day: date, days: int, rng: random.Random) -> bytes:
    """``count`` rows between 08:00 and 21:00 on the plan's days; about 3 % of them bad."""
    words = vocabulary(rng)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["channel", "title", "body", "link", "scheduled_at", "on_theme", "extra"])
    for n in range(count):
        channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        when = datetime.combine(first_day + timedelta(days=rng.randrange(days)), datetime.min.time(), ZoneInfo(ZONE))
        when += timedelta(minutes=8 * 60 + 15 * rng.randrange(52))
        body = sentence(rng, words)[:200] + (" summer offer" if rng.random() < 0.4 else "")
        title = "" if channel in ("twitter", "mastodon") else sentence(rng, words)[:80]
        extra = json.dumps({"tags": ["summer", f"t{n % 7}"]}) if channel == "youtube" else ""
        link = f"https://example.com/guides/{n}" if rng.random() < 0.3 else ""
        spoiled = rng.random()
        if spoiled < 0.01:
            body = "x" * 400 if channel == "twitter" else ""  # too long for X, or no text at all
        elif spoiled < 0.015:
            channel = "fax"
        elif spoiled < 0.02:
            when = datetime.now(timezone.utc) - timedelta(days=2)  # already past
        elif spoiled < 0.025:
            body += " cheap"
        elif spoiled < 0.03:
            extra = "{not json"
        writer.writerow([channel, title, body, link, when.isoformat(), "", extra])
    return out.getvalue().encode()


def prepare(first_day: date, days: int):
    for rule in RULES:
        style.create_entry(rule)
    plan = plans.create_plan(
        {
            "name": "Bench import",
            "theme": "Summer",
            "keywords": ["summer offer", "offre d'été"],
            "starts_on": first_day.isoformat(),
            "ends_on": (first_day + timedelta(days=days - 1)).isoformat(),
            "timezone": ZONE,
        }
    )
    for channel in CHANNELS:
        plans.set_commitment(plan, channel, {"posts": 2, "per": "day", "on_theme_min": 1})
    return plan


def one_by_one(data: bytes, plan_id: int) -> tuple[int, int]:
    """The baseline: each row through the services on its own (create, then schedule, each committed)."""
    made = refused = 0
    for row in csv.DictReader(io.StringIO(data.decode())):
        fields = {name: row[name] for name in ("channel", "title", "body", "link", "scheduled_at")}
        if row["extra"]:
            try:
                fields["extra"] = json.loads(row["extra"])
            except ValueError:
                refused += 1
                continue
        try:
            post = posts.create_post({**fields, "plan_id": plan_id})
        except ServiceError:
            refused += 1
            continue
        if blocking_errors(post) or post.scheduled_at <= clock.now():
            posts.cancel_post(post)  # what a script would do with a draft it cannot schedule
            refused += 1
            continue
        try:
            posts.schedule_post(post)
            made += 1
        except ServiceError:
            refused += 1
    return made, refused


def main(count: int | None = None):
    count = count or ROWS
    first_day, days = date.today() + timedelta(days=30), 91
    data = posts_csv(count, first_day, days, random.Random(16))
    with bench_app():
        plan = prepare(first_day, days)
        started = time.perf_counter()
        made, refused = one_by_one(data, plan.id)
        baseline = time.perf_counter() - started
    with bench_app():
        plan = prepare(first_day, days)
        started = time.perf_counter()
        result = posts_import.import_posts(data, plan.id, schedule=True)
        ours = time.perf_counter() - started
        stored = db.session.scalar(select(func.count()).select_from(Post).where(Post.plan_id == plan.id))
        queued = db.session.scalar(select(func.count()).select_from(Post).where(Post.status == "queued"))
        database = database_name()
    assert result.imported == made and result.rows_refused == refused, (result.imported, made, refused)
    assert stored == queued == result.imported
    print(f"importing a CSV of {count:,} posts ({len(data) / 1e6:.1f} MB), every check on and scheduled, {database}:")
    print(f"  {result.imported:,} posts queued, {result.rows_refused:,} rows refused ({len(result.errors):,} problems)")
    print(f"  one by one through the services (baseline): {baseline:7.2f} s = {count / baseline:7,.0f} rows/s")
    print(
        f"  the import ({posts_import.BATCH} rows a unit of work, a savepoint a row): {ours:7.2f} s = "
        f"{count / ours:7,.0f} rows/s"
        f"  = {baseline / ours:.2f}x the baseline's rate"
    )
