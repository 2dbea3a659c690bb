"""RQ job functions: thin, idempotent, keyed by what they act on.

They run inside the worker's app context (``worker.py`` pushes it) and leave no session behind, so
one long-lived worker process never carries stale rows from one job into the next.
"""
from .extensions import db
from .services import feeds, items, newsletter, publishing, style


def deliver_post(post_id: int) -> str:
    try:
        return publishing.deliver(post_id)
    finally:
        db.session.remove()


def sweep() -> dict:
    try:
        return publishing.sweep()
    finally:
        db.session.remove()


def refresh_feed(feed_id: int) -> str:
    try:
        return feeds.import_feed(feed_id)
    finally:
        db.session.remove()


def refresh_library() -> dict:
    """Periodic: queue the feeds that are due, bring published posts into the library, and show its top
    performers in the style guide."""
    try:
        return {"feeds_queued": feeds.refresh_due_feeds(), "posts_collected": items.collect_published(),
                "style_examples": style.refresh_examples()}
    finally:
        db.session.remove()


# periodic jobs, in one place: (function, stable name, interval setting)
PERIODIC = [
    (sweep, "refrain-sweeper", "REFRAIN_SWEEP_INTERVAL"),
    (refresh_library, "refrain-library", "REFRAIN_FEED_CHECK_INTERVAL"),
]


def send_newsletter_batch(post_id: int, batch_no: int) -> str:
    """One batch of a newsletter issue; only its rows still pending are sent (see services.newsletter)."""
    try:
        return newsletter.send_batch(post_id, batch_no)
    finally:
        db.session.remove()


def send_newsletter_confirmation(subscriber_id: int, base_url: str = "") -> str:
    try:
        return newsletter.send_confirmation(subscriber_id, base_url)
    finally:
        db.session.remove()


def sweep_newsletter() -> dict:
    try:
        return newsletter.sweep()
    finally:
        db.session.remove()


PERIODIC.append((sweep_newsletter, "refrain-newsletter", "REFRAIN_SWEEP_INTERVAL"))
