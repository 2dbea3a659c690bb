"""A real HTTP receiver for the team's webhooks, and the app told it may reach it (as an admin would)."""

import pytest

from scheduler import reconfigure
from scheduler.domain import webhooks as rules
from scheduler.jobs.workers import run_worker
from scheduler.models import WebhookDelivery
from scheduler.models.database import db
from tests.factories import make_person, signed_in
from tests.support.stand_in import StandIn

NO_WAIT = (0, 0, 0, 0, 0)  # each retry at once: the test never waits minutes for RQ's scheduler


@pytest.fixture
def receiver():
    stand_in = StandIn()
    stand_in.answer("POST", "/hook", 200, {"ok": True})
    yield stand_in
    stand_in.close()


@pytest.fixture
def allowed(app):
    """The receiver listens on 127.0.0.1: allowed, and retries without waiting."""
    reconfigure(app, fetch_allow=("127.0.0.1",), webhook_retry_intervals=NO_WAIT)
    return app


@pytest.fixture
def manager(app):
    return signed_in(app, make_person("mina@example.com", "manager", "Mina"))


def subscribe(client, receiver, **fields) -> dict:
    data = {"url": receiver.url + "/hook", "events": [rules.POST_PUBLISHED], **fields}
    answer = client.post("/api/v1/webhooks", json=data)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def deliver(app) -> None:
    """A burst of the RQ worker: every job due now, webhook deliveries and their retries included."""
    run_worker(app, burst=True)


def attempts(webhook_id) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.query(WebhookDelivery).filter_by(webhook_id=webhook_id).order_by(WebhookDelivery.id)
    return [(r.event, r.attempt, r.outcome, r.status_code) for r in rows]
