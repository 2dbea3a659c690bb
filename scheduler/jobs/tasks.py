"""RQ job functions: thin, idempotent, keyed by what they act on.

They run inside the worker's app context (``worker.py`` pushes it) and leave no session behind, so
one long-lived worker process never carries stale rows from one job into the next.

A job that meets a database outage is not failed: a keyed job returns RQ's ``Retry``, which puts the
very same job (same id, so the sweeper still sees it alive and adds no second one) back a few seconds
later; a periodic job just skips its turn. Either way ``database_outage`` tells the worker to stop
taking jobs until the database answers again (``workers.RefrainWorker.wait_for_database``).
"""

import functools
import logging
import threading

from rq import Retry

from scheduler.models.database import database_unavailable, db, describe_error
from scheduler.services import (
    event_watch,
    feeds,
    handover,
    items,
    link_cards,
    publishing,
    style,
    sweeper,
    webhook_delivery,
)
from scheduler.services.newsletter import batches as newsletter_batches
from scheduler.services.newsletter import messages as newsletter_messages
from scheduler.services.newsletter import sweeper as newsletter_sweeper

log = logging.getLogger(__name__)
database_outage = threading.Event()  # set by a job that met an outage; cleared by the worker once SELECT 1 works
BACK_AFTER_OUTAGE = 5  # seconds; the worker itself waits for the database before taking it again
OUTAGE_RETRIES = 100_000  # an outage is not the job's fault: never fail a job for it


def on_database_outage(answer, what_happens: str):
    """A job decorator: when the database is away, log one line, tell the worker to wait for it, and
    return ``answer()`` as the job's result instead of failing the job."""

    def decorate(job_function):
        @functools.wraps(job_function)
        def run(*args, **kwargs):
            try:
                return job_function(*args, **kwargs)
            except Exception as error:
                if not database_unavailable(error):
                    raise
                database_outage.set()
                log.warning("database unavailable (%s); %s", describe_error(error), what_happens)
                return answer()
            finally:
                _remove_session()

        return run

    return decorate


# a keyed job comes back later under the same id; a periodic one skips this turn, the next comes by itself
put_back_on_outage = on_database_outage(
    lambda: Retry(max=OUTAGE_RETRIES, interval=BACK_AFTER_OUTAGE), f"the job is put back for {BACK_AFTER_OUTAGE} s"
)
skip_turn_on_outage = on_database_outage(lambda: {"skipped": "database unavailable"}, "skipping this turn")


def _remove_session() -> None:
    """Closing a session whose connection died must not replace the job's own outcome."""
    try:
        db.session.remove()
    except Exception as error:  # noqa: BLE001
        if not database_unavailable(error):
            raise


@put_back_on_outage
def deliver_post(post_id: int) -> str:
    return publishing.deliver(post_id)


# another call about the same post is under way (``handover.BUSY``): the same job again a little later
BUSY_RETRIES, BUSY_INTERVAL = 60, 5


@put_back_on_outage
def hand_over_post(post_id: int, attempt: int = 0):
    """Give a post to a service that holds it until its time (``services.handover``)."""
    result = handover.hand_over(post_id, attempt)
    return Retry(max=BUSY_RETRIES, interval=BUSY_INTERVAL) if result == handover.BUSY else result


@put_back_on_outage
def withdraw_post(post_id: int, attempt: int = 0):
    """Take back from its service a post handed over and then taken off the calendar."""
    result = handover.withdraw(post_id, attempt)
    return Retry(max=BUSY_RETRIES, interval=BUSY_INTERVAL) if result == handover.BUSY else result


@skip_turn_on_outage
def sweep() -> dict:
    return sweeper.sweep()


@put_back_on_outage
def refresh_feed(feed_id: int) -> str:
    return feeds.import_feed(feed_id)


def fetch_link_card(url: str) -> str:
    """A link card for the previews: the page's head read through the guard, kept in Redis (no database)."""
    return link_cards.read_and_keep(url)


@skip_turn_on_outage
def refresh_library() -> dict:
    """Periodic: queue the feeds that are due, bring published posts into the library, and show its top
    performers in the style guide."""
    return {
        "feeds_queued": feeds.refresh_due_feeds(),
        "posts_collected": items.collect_published(),
        "style_examples": style.refresh_examples(),
    }


# periodic jobs, in one place: (function, stable name, its interval in seconds from the settings)
PERIODIC = [
    (sweep, "refrain-sweeper", lambda settings: settings.sweep_interval),
    (refresh_library, "refrain-library", lambda settings: settings.feed_check_interval),
]


@put_back_on_outage
def send_newsletter_batch(post_id: int, batch_no: int) -> str:
    """One batch of a newsletter issue; only its rows still pending are sent (see services.newsletter)."""
    return newsletter_batches.send_batch(post_id, batch_no)


@put_back_on_outage
def send_newsletter_confirmation(subscriber_id: int, _base_url: str = "", spoken: str = "") -> str:
    """``_base_url``: only jobs queued before links came from REFRAIN_PUBLIC_URL carry it (ignored);
    ``spoken``: the language of the signup, the mail's."""
    return newsletter_messages.send_confirmation(subscriber_id, spoken=spoken)


@put_back_on_outage
def deliver_webhook(event_id: int):
    """One event to one subscription (``services.webhook_delivery``); a receiver that is down or slow
    gets the same job again after each of the configured waits."""
    if webhook_delivery.deliver(event_id) == webhook_delivery.RETRY:
        waits = webhook_delivery.retry_waits()
        return Retry(max=len(waits), interval=waits)
    return "done"


@skip_turn_on_outage
def watch_events() -> dict:
    """Periodic: commitments fallen behind and patterns flagged, told to the webhooks once each."""
    return event_watch.watch()


PERIODIC.append((watch_events, "refrain-event-watch", lambda settings: settings.event_watch_interval))


@skip_turn_on_outage
def sweep_newsletter() -> dict:
    return newsletter_sweeper.sweep()


PERIODIC.append((sweep_newsletter, "refrain-newsletter", lambda settings: settings.sweep_interval))
