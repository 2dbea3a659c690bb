"""The JSON Schemas of the insight loop's API (interactions, kinds, patterns), published as components."""

from scheduler.services.interactions import COMMENT_LIMIT, KIND_NAME_LIMIT, RESOLUTIONS
from scheduler.web.api.schemas import COMPONENTS, INSTANT, list_of, obj, ref, text

NEW_INTERACTION = obj(
    {
        "channel": text(40, examples=["email_support"]),
        "kind": text(200, examples=["refund request"]),
        "resolution": {"enum": list(RESOLUTIONS)},
        "comment": text(COMMENT_LIMIT, nullable=True),
        "link": text(2000, nullable=True),
        "customer": text(200, nullable=True),
        "occurred_at": {**INSTANT, "type": ["string", "null"], "description": "default: now"},
    },
    required=("channel", "kind", "resolution"),
)
KIND_FIELDS = obj({"name": text(KIND_NAME_LIMIT, minLength=1, examples=["refund request"])}, required=("name",))
IMPORT = obj(
    {
        "csv": text(10_000_000),
        "csv_base64": {"type": "string"},
        "mapping": {"type": ["object", "null"], "description": "{columns: {field: column}, defaults, time_zone}"},
        "name": text(100, nullable=True),
        "filename": text(300, nullable=True),
    }
)
DAY_OR_TIME = {"type": "string", "maxLength": 40, "examples": ["2031-01-31"]}
WINDOW = {"since": DAY_OR_TIME, "until": DAY_OR_TIME}
LIST_FILTERS = {
    "channel": {"type": "string", "maxLength": 40},
    "kind": {"type": "string", "maxLength": 200},
    "resolution": {"enum": list(RESOLUTIONS)},
    "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
    **WINDOW,
}

COMPONENTS.update(
    {
        "Interaction": obj(
            {
                "id": {"type": "integer"},
                "channel": {"type": "string"},
                "kind": {"type": "string"},
                "resolution": {"enum": list(RESOLUTIONS)},
                "comment": {"type": "string"},
                "link": {"type": ["string", "null"]},
                "customer": {"type": ["string", "null"]},
                "occurred_at": {"type": "string"},
                "author": {"type": ["object", "null"]},
                "source": {"type": ["string", "null"]},
            },
            required=("id", "channel", "kind", "resolution", "occurred_at"),
        ),
        "InteractionKind": obj(
            {"id": {"type": "integer"}, "name": {"type": "string"}, "interactions": {"type": "integer"}},
            required=("id", "name"),
        ),
        "InteractionPattern": obj(
            {
                "channel": {"type": "string"},
                "kind": {"type": "string"},
                "count": {"type": "integer"},
                "negative": {"type": "integer"},
                "negative_share": {"type": "number"},
                "interval": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                "flagged": {"type": "boolean"},
                "weeks": list_of({"type": "object"}),
            },
            required=("channel", "kind", "count", "negative", "negative_share", "interval", "flagged"),
        ),
        "PatternTerm": obj(
            {
                "term": {"type": "string"},
                "shown": {"type": "string"},
                "g2": {"type": "number"},
                "in_pattern": {"type": "integer"},
                "in_reference": {"type": "integer"},
                "comment_ids": list_of({"type": "integer"}),
            },
            required=("term", "g2", "comment_ids"),
        ),
        "InteractionImport": obj(
            {
                "imported": {"type": "integer"},
                "created": {"type": "integer"},
                "updated": {"type": "integer"},
                "errors": list_of(
                    obj(
                        {
                            "line": {"type": "integer"},
                            "field": {"type": ["string", "null"]},
                            "message": {"type": "string"},
                        },
                        required=("line", "field", "message"),
                    )
                ),
            },
            required=("imported", "errors"),
        ),
    }
)
INTERACTION, KIND, PATTERN = ref("Interaction"), ref("InteractionKind"), ref("InteractionPattern")
TERM, IMPORT_RESULT = ref("PatternTerm"), ref("InteractionImport")
