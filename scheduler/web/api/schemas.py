"""The JSON Schemas (Draft 2020-12) of the API: request bodies, which ``body()`` validates, and the
resources it answers with, which the OpenAPI description publishes as components.

The request schemas hold what a request must look like to be read at all: types, required fields,
lengths, the fixed vocabularies. They stay as generous as the services are (a field a service treats
as absent may be null; unknown fields are let through, as the contract allows additions), so putting a
schema in front of a service never refuses what the service would take. The response schemas are what
the ``*_dict`` functions of the services return; the fuzz test (tests/api/test_fuzz.py) checks every
answer against them.
"""

from scheduler.services.posts import TEXT_LIMIT
from scheduler.services.style import BODY_LIMIT, KINDS, RULES, SEVERITIES
from scheduler.services.validation import LARGEST_ID

# --- pieces ----------------------------------------------------------------------------------------


def text(max_length: int, nullable: bool = False, **more) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "maxLength": max_length, **more}


def nullable(schema: dict) -> dict:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(schema: dict) -> dict:
    return {"type": "array", "items": schema}


def obj(properties: dict, required=(), **more) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), **more}


# a channel GET /channels lists (checked against the registry at each request: declared.FORMATS)
CHANNEL = {"type": "string", "format": "channel", "maxLength": 40, "examples": ["twitter"]}
ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
CHANNEL_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 40, "examples": ["twitter"]}
INSTANT = {"type": "string", "format": "date-time", "examples": ["2031-09-01T10:00:00+02:00"]}
DAY = {"type": "string", "format": "date"}
STRINGS = {"type": ["array", "null"], "items": {"type": "string", "maxLength": 200}, "maxItems": 200}
ANY_OBJECT = {"type": "object"}

# --- request bodies ----------------------------------------------------------------------------------

PLAN_FIELDS = {
    "name": text(200, minLength=1, examples=["Rentrée 2031"]),
    "theme": text(200, minLength=1, examples=["Rentrée"]),
    "key_message": text(2000, nullable=True),
    "keywords": STRINGS,
    "starts_on": {**DAY, "examples": ["2031-09-01"]},
    "ends_on": {**DAY, "examples": ["2031-09-30"]},
    "timezone": text(64, examples=["Europe/Paris"]),
    "approval_required": {
        "type": ["boolean", "null"],
        "description": "a creator's schedule waits for a manager's approval (in_review); default false",
    },
}
NEW_PLAN = obj(PLAN_FIELDS, required=("name", "theme", "starts_on", "ends_on", "timezone"))
PLAN_CHANGES = obj(PLAN_FIELDS)

COMMITMENT_FIELDS = obj(
    {
        "posts": {"type": "integer", "minimum": 1, "maximum": 10000, "examples": [4]},
        "per": {"enum": ["day", "week", "month", "quarter"]},
        "on_theme_min": {"type": ["integer", "null"], "minimum": 0, "maximum": 10000, "examples": [1]},
        "one_note_max_share": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1, "examples": [0.5]},
        "note": text(2000, nullable=True),
        "approval_required": {"type": ["boolean", "null"], "description": "null: as the plan says"},
    },
    required=("posts", "per"),
)

