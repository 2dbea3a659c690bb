"""Feeds of what the team published: adding them, and importing their entries as content items.

Fetching happens only in RQ jobs, through ``outbound.client.fetch`` (our own bounded client); feedparser is
handed bytes, never a URL. A feed is claimed in the database before it is read, so two workers (or
a refresh pressed twice) never import it at the same time. A broken feed is reported on its own
page and never stops another feed or the worker: every failure becomes the feed's ``last_error``.

An import is several units of work by design: the claim, each batch of entries with the progress the
feed's page shows while it runs, and the result; a worker that dies mid-import leaves what it stored
and a claim that goes stale (``STALE_CLAIM``), after which the next refresh takes the feed again.

Each fetch is a request to someone else's server, so they are bounded: at most ``MAX_FEEDS`` feeds,
each refreshed every ``REFRESH_BOUNDS[0]`` minutes at the most often, and "Refresh now" taken once a
``MANUAL_REFRESH_GAP`` per feed (a Redis key that expires by itself).
"""

import logging
from datetime import timedelta

import feedparser
from sqlalchemy import func, or_, select, update

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import FetchError
from scheduler.infra.queue import REFRESH_FEED
from scheduler.infra.sanitise import plain_line
from scheduler.models import ContentItem, Feed
from scheduler.models.database import db
from scheduler.services import items as item_store
from scheduler.services import runtime
from scheduler.services.clock import now
from scheduler.services.errors import Conflict, NotFound
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader, is_id

log = logging.getLogger(__name__)
NEW, IMPORTING, OK, ERROR = "new", "importing", "ok", "error"
STALE_CLAIM = timedelta(minutes=15)  # an import claimed longer ago than this died with its worker
BATCH = 250
NOTES_KEPT = 20
REFRESH_BOUNDS = (5, 7 * 24 * 60)
MAX_FEEDS = 200
MANUAL_REFRESH_GAP = 60  # seconds between two refreshes asked by hand (page or API) of one feed


def get_feed(feed_id) -> Feed:
    feed = db.session.get(Feed, feed_id) if is_id(feed_id) else None
    if feed is None:
        raise NotFound(f"feed {feed_id}", _("feed %(id)s not found", id=feed_id))
    return feed


@unit_of_work
def add_feed(data) -> Feed:
    reader = Reader(data)
    url = reader.text("url", max_length=2000)
    if url and not url.lower().startswith(("http://", "https://")):
        reader.fail("url", _("must be an http:// or https:// address"))
    channel = reader.text("channel", max_length=40)
    if channel and channel_registry.why_unknown(channel):
        reader.fail("channel", channel_registry.why_unknown(channel))
    minutes = reader.integer(
        "refresh_minutes", minimum=REFRESH_BOUNDS[0], maximum=REFRESH_BOUNDS[1], required=False, default=60
    )
    reader.done()
    if db.session.scalar(select(Feed.id).where(Feed.url == url)) is not None:
        raise Conflict(_("this feed is already in the library"), {"url": _("is already added")})
    if db.session.scalar(select(func.count(Feed.id))) >= MAX_FEEDS:
        raise Conflict(
            _("the library follows %(most)s feeds, the most it may", most=MAX_FEEDS),
            {"url": _("cannot be added: the library already follows %(most)s feeds; remove one first", most=MAX_FEEDS)},
        )
    feed = Feed(url=url, channel=channel, refresh_minutes=minutes, status=NEW)
    db.session.add(feed)
    db.session.flush()
    feed_id = feed.id
    after_commit(lambda: request_refresh(feed_id))
    return feed


@unit_of_work
def delete_feed(feed: Feed) -> None:
    """The feed goes; the items it brought stay (their metrics and the posts made from them matter)."""
    db.session.delete(feed)


def refresh_job_id(feed_id: int) -> str:
    return f"refresh-feed-{feed_id}"


