"""The team's event webhooks, as managers keep them: subscribe a URL, change it, test it, read its log.

A subscription's signing secret is made here at creation, shown once in the answer (the receiver needs
it to check each signature) and sealed at rest with SECRET_KEY (``infra.secrets``): Refrain must read it
back to sign, so it cannot be kept as a hash. The URL is checked at save: http(s) only, and a host
written as an inside address (loopback, private, link-local...) or ``localhost`` is refused at once
unless REFRAIN_FETCH_ALLOW lets it through; a name that resolves inside is refused at delivery by the
guarded path, with nothing sent.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select

from scheduler.domain import language
from scheduler.domain import webhooks as rules
from scheduler.domain.language import _
from scheduler.infra.outbound.guard import ip_literal, parse_allow, why_not_public
from scheduler.infra.secrets import seal, unseal
from scheduler.models import Plan, Webhook, WebhookDelivery, WebhookEvent
from scheduler.models.database import db
from scheduler.services import actor, events, runtime
from scheduler.services.errors import NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

SECRET_PREFIX = "whsec_"
LOG_LENGTH = 100  # attempts a subscription's log shows, newest first
LOCAL_NAMES = ("localhost", "localhost.localdomain")


def list_webhooks() -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def get_webhook(webhook_id) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id) if is_id(webhook_id) else None
    if webhook is None:
        raise NotFound("webhook", _("webhook %(id)s not found", id=webhook_id))
    return webhook


@unit_of_work
def create_webhook(data) -> tuple[Webhook, str]:
    """A new subscription, and its signing secret (shown to the manager now; read again on its page)."""
    webhook = Webhook(active=True, format=rules.JSON, language=language.DEFAULT, events=[])
    _apply(webhook, Reader(data), partial=False)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    webhook.secret_sealed = seal({"secret": secret}, runtime.settings().secret_key)
    webhook.created_by_id = actor.current().id
    db.session.add(webhook)
    db.session.flush()
    return webhook, secret


@unit_of_work
def update_webhook(webhook: Webhook, data) -> Webhook:
    _apply(webhook, Reader(data), partial=True)
    return webhook


@unit_of_work
def delete_webhook(webhook: Webhook) -> None:
    db.session.delete(webhook)


def secret_of(webhook: Webhook) -> str:
    """The signing secret, for its manager to give the receiver again."""
    return unseal(webhook.secret_sealed, runtime.settings().secret_key).get("secret", "")


def send_test(webhook: Webhook) -> int:
    """A ``ping`` to this subscription only, whatever its events; delivered by a job as any event is."""
    data = {"webhook_id": webhook.id, "url": f"{events.public_url()}/webhooks/{webhook.id}"}
    return events.publish(rules.PING, data, to=[webhook.id])[0]


def deliveries(webhook: Webhook, limit: int = LOG_LENGTH) -> list[dict]:
    rows = db.session.execute(
        select(WebhookDelivery, WebhookEvent.delivery_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [delivery_dict(row, delivery_id) for row, delivery_id in rows]


def delivery_dict(row: WebhookDelivery, delivery_id: str) -> dict:
    return {
        "id": row.id,
        "event": row.event,
        "delivery_id": delivery_id,
        "attempt": row.attempt,
        "outcome": row.outcome,
        "status_code": row.status_code,
        "answer": row.answer,
        "error": row.error,
        "duration_ms": row.duration_ms,
        "at": row.at.isoformat(),
    }


def webhook_dict(webhook: Webhook, secret: str | None = None) -> dict:
    shown = {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events or []),
        "format": webhook.format,
        "language": webhook.language,
        "active": bool(webhook.active),
        "plan_id": webhook.plan_id,
        "created_at": webhook.created_at.isoformat() if webhook.created_at else None,
    }
    if secret is not None:
        shown["secret"] = secret
    return shown


# --- reading what was typed ---------------------------------------------------------------------------


def _apply(webhook: Webhook, reader: Reader, partial: bool) -> None:
    def wanted(name):
        return not partial or reader.has(name)

    if wanted("url"):
        url = reader.text("url", max_length=2000)
        problem = why_refused(url) if url else None
        if problem:
            reader.fail("url", problem)
        webhook.url = url
    if wanted("events"):
        webhook.events = _events(reader)
    if reader.has("format") or not partial:
        fmt = reader.data.get("format") or rules.JSON
        if fmt not in rules.FORMATS:
            reader.fail("format", _("must be one of %(formats)s", formats=", ".join(rules.FORMATS)))
        webhook.format = fmt
    if reader.has("language"):
        code = reader.data.get("language") or language.DEFAULT
        if code not in language.LANGUAGES:
            reader.fail("language", _("must be one of %(codes)s", codes=", ".join(language.LANGUAGES)))
        webhook.language = code
    if reader.has("active"):
        active = reader.data.get("active")
        if not isinstance(active, bool):
            reader.fail("active", _("must be true or false"))
        webhook.active = bool(active)
    if reader.has("plan_id"):
        webhook.plan_id = _plan(reader)
    reader.done()


def _events(reader: Reader) -> list[str]:
    chosen = reader.data.get("events")
    if not isinstance(chosen, list) or not all(isinstance(kind, str) for kind in chosen):
        reader.fail("events", _("must be a list of events"))
        return []
    unknown = [kind for kind in chosen if kind not in rules.EVENTS]
    if unknown:
        reader.fail("events", _("holds events that do not exist: %(unknown)s", unknown=", ".join(unknown)))
    if not chosen:
        reader.fail("events", _("must name at least one event"))
    return [kind for kind in rules.EVENTS if kind in chosen]


def _plan(reader: Reader) -> int | None:
    plan_id = reader.data.get("plan_id")
    if plan_id in (None, ""):
        return None
    if isinstance(plan_id, str) and plan_id.isdigit():
        plan_id = int(plan_id)
    if not is_id(plan_id) or db.session.get(Plan, plan_id) is None:
        reader.fail("plan_id", _("is not a plan of the team"))
        return None
    return plan_id


def why_refused(url: str) -> str | None:
    """What is wrong with a subscription's URL as typed, or None. A host given as an inside address is
    refused now (the delivery would be); a name is judged when it is resolved, at delivery."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return _("is not a valid web address")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("must be an http:// or https:// address")
    if parts.username or parts.password:
        return _("must not hold a user name or password")
    host = parts.hostname
    allowed = parse_allow(runtime.settings().fetch_allow)
    address = ip_literal(host)
    if address is not None and not allowed.allows(host, address) and why_not_public(address):
        return _("is an inside address, which Refrain does not send to (unless REFRAIN_FETCH_ALLOW allows it)")
    if host.lower().rstrip(".") in LOCAL_NAMES and host.lower() not in allowed.hosts:
        return _("is an inside address, which Refrain does not send to (unless REFRAIN_FETCH_ALLOW allows it)")
    return None
