"""Content items (what was published) and their metrics: storing them (``rankings`` ranks them).

An item is keyed by (channel, remote id), so importing a feed again updates its items instead of
adding copies. Metrics are a time series, one reading per item, source and day (a second import on
the same day replaces that day's reading); the item keeps the latest value of each metric beside it,
written in the same transaction, so ranking reads one row per item.
"""

import math
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import insert, select, update

from scheduler.domain.language import _
from scheduler.domain.ranking import METRICS
from scheduler.infra.sanitise import clean_html, html_to_text, plain_line
from scheduler.models import ContentItem, ItemMetric
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services.errors import NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

CONTENT_TYPES = ("article", "video", "image", "link", "text", "email", "ad")
MEDIA_KEPT = 20
IN_CHUNK = 500  # ids per IN (...) clause: well under every database's parameter limit
TRAILING_DAYS = 90


def link_key(url: str) -> str:
    """A link as it names an item: no scheme, www., fragment, trailing slash or utm_ tags, so the
    link in an analytics export finds the item whatever tracking was added to it."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    )
    return urlunsplit(("", host, parts.path.rstrip("/"), query, "")).removeprefix("//")[:2000]


def get_item(item_id) -> ContentItem:
    item = db.session.get(ContentItem, item_id) if is_id(item_id) else None
    if item is None:
        raise NotFound(f"item {item_id}", _("item %(id)s not found", id=item_id))
    return item


def _web_link(url) -> str:
    url = str(url or "").strip()[:2000]
    return url if url.lower().startswith(("http://", "https://")) else ""


def _clean_metrics(raw) -> dict:
    """Known counters with finite, non-negative values; anything else a feed says is dropped."""
    clean = {}
    for name, value in (raw or {}).items():
        if (
            name in METRICS
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            clean[name] = value
    return clean


def _clean_media(raw) -> list[dict]:
    media = []
    for entry in (raw or [])[:MEDIA_KEPT]:
        if isinstance(entry, dict) and _web_link(entry.get("url")):
            media.append(
                {
                    "url": _web_link(entry["url"]),
                    "type": str(entry.get("type") or "")[:20],
                    "alt": plain_line(str(entry.get("alt") or ""), 1000),
                }
            )
    return media


def normalised_entry(entry: dict) -> dict | None:
    """An adapter's reading of a feed entry, made safe to store and show; None when it names nothing."""
    link = _web_link(entry.get("link"))
    remote_id = str(entry.get("remote_id") or link or "").strip()[:500]
    if not remote_id:
        return None
    summary = str(entry.get("summary") or "")
    published = entry.get("published_at")
    text = html_to_text(summary)
    return {
        "remote_id": remote_id,
        "title": plain_line(str(entry.get("title") or ""), 300) or _headline(text),
        "link": link,
        "link_key": link_key(link),
        "summary_html": clean_html(summary),
        "summary_text": text,
        "content_type": entry.get("content_type") if entry.get("content_type") in CONTENT_TYPES else "text",
        "media": _clean_media(entry.get("media")),
        "published_at": published if isinstance(published, datetime) and published.tzinfo else None,
        "metrics": _clean_metrics(entry.get("metrics")),
    }


def _headline(text: str, limit: int = 120) -> str:
    """A title for what has none (a tweet, a toot): its first line, cut at a word."""
    line = next((line for line in text.splitlines() if line.strip()), "").strip()
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