def request_refresh(feed_id: int) -> bool:
    """Asks a worker to import the feed; pressing it twice queues it once. False when Redis is away
    (the periodic refresh will come back to it)."""
    job_id = refresh_job_id(feed_id)
    queues = runtime.queues()
    try:
        if queues.jobs_alive([job_id]):
            return True
        queues.library.enqueue(
            REFRESH_FEED,
            feed_id,
            job_id=job_id,
            job_timeout=600,
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
            description=f"import feed {feed_id}",
        )
        return True
    except Exception as error:  # noqa: BLE001 - whatever keeps Redis away, the periodic refresh retries
        log.warning("could not queue feed %s: %s", feed_id, error)
        return False


def refresh_by_hand(feed_id: int) -> bool:
    """ "Refresh now" (the page, the API): queued like ``request_refresh``, but refused (Conflict) when the
    same feed was asked for less than ``MANUAL_REFRESH_GAP`` seconds ago, however fast someone clicks."""
    queues = runtime.queues()
    try:
        first = queues.connection.set(queues.key(f"feed-refresh:{feed_id}"), "1", nx=True, ex=MANUAL_REFRESH_GAP)
    except Exception as error:  # noqa: BLE001 - Redis away: request_refresh says so
        log.warning("could not note the refresh of feed %s: %s", feed_id, error)
        return request_refresh(feed_id)
    if not first:
        raise Conflict(
            _(
                "this feed was refreshed less than %(seconds)s seconds ago; try again in a minute",
                seconds=MANUAL_REFRESH_GAP,
            )
        )
    return request_refresh(feed_id)


def refresh_due_feeds() -> int:
    """The periodic job: every feed whose refresh interval has passed gets its import queued."""
    with unit_of_work():  # a read, ended before Redis is asked
        due = [feed.id for feed in db.session.scalars(select(Feed)) if _is_due(feed)]
    return sum(request_refresh(feed_id) for feed_id in due)


def _is_due(feed: Feed) -> bool:
    if feed.status == IMPORTING:
        return feed.last_fetched_at is None or feed.last_fetched_at < now() - STALE_CLAIM
    return feed.last_fetched_at is None or feed.last_fetched_at + timedelta(minutes=feed.refresh_minutes) <= now()


def import_feed(feed_id: int) -> str:
    """The job: fetch, parse and store one feed; returns a line for the job's result."""
    if not _claim(feed_id):
        return "skipped: already importing, or gone"
    feed = db.session.get(Feed, feed_id)
    try:
        return _import(feed)
    except Exception as error:  # a hostile feed must not take the worker down or leave the feed stuck
        log.exception("feed %s: import failed", feed_id)
        _finish(feed_id, ERROR, last_error=f"the import failed: {type(error).__name__}: {str(error)[:300]}")
        return "failed"


@unit_of_work
def _claim(feed_id: int) -> bool:
    claimed = (
        db.session.execute(
            update(Feed)
            .where(Feed.id == feed_id)
            .where(
                or_(
                    Feed.status != IMPORTING, Feed.last_fetched_at.is_(None), Feed.last_fetched_at < now() - STALE_CLAIM
                )
            )
            .values(status=IMPORTING, last_fetched_at=now(), progress_done=0, progress_total=0)
        ).rowcount
        == 1
    )
    return claimed


@unit_of_work
def _finish(feed_id: int, status: str, **values) -> None:
    db.session.execute(update(Feed).where(Feed.id == feed_id).values(status=status, **values))


def _import(feed: Feed) -> str:
    allow = runtime.settings().fetch_allow
    try:
        fetched = fetch(feed.url, etag=feed.etag or None, last_modified=feed.last_modified or None, allow=allow)
    except FetchError as error:
        _finish(feed.id, ERROR, last_error=str(error))
        return f"failed: {error.reason}"
    if fetched.not_modified:
        _finish(feed.id, OK, last_error="", last_success_at=now())
        return "not modified"
    return import_content(
        feed,
        fetched.content,
        fetched.content_type,
        fetched.url,
        etag=(fetched.etag or "")[:300],
        last_modified=(fetched.last_modified or "")[:100],
    )


