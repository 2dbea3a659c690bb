"""The JSON Schemas of the event webhooks' routes (as ``schemas.py`` holds the others')."""

from scheduler.domain import webhooks as rules
from scheduler.domain.language import LANGUAGES
from scheduler.web.api.schemas import ID, obj, text

EVENT = {"enum": list(rules.EVENTS)}
FIELDS = {
    "url": text(2000, examples=["https://hooks.example.com/refrain"]),
    "events": {
        "type": "array",
        "items": {"type": "string", "maxLength": 40},
        "maxItems": 20,
        "examples": [["post.published"]],
    },
    "format": {"enum": [*rules.FORMATS, None], "description": "json (signed), slack or mattermost; default json"},
    "language": {"enum": [*LANGUAGES, None], "description": "the language of the chat formats' text; default en"},
    "active": {"type": "boolean"},
    "plan_id": {
        "type": ["integer", "null"],
        "minimum": 1,
        "description": "only this plan's events; null: every plan's",
    },
}
NEW_WEBHOOK = obj(FIELDS, required=("url", "events"))
WEBHOOK_CHANGES = obj(FIELDS)

WEBHOOK_ANSWER = obj(
    {
        "id": ID,
        "url": {"type": "string"},
        "events": {"type": "array", "items": EVENT},
        "format": {"enum": list(rules.FORMATS)},
        "language": {"type": "string"},
        "active": {"type": "boolean"},
        "plan_id": {"type": ["integer", "null"]},
        "created_at": {"type": ["string", "null"]},
        "secret": {
            "type": "string",
            "description": "the signing secret: in the answer to its creation and to GET of one webhook",
        },
    },
    required=("id", "url", "events", "format", "language", "active", "plan_id"),
)
DELIVERY_ANSWER = obj(
    {
        "id": ID,
        "event": {"type": "string"},
        "delivery_id": {"type": "string", "description": "X-Refrain-Delivery: the same on every attempt"},
        "attempt": {"type": "integer"},
        "outcome": {"enum": ["delivered", "retry", "failed", "refused"]},
        "status_code": {"type": ["integer", "null"]},
        "answer": {"type": "string", "description": "the first characters of the receiver's answer"},
        "error": {"type": "string"},
        "duration_ms": {"type": "integer"},
        "at": {"type": "string"},
    },
    required=("id", "event", "delivery_id", "attempt", "outcome", "status_code", "at"),
)
PING_ANSWER = obj({"event_id": ID, "queued": {"type": "boolean"}}, required=("event_id",))
