"""Feed entries (as feedparser gives them) read into the app's content items.

``Channel.read_feed_entry`` returns one shape for every channel, so the app stores, sanitises and
adapts an item without knowing where it came from. The pieces every channel's reader shares live
here; a channel overrides only what its service publishes differently (YouTube's statistics,
Mastodon's untitled posts...). Feeds are written by others: every value is checked, and anything
unreadable is left out rather than raised.
"""

import time
from collections.abc import Mapping
from datetime import datetime, timezone

from scheduler.domain.language import _

CONTENT_TYPES = ("article", "video", "image", "link", "text", "email")
METRICS = ("impressions", "clicks", "likes", "replies", "shares", "views", "opens", "conversions")
MEDIA_KINDS = ("image", "video", "audio")


def text_of(value) -> str:
    return value if isinstance(value, str) else ""


def remote_id(entry: Mapping) -> str:
    """The entry's id (Atom id, RSS guid), else its link: what tells one item from another on re-reads."""
    return text_of(entry.get("id")).strip() or text_of(entry.get("link")).strip()


def published_at(entry: Mapping) -> datetime | None:
    """feedparser's parsed times are UTC; an entry with neither date, or a date out of range, has none."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, (time.struct_time, tuple)) and len(parsed) >= 6:
            try:
                return datetime(*parsed[:6], tzinfo=timezone.utc)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def summary_of(entry: Mapping) -> str:
    """The summary (RSS description), else the first content: HTML or text as the feed gave it."""
    return text_of(entry.get("summary")) or full_content(entry)


def full_content(entry: Mapping) -> str:
    """Atom content or RSS content:encoded (the whole article), else ""."""
    for content in entry.get("content") or []:
        if isinstance(content, Mapping) and text_of(content.get("value")) and content.get("type") != "text/plain":
            return content["value"]
    return ""


def media_kind(item: Mapping) -> str:
    """ "image", "video", "audio" from Media RSS's medium or the MIME type, else ""."""
    medium = text_of(item.get("medium"))
    if medium in MEDIA_KINDS:
        return medium
    family = text_of(item.get("type")).split("/")[0]
    return family if family in MEDIA_KINDS else ""


def media_of_entry(entry: Mapping) -> list[dict]:
    """Media RSS content and thumbnails, then enclosures, once each, as {"url", "type", "alt"}."""
    found: dict[str, dict] = {}
    candidates = [(m, m.get("url"), media_kind(m)) for m in entry.get("media_content") or [] if isinstance(m, Mapping)]
    candidates += [(m, m.get("url"), "image") for m in entry.get("media_thumbnail") or [] if isinstance(m, Mapping)]
    candidates += [(e, e.get("href"), media_kind(e)) for e in entry.get("enclosures") or [] if isinstance(e, Mapping)]
    for _item, url, kind in candidates:
        if isinstance(url, str) and url.strip() and url.strip() not in found:
            found[url.strip()] = {"url": url.strip(), "type": kind, "alt": ""}
    return list(found.values())


def count(value) -> int | None:
    """A count as feeds write it ("1234", "1,234"): a whole number, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    digits = text_of(value).strip().replace(",", "")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def metrics(**values) -> dict:
    """Only the known metrics that have a readable number."""
    unknown = set(values) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; known: {', '.join(METRICS)}")
    return {name: number for name, value in values.items() if (number := count(value)) is not None}


def content_item(entry: Mapping, content_type: str, **overrides) -> dict:
    """The item every reader returns; ``overrides`` replace the generic reading of a field."""
    if content_type not in CONTENT_TYPES:
        raise ValueError(
            _(
                "unknown content type %(content_type)s; known: %(join)s",
                content_type=repr(content_type),
                join=", ".join(CONTENT_TYPES),
            )
        )
    item = {
        "remote_id": remote_id(entry),
        "title": " ".join(text_of(entry.get("title")).split()),
        "link": text_of(entry.get("link")).strip(),
        "summary": summary_of(entry),
        "published_at": published_at(entry),
        "content_type": content_type,
        "media": media_of_entry(entry),
        "metrics": {},
    }
    item.update(overrides)
    return item


def social_content_type(media: list[dict], links_out: bool) -> str:
    """A short post's kind: a picture or video when it carries one, a link when it sends readers away, else text."""
    kinds = {item["type"] for item in media}
    if "image" in kinds:
        return "image"
    if "video" in kinds:
        return "video"
    return "link" if links_out else "text"