POST_FIELDS = {
    "plan_id": ID,
    "channel": CHANNEL,
    "body": text(TEXT_LIMIT, examples=["C'est la rentrée !"]),
    "title": text(300, nullable=True),
    "link": text(2000, nullable=True, examples=["https://example.com/rentree"]),
    "scheduled_at": nullable(INSTANT),
    "on_theme": {"type": ["boolean", "null"]},
    "extra": {"type": ["object", "null"]},
    "hand_over_early": {
        "type": ["boolean", "null"],
        "description": "hand the post to its service as soon as it is scheduled, so the service publishes it at its "
        "time even if Refrain is down then; refused (422) where the channel's service cannot hold a post",
    },
    "trusted_html": {
        "type": ["boolean", "null"],
        "description": "the post's raw HTML reaches its channel unsanitised; set by managers and owners only "
        "(a creator's change to the body or title clears it)",
    },
}
NEW_POST = obj({**POST_FIELDS, "scheduled_at": INSTANT}, required=("plan_id", "channel", "body", "scheduled_at"))
POST_CHANGES = obj(POST_FIELDS)
REVIEW_VERDICT = obj({"comment": text(4000, nullable=True)})
CHANGES_REQUEST = obj({"comment": text(4000, minLength=1)}, required=("comment",))
STYLE_OVERRIDE = obj({"reason": text(1000), "by": text(100, nullable=True)}, required=("reason",))
CONFIRMATION = obj({"url": text(2000, nullable=True)})
RECORDING = obj(
    {
        "url": text(2000, examples=["https://x.com/northwind/status/1"], description="where it appeared: the evidence"),
        "published_at": {**nullable(INSTANT), "description": "when it went out (now when not given); not to come"},
    },
    required=("url",),
)
CONTENT_CHECK = obj(
    {
        "body": text(TEXT_LIMIT, nullable=True),
        "title": text(300, nullable=True),
        "link": text(2000, nullable=True),
        "extra": {"type": ["object", "null"]},
        "trusted_html": {"type": ["boolean", "null"], "description": "check as a post marked as trusted HTML"},
    }
)
MEDIA = {
    "type": ["array", "null"],
    "items": {"type": "object", "properties": {"url": text(2000), "type": {"type": "string"}, "alt": text(2000)}},
    "maxItems": 50,
}
IDEA = obj(
    {
        "body": text(TEXT_LIMIT, examples=["Our summer offer starts today. It covers every plan."]),
        "title": text(300, nullable=True, examples=["The summer offer is here"]),
        "link": text(2000, nullable=True, examples=["https://example.com/summer"]),
        "media": MEDIA,
    }
)
NEW_POST_SET = obj(
    {
        "plan_id": ID,
        "idea": {**IDEA, "required": ["body"]},
        "channels": {
            "type": "array",
            "items": {**CHANNEL, "minLength": 1},
            "minItems": 1,
            "maxItems": 20,
            "examples": [["twitter", "mastodon", "newsletter"]],
        },
        "scheduled_at": {**nullable(INSTANT), "description": "every draft's time; none: each channel's next free slot"},
    },
    required=("plan_id", "idea", "channels"),
)
POST_SET_CHANGES = obj(
    {
        "idea": {**IDEA, "description": "the fields given replace the idea's; the posts nobody edited follow it"},
        "shift_minutes": {
            "type": ["integer", "null"],
            "minimum": -527040,
            "maximum": 527040,
            "description": "moves every post not yet out by this many minutes (negative: earlier)",
        },
    }
)
LINT_REQUEST = obj({**CONTENT_CHECK["properties"], "channel": CHANNEL}, required=("channel",))

NEW_FEED = obj(
    {
        "url": text(2000, examples=["https://example.com/feed.xml"]),
        "channel": {**CHANNEL, "examples": ["blog"]},
        "refresh_minutes": {"type": ["integer", "null"]},
    },
    required=("url", "channel"),
)
ITEM_CHANGES = obj({"evergreen": {"type": "boolean"}, "cooldown_days": {"type": "integer"}})
ADAPTATION = obj(
    {"channel": CHANNEL, "plan_id": ID, "scheduled_at": nullable(INSTANT)},
    required=("channel", "plan_id"),
)
METRICS_UPLOAD = obj(
    {
        "csv": text(10_000_000),
        "csv_base64": {"type": "string"},
        "channel": {"type": ["string", "null"]},
        "mapping": {"type": ["object", "null"]},
        "name": {"type": ["string", "null"]},
        "filename": {"type": ["string", "null"]},
    }
)

