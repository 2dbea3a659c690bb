"""Telling one subscription of one event: the body in its format, signed, sent through the guarded path.

The request goes through ``channels.http.HttpClient``, the client every delivery over HTTP uses: the
address guard (an inside address is refused unless REFRAIN_FETCH_ALLOW names it; nothing is sent then),
one connection to the very address checked, a bounded answer, no redirect followed. Each attempt is a
``webhook_deliveries`` row: its number, the status and the first characters of the answer, or the error,
and how long it took.

Whether to try again is the answer's: a 2xx is delivered; no answer, a timeout, a 5xx, 408 or 429 is
tried again after the next of ``settings.webhook_retry_intervals`` (the job returns RQ's ``Retry``), until
they run out; any other answer is final, and so is a refused address (it would be refused again).
"""

from __future__ import annotations

import logging
import time

from channels.base import DeliveryFailure
from channels.http import HttpClient
from scheduler.domain import language
from scheduler.domain import webhooks as rules
from scheduler.infra import catalogs
from scheduler.infra.secrets import UnreadableSecrets, unseal
from scheduler.models import Webhook, WebhookDelivery, WebhookEvent
from scheduler.models.database import db
from scheduler.services import clock, runtime
from scheduler.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
TIMEOUT = 10.0  # seconds for the whole exchange: a receiver answers at once and works later
DELIVERED, RETRY, FAILED, REFUSED = "delivered", "retry", "failed", "refused"
PENDING = "pending"


def deliver(event_id: int) -> str:
    """One attempt; what came of it (``retry`` asks the job to come back after the next wait)."""
    with unit_of_work():
        event = db.session.get(WebhookEvent, event_id)
        if event is None or event.state != PENDING:
            return f"skipped: {event.state if event else 'gone'}"
        webhook = db.session.get(Webhook, event.webhook_id)
        event.attempts = (event.attempts or 0) + 1
        attempt, kind, delivery_id, at, data = event.attempts, event.event, event.delivery_id, event.at, event.data
        url, fmt, spoken = webhook.url, webhook.format, webhook.language
        try:
            secret = unseal(webhook.secret_sealed, runtime.settings().secret_key).get("secret", "")
        except UnreadableSecrets as error:
            secret, unreadable = "", str(error)
        else:
            unreadable = ""
    if unreadable:
        return _record(event_id, attempt, kind, FAILED, error=unreadable)
    with language.speaking(catalogs.translations(language.best_of(spoken))):
        body = rules.body(fmt, kind, delivery_id, at, data)
    headers = rules.headers(secret, int(time.time()), body, kind, delivery_id)
    started = time.monotonic()
    client = HttpClient(timeout=TIMEOUT, allow=runtime.settings().fetch_allow)
    try:
        response = client.request(
            "POST", url, body=body, headers=headers, content_type="application/json", errors_as_answers=True
        )
    except DeliveryFailure as failure:
        outcome = failure.outcome
        # rejected before an answer: the address was refused (or cannot be sent to); nothing went out
        verdict = REFUSED if outcome.status == "rejected" else RETRY
        return _record(event_id, attempt, kind, verdict, error=outcome.message, started=started)
    status = response.status
    if rules.is_delivered(status):
        verdict = DELIVERED
    else:
        verdict = RETRY if rules.is_retried(status) else FAILED
    answer = response.body[: rules.EXCERPT * 4].decode("utf-8", "replace")[: rules.EXCERPT]
    return _record(event_id, attempt, kind, verdict, status=status, answer=answer, started=started)


def _record(event_id, attempt, kind, verdict, *, status=None, answer="", error="", started=None) -> str:
    """The attempt in the log; the event's state once nothing more will be tried."""
    intervals = runtime.settings().webhook_retry_intervals
    if verdict == RETRY and attempt > len(intervals):
        verdict = FAILED  # the waits are spent: the last answer stands
    with unit_of_work():
        event = db.session.get(WebhookEvent, event_id)
        db.session.add(
            WebhookDelivery(
                webhook_id=event.webhook_id,
                event_id=event_id,
                event=kind,
                attempt=attempt,
                outcome=verdict,
                status_code=status,
                answer=answer,
                error=error[:1000],
                duration_ms=int((time.monotonic() - started) * 1000) if started else 0,
                at=clock.now(),
            )
        )
        if verdict != RETRY:
            event.state = verdict
    if verdict in (FAILED, REFUSED):
        log.warning(
            "webhook event %s (%s): %s after %s attempt(s): %s", event_id, kind, verdict, attempt, error or status
        )
    return verdict


def retry_waits() -> list[int]:
    return list(runtime.settings().webhook_retry_intervals)
