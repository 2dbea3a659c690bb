"""Event webhooks delivered by the RQ worker to a real HTTP receiver: signed over timestamp and body,
retried after a 5xx with the same delivery id, final on a 4xx, and never sent to an inside address."""

import json
import time

from rq.registry import ScheduledJobRegistry

from scheduler import reconfigure
from scheduler.domain import webhooks as rules
from scheduler.services import posts, runtime
from tests.factories import due_posts, make_plan
from tests.webhooks.conftest import attempts, deliver, subscribe


def test_a_post_published_by_the_worker_is_posted_signed_to_the_subscribed_url(allowed, manager, receiver):
    made = subscribe(manager, receiver)
    secret = made["secret"]
    post = due_posts(make_plan(name="Summer"), 1)[0]
    posts.schedule_post(post)
    deliver(allowed)
    [seen] = receiver.received("POST", "/hook")
    headers = seen.headers
    assert headers["x-refrain-event"] == "post.published"
    assert abs(int(headers["x-refrain-timestamp"]) - time.time()) < 60
    assert rules.verify(secret, headers["x-refrain-timestamp"], seen.body, headers["x-refrain-signature"])
    assert not rules.verify("another secret", headers["x-refrain-timestamp"], seen.body, headers["x-refrain-signature"])
    document = json.loads(seen.body)
    assert document["event"] == "post.published" and document["id"] == headers["x-refrain-delivery"]
    data = document["data"]
    assert (data["post_id"], data["plan_name"], data["channel"], data["status"]) == (
        post.id,
        "Summer",
        "twitter",
        "published",
    )
    assert data["url"] == f"http://localhost/posts/{post.id}"
    assert attempts(made["id"]) == [("post.published", 1, "delivered", 200)]


def test_a_receiver_that_answers_500_is_tried_again_with_the_same_delivery_id(allowed, manager, receiver):
    receiver.reset()
    receiver.answer("POST", "/hook", 500, {"error": "busy"})
    receiver.answer("POST", "/hook", 200, {"ok": True})
    made = subscribe(manager, receiver)
    assert manager.post(f"/api/v1/webhooks/{made['id']}/test").status_code == 202
    deliver(allowed)
    first, second = receiver.received("POST", "/hook")
    assert first.headers["x-refrain-delivery"] == second.headers["x-refrain-delivery"]
    assert attempts(made["id"]) == [("ping", 1, "retry", 500), ("ping", 2, "delivered", 200)]
    log = manager.get(f"/api/v1/webhooks/{made['id']}/deliveries").get_json()
    assert [(d["attempt"], d["outcome"]) for d in log] == [(2, "delivered"), (1, "retry")]
    assert '"busy"' in log[1]["answer"]


def test_a_retry_waits_ten_seconds_first_as_configured_by_default(allowed, manager, receiver):
    reconfigure(allowed, webhook_retry_intervals=(10, 60, 300, 1800, 7200))
    receiver.reset()
    receiver.answer("POST", "/hook", 503, "down for maintenance")
    made = subscribe(manager, receiver)
    manager.post(f"/api/v1/webhooks/{made['id']}/test")
    before = time.time()
    deliver(allowed)
    assert attempts(made["id"]) == [("ping", 1, "retry", 503)]
    registry = ScheduledJobRegistry(queue=runtime.queues().deliveries)
    [job_id] = [j for j in registry.get_job_ids() if j.startswith("webhook-event-")]
    assert 9 <= registry.get_scheduled_time(job_id).timestamp() - before <= 15


def test_a_4xx_answer_is_final(allowed, manager, receiver):
    receiver.reset()
    receiver.answer("POST", "/hook", 410, {"error": "gone"})
    made = subscribe(manager, receiver)
    manager.post(f"/api/v1/webhooks/{made['id']}/test")
    deliver(allowed)
    assert attempts(made["id"]) == [("ping", 1, "failed", 410)]
    assert len(receiver.received()) == 1


def test_nothing_is_sent_to_an_inside_address_without_the_admins_allowance(allowed, manager, receiver):
    made = subscribe(manager, receiver)
    reconfigure(allowed, fetch_allow=())  # the admin took 127.0.0.1 off REFRAIN_FETCH_ALLOW
    manager.post(f"/api/v1/webhooks/{made['id']}/test")
    deliver(allowed)
    assert receiver.received() == []
    [attempt] = manager.get(f"/api/v1/webhooks/{made['id']}/deliveries").get_json()
    assert attempt["outcome"] == "refused" and attempt["status_code"] is None
    assert "loopback" in attempt["error"] and "nothing was sent" in attempt["error"]


def test_an_inside_address_is_refused_when_the_webhook_is_saved(app, manager):
    for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://[::1]/x", "http://localhost/x"):
        answer = manager.post("/api/v1/webhooks", json={"url": url, "events": ["post.failed"]})
        assert answer.status_code == 422 and "inside address" in answer.get_json()["error"]["fields"]["url"]
    answer = manager.post("/api/v1/webhooks", json={"url": "ftp://example.com/x", "events": ["nope"]})
    fields = answer.get_json()["error"]["fields"]
    assert fields["url"] == "must be an http:// or https:// address" and "nope" in fields["events"]