@unit_of_work
def upsert(channel: str, entries: list[dict], feed_id: int | None = None, notes: list | None = None) -> int:
    """Stores a batch of feed entries (new or changed) and their metrics; returns how many were stored.

    New items are inserted and changed ones updated as two bulk statements: a 10k-entry feed must
    not cost 10k ORM objects (``bench library`` measures it)."""
    by_remote = {}
    for entry in entries:
        clean = normalised_entry(entry)
        if clean is None:
            if notes is not None and len(notes) < 20:
                notes.append(_("an entry with neither an id nor a link was skipped"))
            continue
        by_remote[clean["remote_id"]] = clean  # the feed's last word on an entry wins
    metrics = {remote_id: clean.pop("metrics") for remote_id, clean in by_remote.items()}
    stored = _stored_fields(channel, list(by_remote))
    new = [{**clean, "channel": channel, "feed_id": feed_id} for r, clean in by_remote.items() if r not in stored]
    changed = [
        change for r, clean in by_remote.items() if r in stored if (change := _changes(stored[r], clean, feed_id))
    ]
    if new:
        db.session.execute(insert(ContentItem), new)
    if changed:
        db.session.execute(update(ContentItem), changed)
    ids = _ids_by_remote(channel, [r for r, values in metrics.items() if values])
    record_metrics({ids[r]: values for r, values in metrics.items() if values}, source="feed")
    return len(by_remote)


_STORED = ("title", "link", "link_key", "summary_html", "summary_text", "content_type", "media", "published_at")


def _stored_fields(channel: str, remote_ids: list[str]) -> dict[str, dict]:
    found = {}
    columns = (
        ContentItem.id,
        ContentItem.remote_id,
        ContentItem.feed_id,
        *(getattr(ContentItem, name) for name in _STORED),
    )
    for start in range(0, len(remote_ids), IN_CHUNK):
        chunk = remote_ids[start : start + IN_CHUNK]
        for row in db.session.execute(
            select(*columns).where(ContentItem.channel == channel, ContentItem.remote_id.in_(chunk))
        ):
            found[row.remote_id] = row._asdict()
    return found


def _changes(stored: dict, clean: dict, feed_id: int | None) -> dict:
    """What differs, with the item's id (for a bulk UPDATE); a feed that stopped giving dates does
    not erase the one we had."""
    change = {
        name: clean[name]
        for name in _STORED
        if clean[name] != stored[name] and not (name == "published_at" and clean[name] is None)
    }
    if stored["feed_id"] is None and feed_id is not None:
        change["feed_id"] = feed_id
    return {"id": stored["id"], **change} if change else {}


def _ids_by_remote(channel: str, remote_ids: list[str]) -> dict[str, int]:
    found = {}
    for start in range(0, len(remote_ids), IN_CHUNK):
        chunk = remote_ids[start : start + IN_CHUNK]
        found.update(
            db.session.execute(
                select(ContentItem.remote_id, ContentItem.id).where(
                    ContentItem.channel == channel, ContentItem.remote_id.in_(chunk)
                )
            ).all()
        )
    return found


@unit_of_work
def collect_published(limit: int = 2000) -> int:
    """Posts Refrain published join the library, so they are ranked and reused like any feed item,
    and a channel's analytics export finds them by their remote id or URL. A batch job, not part of
    each delivery: the worker's hot path stays a claim, a send and a status change."""
    from scheduler.models import Post

    known = select(ContentItem.post_id).where(ContentItem.post_id.is_not(None))
    published = list(
        db.session.scalars(
            select(Post).where(Post.status == "published", Post.id.not_in(known)).order_by(Post.id).limit(limit)
        )
    )
    for post in published:
        public = _web_link(post.remote_url)
        remote_id = (service_id(post) or f"refrain-post-{post.id}")[:500]
        entry = normalised_entry(
            {
                "remote_id": remote_id,
                "title": post.title,
                "link": public or post.link,
                "summary": post.body,
                "published_at": post.published_at,
                "content_type": "text",
                "media": (post.extra or {}).get("media"),
            }
        )
        entry.pop("metrics")
        existing = db.session.scalar(
            select(ContentItem).where(ContentItem.channel == post.channel, ContentItem.remote_id == remote_id)
        ) or _same_address(post.channel, public)
        if existing is not None and existing.post_id is not None:
            # another post's item holds this id or address (a webhook that answers every post with one id,
            # the demo's posts): this post joins under its own id, or it would be read again in every batch
            existing, entry["remote_id"] = None, f"refrain-post-{post.id}"
        if existing is None:
            db.session.add(ContentItem(channel=post.channel, post_id=post.id, **entry))
        elif existing.post_id is None:  # a feed brought it in first
            existing.post_id = post.id
    return len(published)


