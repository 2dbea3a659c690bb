"""Events for the team's webhooks: recorded where they happen, in the unit of work that made them.

``publish(kind, data, plan_id)`` writes one ``webhook_events`` row for each active subscription that
wants the kind (and the plan, where it is filtered on one), in the caller's unit of work, and asks for
a delivery job for each once that unit has committed (``after_commit``): a change that rolls back tells
nobody, and Redis down at that moment loses no event, since the row waits (``requeue_pending``). The job
(``services.webhook_delivery``) sends it through the guarded outbound path.

The places that publish keep to one line: a post's status moves (``post_moved``, from
``lifecycle.move``, the one place every move passes), the indicators' alert (``kpi_alerts.NOTIFIERS``),
and the periodic pass over commitments and patterns (``services.event_watch``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from scheduler.domain import webhooks as rules
from scheduler.models import Plan, Post, Webhook, WebhookEvent
from scheduler.models.database import db
from scheduler.services import clock, runtime
from scheduler.services.unit_of_work import after_commit, unit_of_work

_ACTIVE = select(Webhook.id, Webhook.events, Webhook.plan_id).where(Webhook.active.is_(True))


def subscribers(kind: str, plan_id: int | None = None) -> list[int]:
    """The active subscriptions told of ``kind`` (for ``plan_id``: those on every plan and that plan's)."""
    return [
        webhook_id
        for webhook_id, events, only_plan in db.session.execute(_ACTIVE)
        if kind in (events or []) and (only_plan is None or only_plan == plan_id)
    ]


def subscribers_exist(kind: str) -> bool:
    """Whether any active subscription wants ``kind``, on any plan."""
    return any(kind in (events or []) for _id, events, _plan in db.session.execute(_ACTIVE))


def publish(kind: str, data: dict, plan_id: int | None = None, to: list[int] | None = None) -> list[int]:
    """Record the event for each subscription that wants it (``to``: those only), inside the current unit
    of work (one of its own when none is open); the deliveries are enqueued after the commit."""
    with unit_of_work():
        wanted = subscribers(kind, plan_id) if to is None else to
        rows = [
            WebhookEvent(webhook_id=webhook_id, delivery_id=str(uuid.uuid4()), event=kind, data=data, at=clock.now())
            for webhook_id in wanted
        ]
        if not rows:
            return []
        db.session.add_all(rows)
        db.session.flush()
        ids = [row.id for row in rows]
        after_commit(lambda: enqueue(ids))
    return ids


def enqueue(event_ids: list[int]) -> None:
    queues = runtime.queues()
    for event_id in event_ids:
        queues.enqueue_webhook(event_id)


def post_moved(post_id: int, from_status: str, to_status: str) -> None:
    """A post's move, if it is an event someone subscribed to: one small read of the subscriptions, and
    nothing more while none wants it (this runs on every status change a worker makes)."""
    kind = rules.post_event(from_status, to_status)
    if kind is None:
        return
    wanting = [
        (webhook_id, plan_id) for webhook_id, events, plan_id in db.session.execute(_ACTIVE) if kind in (events or [])
    ]
    if not wanting:
        return
    post = db.session.get(Post, post_id)
    to = [webhook_id for webhook_id, plan_id in wanting if plan_id is None or plan_id == post.plan_id]
    if to:
        publish(kind, post_data(post, to_status), plan_id=post.plan_id, to=to)


def post_data(post: Post, status: str) -> dict:
    plan = db.session.get(Plan, post.plan_id)
    return {
        "post_id": post.id,
        "plan_id": post.plan_id,
        "plan_name": plan.name if plan else "",
        "channel": post.channel,
        "title": post.title or _first_words(post.body),
        "status": status,
        "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else None,
        "remote_url": post.remote_url or None,
        "reason": post.failure_reason or "",
        "url": f"{public_url()}/posts/{post.id}",
    }


def _first_words(body: str, most: int = 80) -> str:
    text = " ".join((body or "").split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def public_url() -> str:
    """Links in events start with REFRAIN_PUBLIC_URL, the address the operator vouches for."""
    return runtime.settings().public_url.rstrip("/")


def requeue_pending() -> int:
    """Events still pending with no job alive in Redis (Redis was away after their commit): enqueued
    again; a job already waiting keeps its id, so nothing is doubled."""
    with unit_of_work():
        pending = db.session.scalars(select(WebhookEvent.id).where(WebhookEvent.state == "pending")).all()
    queues = runtime.queues()
    alive = queues.jobs_alive([f"webhook-event-{event_id}" for event_id in pending])
    lost = [event_id for event_id in pending if f"webhook-event-{event_id}" not in alive]
    enqueue(lost)
    return len(lost)
