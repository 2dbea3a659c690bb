"""The library at scale: importing a 10k-entry feed, and ranking 100k items, each against the
straightforward way of doing the same work, measured in the same run."""

import bisect
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import feedparser
from sqlalchemy import func, insert, select

import channels.registry as channel_registry
from bench.common import bench_app, timed
from scheduler.models import ContentItem, Feed
from scheduler.models.database import db
from scheduler.services import feeds, items, rankings
from scheduler.services.items import normalised_entry

START = datetime(2031, 1, 1, tzinfo=timezone.utc)
CHANNELS = {
    "twitter": "impressions",
    "mastodon": "impressions",
    "bluesky": "impressions",
    "youtube": "views",
    "newsletter": "opens",
    "blog": "impressions",
    "ppc": "impressions",
}


def big_feed(entries: int, rng: random.Random) -> bytes:
    items_xml = "".join(
        f"<item><title>Post {n}: {rng.choice(['guide', 'news', 'offre été', '夏季优惠'])}</title>"
        f"<link>https://blog.example.com/{n}/</link><guid>https://blog.example.com/?p={n}</guid>"
        f"<pubDate>{format_datetime(START + timedelta(hours=n))}</pubDate>"
        f"<description><![CDATA[<p>Entry {n} says something <b>useful</b> about planning.</p>]]></description></item>"
        for n in range(entries)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>https://blog.example.com</link><description>x</description>{items_xml}</channel></rss>"
    ).encode()


def naive_import(content: bytes) -> int:
    """One entry at a time: look it up, insert or update it, commit."""
    adapter = channel_registry.get("blog")
    parsed = feedparser.parse(content)
    for entry in parsed.entries:
        clean = normalised_entry(adapter.read_feed_entry(entry))
        clean.pop("metrics")
        item = db.session.scalar(
            select(ContentItem).where(ContentItem.channel == "blog", ContentItem.remote_id == clean["remote_id"])
        )
        if item is None:
            db.session.add(ContentItem(channel="blog", **clean))
        else:
            for name, value in clean.items():
                setattr(item, name, value)
        db.session.commit()
    return len(parsed.entries)


def wipe_items():
    db.session.execute(ContentItem.__table__.delete())
    db.session.commit()


def import_bench(entries: int):
    content = big_feed(entries, random.Random(2))
    feed = Feed(url="https://blog.example.com/feed", channel="blog", status="importing")
    db.session.add(feed)
    db.session.commit()
    parse_time, _ = timed(lambda: feedparser.parse(content), repeat=1)
    ours_time, _ = timed(
        lambda: (wipe_items(), feeds.import_content(feed, content, "application/rss+xml", feed.url)), repeat=1
    )
    again_time, _ = timed(lambda: feeds.import_content(feed, content, "application/rss+xml", feed.url), repeat=1)
    stored = db.session.scalar(select(func.count()).select_from(ContentItem))
    wipe_items()
    naive_time, _ = timed(lambda: naive_import(content), repeat=1)
    naive_again, _ = timed(lambda: naive_import(content), repeat=1)
    assert stored == entries == db.session.scalar(select(func.count()).select_from(ContentItem))
    print(f"importing a feed of {entries:,} entries ({len(content) / 1e6:.1f} MB), SQLite:")
    print(f"  feedparser alone:                              {parse_time:8.2f} s")
    print(f"  naive (look up, write, commit per entry):      {naive_time:8.2f} s;  again: {naive_again:.2f} s")
    print(
        f"  Refrain (batches of {feeds.BATCH}, progress kept):      {ours_time:8.2f} s"
        f"  = {ours_time / naive_time:.2f}x;  again (all updates): {again_time:.2f} s = "
        f"{again_time / naive_again:.2f}x"
    )


def populate_items(count: int, rng: random.Random):
    names = list(CHANNELS)
    rows = []
    for n in range(count):
        channel = names[n % len(names)]
        seen = int(rng.lognormvariate(7, 1.5)) + 1
        rate = min(rng.betavariate(2, 60 if channel != "youtube" else 12), 1)
        rows.append(
            {
                "channel": channel,
                "remote_id": f"r{n}",
                "title": f"item {n}",
                "link": f"https://e.com/{n}",
                "link_key": f"e.com/{n}",
                "summary_html": "",
                "summary_text": "",
                "content_type": "link",
                "media": [],
                "published_at": START - timedelta(minutes=rng.randrange(200 * 24 * 60)),
                CHANNELS[channel]: seen,
                "clicks": int(seen * rate),
                "evergreen": False,
                "cooldown_days": 60,
            }
        )
    for chunk in range(0, count, 5000):
        db.session.execute(insert(ContentItem), rows[chunk : chunk + 5000])
    db.session.commit()


def naive_rank(as_of):
    """Every item as an ORM object, raw rates, a sorted list per channel and a bisect per item."""
    every = list(db.session.scalars(select(ContentItem)))
    window = as_of - timedelta(days=items.TRAILING_DAYS)
    rates, per_channel = {}, {}
    for item in every:
        seen = item.metrics.get("impressions") or item.metrics.get("views") or item.metrics.get("opens")
        if seen:
            rates[item.id] = item.metrics.get("clicks", 0) / seen
            if item.published_at and window <= item.published_at <= as_of:
                per_channel.setdefault(item.channel, []).append(rates[item.id])
    for values in per_channel.values():
        values.sort()
    scores = {}
    for item in every:
        if item.id in rates and per_channel.get(item.channel):
            values = per_channel[item.channel]
            scores[item.id] = 100 * bisect.bisect_left(values, rates[item.id]) / len(values)
    return sorted(scores, key=scores.get, reverse=True)


def rank_bench(count: int):
    populate_items(count, random.Random(3))
    db.session.expire_all()
    ours_time, (_, ranked) = timed(lambda: rankings.rank(as_of=START))
    naive_time, naive = timed(lambda: (db.session.expire_all(), naive_rank(START))[1])
    top_channels = {r.channel for r in ranked[:50]}
    print(f"ranking {count:,} items on {len(CHANNELS)} channels (90-day window), SQLite:")
    print(f"  naive (ORM rows, raw rates, bisect per item):  {naive_time * 1000:8.0f} ms")
    print(
        f"  Refrain (columns only, shrinkage, numpy):      {ours_time * 1000:8.0f} ms"
        f"  = {ours_time / naive_time:.2f}x the naive ranking"
    )
    print(
        f"  scored: {sum(r.score is not None for r in ranked):,} (naive: {len(naive):,}); "
        f"channels among the top 50: {len(top_channels)}"
    )


def main(count=None):
    with bench_app():
        import_bench(10_000)
    with bench_app():
        rank_bench(count or 100_000)
