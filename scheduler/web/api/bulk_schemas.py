"""The JSON Schemas of the posts' bulk work over the API: bulk actions, the CSV import and export."""

from scheduler.services.bulk_posts import ACTIONS, MOST
from scheduler.web.api.schemas import COMPONENTS, DAY, ID, INSTANT, list_of, nullable, obj, ref, text

FILTER_FIELDS = {
    "plan_id": ID,
    "channel": text(40, nullable=True),
    "status": {
        "type": ["string", "array", "null"],
        "items": {"type": "string", "maxLength": 20},
        "maxItems": 20,
        "description": "one status, several separated by commas, or a list",
    },
    "author_id": nullable(ID),
    "q": text(200, nullable=True, description="words in the title or the text, case aside"),
    "from": nullable(INSTANT),
    "to": nullable(INSTANT),
}
LIST_QUERY = {
    **{name: {"type": "string", "maxLength": 200} for name in FILTER_FIELDS if name != "plan_id"},
    "plan_id": ID,
    "sort": {"enum": ["time", "channel", "status"]},
    "dir": {"enum": ["desc", "asc"]},
}
BULK = obj(
    {
        "action": {"enum": list(ACTIONS)},
        "ids": {"type": ["array", "null"], "items": ID, "maxItems": MOST, "description": "the posts, by id"},
        "filter": {
            "anyOf": [obj(FILTER_FIELDS), {"type": "null"}],
            "description": "instead of ids: every post the posts list's filters match",
        },
        "shift": text(
            40,
            nullable=True,
            examples=["P1D"],
            description="reschedule by a duration (ISO 8601: P1D, -PT2H, P1W; days on the plan's clock)",
        ),
        "date": {**nullable(DAY), "description": "reschedule to this date, each post at its own time of day"},
        "to_plan_id": {**nullable(ID), "description": "move: the plan the posts go to"},
        "dry_run": {"type": ["boolean", "null"], "description": "say what would happen; change nothing"},
    },
    required=("action",),
)
IMPORT = obj(
    {
        "plan_id": ID,
        "csv": text(30_000_000),
        "csv_base64": {"type": "string"},
        "schedule": {
            "type": ["boolean", "null"],
            "description": "schedule the good rows (default: keep them as drafts)",
        },
    },
    required=("plan_id",),
)
ROW_PROBLEM = obj(
    {"line": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}},
    required=("line", "field", "message"),
)

COMPONENTS.update(
    {
        "BulkOutcome": obj(
            {
                "id": {"type": "integer"},
                "outcome": {"enum": ["done", "unchanged", "refused"]},
                "reason": {"type": ["string", "null"], "description": "why it was refused, or is unchanged"},
                "notice": {"type": ["string", "null"], "description": "a time the clocks skip or show twice"},
                "status": {"type": ["string", "null"]},
                "plan_id": {"type": ["integer", "null"]},
                "scheduled_at": {"type": ["string", "null"], "format": "date-time"},
                "to_time": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "a dry run's reschedule: the new time",
                },
            },
            required=("id", "outcome", "reason", "status"),
        ),
        "BulkResult": obj(
            {
                "action": {"enum": list(ACTIONS)},
                "dry_run": {"type": "boolean"},
                "total": {"type": "integer"},
                "done": {"type": "integer"},
                "unchanged": {"type": "integer"},
                "refused": {"type": "integer"},
                "results": list_of(ref("BulkOutcome")),
            },
            required=("action", "dry_run", "total", "done", "unchanged", "refused", "results"),
        ),
        "PostImport": obj(
            {
                "rows": {"type": "integer"},
                "imported": {"type": "integer"},
                "scheduled": {"type": "integer"},
                "in_review": {"type": "integer"},
                "drafts": {"type": "integer"},
                "post_ids": list_of({"type": "integer"}),
                "errors": list_of(ROW_PROBLEM),
                "errors_total": {"type": "integer"},
                "rows_refused": {"type": "integer"},
                "unused_columns": list_of({"type": "string"}),
            },
            required=("rows", "imported", "post_ids", "errors", "errors_total"),
        ),
    }
)
BULK_RESULT, IMPORT_RESULT = ref("BulkResult"), ref("PostImport")