def import_content(feed: Feed, content: bytes, content_type: str, url: str, **validators) -> str:
    """Parse fetched bytes and store their entries (the part after the network, benchmarked alone)."""
    refusal = hostile_markup(content)
    if refusal:
        _finish(feed.id, ERROR, last_error=refusal)
        return "failed: refused"
    parsed = feedparser.parse(
        content, response_headers={"content-type": content_type or "application/xml", "content-location": url}
    )
    if not parsed.entries and parsed.bozo:
        _finish(feed.id, ERROR, last_error=f"this is not a feed Refrain can read: {_bozo_message(parsed)}")
        return "failed: unreadable"
    notes = (
        [f"the feed is not well-formed ({_bozo_message(parsed)}); what could be read was imported"]
        if parsed.bozo
        else []
    )
    stored, skipped = _store_entries(feed, parsed.entries, notes)
    _finish(
        feed.id,
        OK,
        last_error="",
        last_success_at=now(),
        notes=notes[:NOTES_KEPT],
        title=plain_line(parsed.feed.get("title", ""), 300) or feed.title,
        **validators,
    )
    return f"imported {stored} entries" + (f", skipped {skipped}" if skipped else "")


def hostile_markup(content: bytes) -> str:
    """Entity declarations are how XML bombs and external-entity reads start; no honest feed needs one."""
    head = content[:65536]
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding, errors="ignore")
        except LookupError:
            continue
        if "<!ENTITY" in text:
            return "the feed declares XML entities, which Refrain refuses (they are how XML bombs work)"
    return ""


def _bozo_message(parsed) -> str:
    return str(getattr(parsed, "bozo_exception", "") or "malformed")[:300]


def _store_entries(feed: Feed, entries, notes: list) -> tuple[int, int]:
    """In batches, with the progress kept on the feed for the page that watches a first large import."""
    adapter = channel_registry.get(feed.channel)
    total, stored, skipped = len(entries), 0, 0
    _progress(feed.id, 0, total)
    for start in range(0, total, BATCH):
        batch = []
        for number, entry in enumerate(entries[start : start + BATCH], start=start + 1):
            try:
                batch.append(adapter.read_feed_entry(entry))
            except Exception as error:
                skipped += 1
                if len(notes) < NOTES_KEPT:
                    notes.append(f"entry {number} skipped: {type(error).__name__}: {str(error)[:200]}")
        stored += item_store.upsert(feed.channel, batch, feed_id=feed.id, notes=notes)
        _progress(feed.id, min(start + BATCH, total), total)
    return stored, skipped


@unit_of_work
def _progress(feed_id: int, done: int, total: int) -> None:
    db.session.execute(update(Feed).where(Feed.id == feed_id).values(progress_done=done, progress_total=total))


def item_counts() -> dict[int, int]:
    """Items per feed, in one query (a feed with none is absent)."""
    return dict(
        db.session.execute(
            select(ContentItem.feed_id, func.count(ContentItem.id))
            .where(ContentItem.feed_id.is_not(None))
            .group_by(ContentItem.feed_id)
        ).all()
    )


def feed_dict(feed: Feed, items: int | None = None) -> dict:
    return {
        "id": feed.id,
        "url": feed.url,
        "channel": feed.channel,
        "title": feed.title,
        "status": feed.status,
        "last_error": feed.last_error or None,
        "notes": list(feed.notes or []),
        "refresh_minutes": feed.refresh_minutes,
        "last_fetched_at": feed.last_fetched_at.isoformat() if feed.last_fetched_at else None,
        "last_success_at": feed.last_success_at.isoformat() if feed.last_success_at else None,
        "progress": {"done": feed.progress_done, "total": feed.progress_total},
        "items": items
        if items is not None
        else db.session.scalar(select(func.count(ContentItem.id)).where(ContentItem.feed_id == feed.id)),
    }


def list_feeds() -> list[Feed]:
    return list(db.session.scalars(select(Feed).order_by(Feed.channel, Feed.id)))
