"""Items put straight into the library (as a feed import would), for tests about what comes after."""

from datetime import datetime, timedelta, timezone

from scheduler.services import items

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def add_items(channel: str, entries: list[dict]) -> dict:
    """entries: {remote_id, title?, link?, summary?, days_ago?, metrics?, media?, content_type?}
    → {remote_id: item id}"""
    items.upsert(
        channel,
        [
            {
                "remote_id": e["remote_id"],
                "title": e.get("title", e["remote_id"]),
                "link": e.get("link", f"https://example.com/{channel}/{e['remote_id']}"),
                "summary": e.get("summary", f"<p>{e.get('title', e['remote_id'])}</p>"),
                "published_at": NOW - timedelta(days=e.get("days_ago", 1)),
                "content_type": e.get("content_type", "link"),
                "media": e.get("media", []),
                "metrics": e.get("metrics", {}),
            }
            for e in entries
        ],
    )
    from scheduler.models import ContentItem
    from scheduler.models.database import db

    return {i.remote_id: i.id for i in db.session.query(ContentItem).filter_by(channel=channel)}
