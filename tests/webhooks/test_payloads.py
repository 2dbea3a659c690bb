"""The bodies and the signature, as plain functions: what a receiver checks, what a chat shows."""

import hashlib
import hmac
import json
from datetime import datetime, timezone

from scheduler.domain import webhooks as rules

AT = datetime(2031, 6, 2, 8, 0, tzinfo=timezone.utc)
POST = {"post_id": 7, "title": "A [big] day", "channel": "twitter", "url": "https://refrain.test/posts/7"}


def test_the_signature_is_an_hmac_of_the_timestamp_a_dot_and_the_body():
    body = rules.body("json", "post.published", "d-1", AT, POST)
    expected = hmac.new(b"whsec_x", b"1780000000." + body, hashlib.sha256).hexdigest()
    headers = rules.headers("whsec_x", 1780000000, body, "post.published", "d-1")
    assert headers["X-Refrain-Signature"] == f"sha256={expected}"
    assert headers["X-Refrain-Timestamp"] == "1780000000" and headers["X-Refrain-Delivery"] == "d-1"
    assert not rules.verify("whsec_x", "1780000001", body, headers["X-Refrain-Signature"]), "another time"
    assert not rules.verify("whsec_x", "1780000000", body + b" ", headers["X-Refrain-Signature"]), "another body"


def test_the_json_body_holds_the_event_its_id_its_time_and_plain_data():
    document = json.loads(rules.body("json", "post.failed", "d-2", AT, POST))
    assert document == {"event": "post.failed", "id": "d-2", "at": "2031-06-02T08:00:00+00:00", "data": POST}


def test_chat_lines_escape_what_their_markup_would_read():
    mattermost = json.loads(rules.body("mattermost", "post.published", "d", AT, POST))
    assert mattermost == {"text": r"Published on twitter: [A \[big\] day](https://refrain.test/posts/7)"}
    slack = json.loads(rules.body("slack", "post.published", "d", AT, {**POST, "title": "R&D <b>|c"}))
    assert slack["text"] == "Published on twitter: <https://refrain.test/posts/7|R&amp;D &lt;b&gt;¦c>"


def test_which_answers_are_tried_again():
    assert [rules.is_retried(s) for s in (500, 503, 408, 429, 400, 404, 410, 301)] == [True] * 4 + [False] * 4
    assert rules.post_event("publishing", "published") == "post.published"
    assert rules.post_event("cancelled", "failed") is None, "an undone cancel is not news"
    assert rules.post_event("scheduled", "queued") is None