STYLE_FIELDS = {
    "kind": {"enum": list(KINDS)},
    "channel": {**CHANNEL, "type": ["string", "null"], "description": "null: every channel"},
    "title": text(300, minLength=1, examples=["Plain words"]),
    "body": text(BODY_LIMIT, nullable=True),
    "avoid": text(2000, nullable=True),
    "prefer": text(300, nullable=True),
    "requires": text(100, nullable=True),
    "is_pattern": {"type": "boolean"},
    "severity": {"enum": list(SEVERITIES)},
    "rule": {"enum": list(RULES)},
    "triggers": STRINGS,
    "keywords": STRINGS,
    "author": text(200, nullable=True),
    "pattern": {
        "type": ["object", "null"],
        "properties": {"channel": text(40), "kind": text(200)},
        "description": "a script's pattern of interactions (channel and kind it answers); null: none",
    },
}
NEW_STYLE_ENTRY = obj(STYLE_FIELDS, required=("kind", "title"))
STYLE_CHANGES = obj(STYLE_FIELDS)

ACCOUNT_FIELDS = {
    "channel": CHANNEL,
    "name": text(200, examples=["Refrain on Mastodon"]),
}
NEW_ACCOUNT = obj(
    ACCOUNT_FIELDS,
    required=("channel", "name"),
    additionalProperties={"type": ["string", "null"]},
    description="the channel's account fields (GET /channels lists them) beside channel and name",
)
ACCOUNT_CHANGES = obj(ACCOUNT_FIELDS, required=("name",), additionalProperties={"type": ["string", "null"]})

# --- query parameters (documented; the services read and refuse them, 400 naming the parameter) -------

POST_FILTERS = {
    "plan_id": ID,
    "channel": {"type": "string"},
    "status": {"type": "string", "description": "one status, or several separated by commas"},
    "from": INSTANT,
    "to": INSTANT,
    "limit": {"type": "integer", "minimum": 1, "maximum": 5000},
}
ITEM_FILTERS = {
    "channel": {"type": "string", "description": "one channel, or several separated by commas"},
    "since": INSTANT,
    "until": INSTANT,
    "top": {"type": "integer", "minimum": 1, "maximum": 1000},
    "limit": {"type": "integer", "minimum": 1, "maximum": 10000},
    "theme": {"enum": ["on", "off"]},
    "plan_id": ID,
}

# --- answers (published as components) ----------------------------------------------------------------

STAMP = {"type": ["string", "null"], "format": "date-time"}
PROBLEM = obj(
    {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "severity": {"enum": ["error", "warning", "info"]},
        # a term rule's preferred term, in the case of the words it replaces: the editor's one-click fix
        "replacement": {"type": "string"},
    },
    required=("code", "message", "severity"),
)
LENGTH = obj(
    {"value": {"type": "integer"}, "max": {"type": "integer"}, "unit": {"type": "string"}},
    required=("value", "max", "unit"),
)
COMMITMENT = obj(
    {
        "channel": {"type": "string"},
        "posts": {"type": "integer"},
        "per": {"enum": ["day", "week", "month", "quarter"]},
        "on_theme_min": {"type": "integer"},
        "one_note_max_share": {"type": "number"},
        "note": {"type": ["string", "null"]},
        "approval_required": {"type": ["boolean", "null"]},
    },
    required=("channel", "posts", "per", "on_theme_min", "one_note_max_share"),
)