def service_id(post) -> str:
    """The id the service gave the post when it published it (a tweet's id, a video's), which its analytics
    export names it by; "" when there is none: an outbox delivery's is the name of the file it wrote
    (``<post id>.json``), which no service knows."""
    remote_id = (post.remote_id or "").strip()
    return "" if remote_id == f"{post.id}.json" else remote_id


def _same_address(channel: str, public: str) -> ContentItem | None:
    """An item a feed brought in first under its own id (a toot's URL for the id Mastodon gave Refrain),
    found by the address the service gave: the same object, not a second item."""
    if not public:
        return None
    return db.session.scalar(
        select(ContentItem)
        .where(ContentItem.channel == channel, ContentItem.link_key == link_key(public))
        .order_by(ContentItem.id)
        .limit(1)
    )


def record_metrics(values_by_item: dict[int, dict], source: str, observed_on: date | None = None) -> int:
    """One reading per item, source and day: a repeated import replaces the day's reading. The
    item's latest values move with it (the caller commits both together)."""
    observed_on = observed_on or clock.now().date()
    item_ids = list(values_by_item)
    for start in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[start : start + IN_CHUNK]
        readings = {
            m.item_id: m
            for m in db.session.scalars(
                select(ItemMetric).where(
                    ItemMetric.item_id.in_(chunk), ItemMetric.source == source, ItemMetric.observed_on == observed_on
                )
            )
        }
        items = {i.id: i for i in db.session.scalars(select(ContentItem).where(ContentItem.id.in_(chunk)))}
        for item_id in chunk:
            values = values_by_item[item_id]
            reading = readings.get(item_id)
            if reading is None:
                db.session.add(ItemMetric(item_id=item_id, source=source, observed_on=observed_on, values=values))
            else:
                reading.values = {**reading.values, **values}
                reading.observed_at = clock.now()
            items[item_id].metrics = {**items[item_id].metrics, **values}
    return len(item_ids)


def metric_series(item: ContentItem) -> list[dict]:
    readings = db.session.scalars(
        select(ItemMetric).where(ItemMetric.item_id == item.id).order_by(ItemMetric.observed_on, ItemMetric.source)
    )
    return [{"observed_on": r.observed_on.isoformat(), "source": r.source, "values": r.values} for r in readings]


# --- listing and ranking ---------------------------------------------------------------------------


@unit_of_work
def set_evergreen(item: ContentItem, data) -> ContentItem:
    reader = Reader(data)
    if reader.has("evergreen"):
        value = reader.data["evergreen"]
        if not isinstance(value, bool):
            reader.fail("evergreen", _("must be true or false"))
        else:
            item.evergreen = value
    if reader.has("cooldown_days"):
        days = reader.integer("cooldown_days", minimum=1, maximum=3650)
        if isinstance(days, int):
            item.cooldown_days = days
    reader.done()
    return item


def item_dict(item: ContentItem, ranked=None) -> dict:
    return {
        "id": item.id,
        "channel": item.channel,
        "title": item.title,
        "link": item.link,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "metrics": item.metrics,
        "score": None if ranked is None or ranked.score is None else round(ranked.score, 1),
        "engagement_rate": None if ranked is None else ranked.engagement_rate,
        "content_type": item.content_type,
        "media": list(item.media or []),
        "remote_id": item.remote_id,
        "feed_id": item.feed_id,
        "evergreen": item.evergreen,
        "cooldown_days": item.cooldown_days,
        "summary_html": item.summary_html,
    }