COMPONENTS = {
    "Error": obj(
        {
            "error": obj(
                {
                    "message": {"type": "string", "minLength": 1},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    "suggested": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "what a refused field could hold instead (a time already past: the next "
                        "free slot), where the service knows",
                    },
                },
                required=("message", "fields"),
                additionalProperties=False,
            )
        },
        required=("error",),
        additionalProperties=False,
        description="every refusal: a message, and what is wrong with each field by its name",
    ),
    "Problem": PROBLEM,
    "Commitment": COMMITMENT,
    "Plan": obj(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "theme": {"type": "string"},
            "key_message": {"type": ["string", "null"]},
            "keywords": list_of({"type": "string"}),
            "starts_on": DAY,
            "ends_on": DAY,
            "timezone": {"type": "string"},
            "approval_required": {"type": "boolean"},
            "commitments": list_of(ref("Commitment")),
            "created_at": STAMP,
        },
        required=("id", "name", "theme", "keywords", "starts_on", "ends_on", "timezone", "commitments"),
    ),
    "Post": obj(
        {
            "id": {"type": "integer"},
            "plan_id": {"type": "integer"},
            "channel": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "body": {"type": "string"},
            "link": {"type": ["string", "null"]},
            "extra": {"type": "object"},
            "scheduled_at": STAMP,
            "status": {
                "enum": [
                    "draft",
                    "in_review",
                    "scheduled",
                    "queued",
                    "publishing",
                    "published",
                    "failed",
                    "unconfirmed",
                    "cancelled",
                ]
            },
            "on_theme": {"type": ["boolean", "null"]},
            "theme_match": obj(
                {"matched": list_of({"type": "string"}), "source": {"type": ["string", "null"]}},
                required=("matched", "source"),
            ),
            "problems": list_of(ref("Problem")),
            "notices": {"type": "object", "additionalProperties": {"type": "string"}},
            "attempts": {"type": ["integer", "null"]},
            "published_at": STAMP,
            "failure_reason": {"type": ["string", "null"]},
            "remote_id": {"type": ["string", "null"]},
            "remote_url": {"type": ["string", "null"]},
            "recorded_by_hand": {
                "type": "boolean",
                "description": "a person recorded that it went out elsewhere; remote_url is the link they gave",
            },
            "hand_over_early": {"type": "boolean"},
            "handed_over_at": {**STAMP, "description": "when its service last got it ahead of its time"},
            "adapted_from_post_id": {"type": ["integer", "null"]},
            "source_item_id": {"type": ["integer", "null"]},
            "set_id": {"type": ["integer", "null"], "description": "the set (one idea, many channels) it belongs to"},
            "lineage": {"type": ["object", "null"]},
            "style_override": {"type": ["object", "null"]},
            "trusted_html": {"type": "boolean", "description": "a manager let the post's raw HTML through as written"},
            "reviews": list_of(ref("Review")),
        },
        required=("id", "plan_id", "channel", "body", "status", "on_theme", "theme_match", "problems"),
    ),
    "Review": obj(
        {
            "at": {"type": "string", "format": "date-time"},
            "verdict": {"enum": ["approved", "changes_requested"]},
            "by": {"type": "string", "description": "the manager, or 'reviewer: NAME (by link)'"},
            "by_id": {"type": ["integer", "null"]},
            "by_link": {"type": "boolean"},
            "comment": {"type": ["string", "null"]},
        },
        required=("at", "verdict", "by", "by_link", "comment"),
    ),
    "ReviewLink": obj(
        {"url": {"type": "string"}, "expires_in_days": {"type": "integer"}},
        required=("url", "expires_in_days"),
    ),
    "PostEvent": obj(
        {"at": {"type": "string"}, "from": {"type": ["string", "null"]}, "to": {"type": "string"}},
        required=("at", "to"),
    ),
    "Channel": obj(
        {
            "name": {"type": "string"},
            "label": {"type": "string"},
            "limits": {"type": "object"},
            "fields": list_of({"type": "string"}),
        },
        required=("name", "label", "limits"),
    ),
    "PostSet": obj(
        {
            "id": {"type": "integer"},
            "plan_id": {"type": "integer"},
            "idea": obj(
                {
                    "body": {"type": "string"},
                    "title": {"type": "string"},
                    "link": {"type": "string"},
                    "media": list_of({"type": "object"}),
                },
                required=("body", "title", "link", "media"),
            ),
            "status": obj(
                {
                    "state": {
                        "enum": [
                            "empty",
                            "cancelled",
                            "published",
                            "failed",
                            "attention",
                            "drafts",
                            "in_review",
                            "scheduled",
                            "partly_published",
                            "mixed",
                        ]
                    },
                    "words": {"type": "string"},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "errors": {"type": "integer"},
                    "warnings": {"type": "integer"},
                },
                required=("state", "words", "counts", "errors", "warnings"),
            ),
            "posts": list_of(
                {
                    "allOf": [ref("Post")],
                    "properties": {"edited_by_hand": {"type": "boolean"}},
                    "required": ["edited_by_hand"],
                }
            ),
            "changes": {
                "type": "object",
                "description": "what this change did: the posts re-adapted, relinked, shifted, cancelled, and "
                "those kept as they were, with why",
            },
            "author": {"type": ["object", "null"], "description": "who composed it: {id, name}"},
            "cancelled_at": STAMP,
            "created_at": STAMP,
        },
        required=("id", "plan_id", "idea", "status", "posts"),
    ),
    "Validation": obj(
        {
            "valid": {"type": "boolean"},
            "length": {"anyOf": [LENGTH, {"type": "null"}]},
            "problems": list_of(ref("Problem")),
            "draft": {"type": ["object", "null"]},
            "preview": {"type": "string"},
        },
        required=("valid", "problems"),
    ),
    "Report": obj(
        {
            "plan": {"type": "object"},
            "theme_coverage_ratio": {"type": ["number", "null"]},
            "channels": list_of(
                obj(
                    {
                        "channel": {"type": "string"},
                        "committed_posts": {"type": "integer"},
                        "posts": {"type": "integer"},
                        "coverage_ratio": {"type": ["number", "null"]},
                        "status": {"enum": ["ok", "behind", "below_floor", "one_note"]},
                        "pending_approval": {
                            "type": "integer",
                            "description": "posts in review on this channel in the plan's dates (not counted)",
                        },
                    },
                    required=("channel", "committed_posts", "posts", "status"),
                )
            ),
            "repeated_messages": list_of(
                obj({"channel": {"type": "string"}, "post_ids": list_of({"type": "integer"})})
            ),
        },
        required=("plan", "theme_coverage_ratio", "channels", "repeated_messages"),
    ),
    "Feed": obj(
        {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "channel": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "status": {"type": "string"},
            "last_error": {"type": ["string", "null"]},
            "refresh_minutes": {"type": ["integer", "null"]},
            "items": {"type": "integer"},
        },
        required=("id", "url", "channel", "status"),
    ),
    "Item": obj(
        {
            "id": {"type": "integer"},
            "channel": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "link": {"type": ["string", "null"]},
            "published_at": STAMP,
            "metrics": {"type": ["object", "null"]},
            "score": {"type": ["number", "null"]},
            "evergreen": {"type": ["boolean", "null"]},
            "cooldown_days": {"type": ["integer", "null"]},
        },
        required=("id", "channel", "title", "link", "published_at", "metrics", "score"),
    ),
    "StyleEntry": obj(
        {
            "id": {"type": "integer"},
            "kind": {"enum": list(KINDS)},
            "channel": {"type": ["string", "null"]},
            "title": {"type": "string"},
            "body": {"type": ["string", "null"]},
            "avoid": {"type": ["string", "null"]},
            "prefer": {"type": ["string", "null"]},
            "severity": {"type": ["string", "null"]},
            "rule": {"type": ["string", "null"]},
            "triggers": list_of({"type": "string"}),
            "keywords": list_of({"type": "string"}),
            "version": {"type": ["integer", "null"]},
            "updated_at": STAMP,
            "pattern": {"type": ["object", "null"]},
        },
        required=("id", "kind", "channel", "title"),
    ),
    "Account": obj(
        {
            "id": {"type": "integer"},
            "channel": {"type": "string"},
            "name": {"type": "string"},
            "settings": {"type": "object"},
            "secrets_set": list_of({"type": "string"}),
            "status": {"type": ["string", "null"]},
            "status_message": {"type": ["string", "null"]},
        },
        required=("id", "channel", "name", "secrets_set"),
    ),
    "ConnectionTest": obj(
        {
            "status": {
                "enum": ["connected", "unauthorized", "rejected", "unreachable"],
                "description": "connected: it works; unauthorized: the service refused the credentials (the "
                "account is marked for reconnection); rejected: its settings cannot work; unreachable: the "
                "service could not be asked now (nothing changed)",
            },
            "message": {"type": "string", "description": "what the service said, and what to fix"},
            "account_status": {"type": "string", "description": "the account's status after the test"},
        },
        required=("status", "message", "account_status"),
    ),
    "MetricImport": obj(
        {
            "id": {"type": "integer"},
            "channel": {"type": ["string", "null"]},
            "rows_stored": {"type": "integer"},
            "errors": list_of({"type": "object"}),
        },
        required=("id", "rows_stored", "errors"),
    ),
}
