"""The JSON Schemas of the indicators' and contests' routes (as ``schemas.py`` holds the others'):
what their bodies must look like to be read at all, and what they answer."""

from scheduler.domain.contests import KINDS
from scheduler.web.api.schemas import CHANNEL, DAY, ID, list_of, obj, text

FIGURE = {"type": ["number", "null"]}
MONTHS = {
    "type": ["object", "null"],
    "additionalProperties": FIGURE,
    "description": 'figures by month: {"2031-06": 1200}; null removes a month\'s figure',
    "examples": [{"2031-06": 1200, "2031-07": 1500}],
}

KPI = obj(
    {
        "unit": text(20, nullable=True, examples=["visits"]),
        "better": {"enum": ["higher", "lower", None], "description": "which way is good; default higher"},
        "targets": MONTHS,
    }
)
ACTUALS = {
    "type": "object",
    "additionalProperties": FIGURE,
    "description": 'the actuals of the months given: {"2031-06": 1180}; null removes one',
    "examples": [{"2031-06": 1180}],
}
KPI_IMPORT = obj(
    {
        "csv": text(1_000_000, examples=["month,sales\n2031-06,1180\n"]),
        "kpi": text(60, nullable=True, description="the indicator a `value` column belongs to"),
    },
    required=("csv",),
)

MONTH_ROW = obj(
    {
        "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
        "target": FIGURE,
        "actual": FIGURE,
        "previous": {**FIGURE, "description": "the previous plan's actual, same position in the plan"},
        "gap": {**FIGURE, "description": "(actual - target) / target"},
        "missed": {"type": "boolean"},
        "source": {"type": ["string", "null"]},
    },
    required=("month", "target", "actual", "previous", "gap"),
)
KPI_ANSWER = obj(
    {
        "name": {"type": "string"},
        "key": {"type": "string", "description": "the name folded: Site traffic is site_traffic"},
        "label": {"type": "string"},
        "unit": {"type": "string"},
        "better": {"enum": ["higher", "lower"]},
        "months": list_of(MONTH_ROW),
        "alert": {"type": "boolean"},
        "computable": {"type": "boolean"},
        "previous_plan_id": {"type": ["integer", "null"]},
    },
    required=("name", "unit", "better", "months", "alert"),
)
IMPORT_ANSWER = obj(
    {
        "imported": {"type": "integer"},
        "errors": list_of(
            obj(
                {"line": {"type": "integer"}, "field": {"type": "string"}, "message": {"type": "string"}},
                required=("line", "field", "message"),
            )
        ),
    },
    required=("imported", "errors"),
)

CONTEST_FIELDS = {
    "name": text(200, minLength=1, examples=["Best visual of June"]),
    "description": text(4000, nullable=True),
    "kind": {"enum": [*KINDS, None]},
    "metric": text(40, examples=["clicks_comments_likes"]),
    "channels": {"type": ["array", "null"], "items": {**CHANNEL, "examples": ["pinterest"]}, "maxItems": 50},
    "starts_on": {**DAY, "examples": ["2031-06-01"]},
    "ends_on": {**DAY, "examples": ["2031-06-30"]},
    "timezone": text(64, nullable=True, examples=["Europe/Paris"]),
    "participants": {"type": ["array", "null"], "items": ID, "maxItems": 500},
}
NEW_CONTEST = obj(CONTEST_FIELDS, required=("name", "metric", "starts_on", "ends_on"))
CONTEST_CHANGES = obj(CONTEST_FIELDS)
IDEA = obj({"text": text(2000, minLength=1, examples=["A behind-the-scenes photo every Friday"])}, required=("text",))
IDEA_POSTS = obj({"post_ids": {"type": "array", "items": ID, "maxItems": 500}}, required=("post_ids",))
FOLLOWS = obj(
    {"post_id": ID, "follows": {"type": ["integer", "null"], "minimum": 0, "maximum": 10**9}},
    required=("post_id",),
)

CONTEST_ANSWER = obj(
    {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "metric": {"type": "string"},
        "channels": list_of({"type": "string"}),
        "starts_on": DAY,
        "ends_on": DAY,
        "timezone": {"type": "string"},
        "participants": list_of({"type": "integer"}),
        "state": {"enum": ["upcoming", "running", "over"]},
        "frozen_at": {"type": ["string", "null"]},
        "ideas": list_of({"type": "object"}),
    },
    required=("id", "name", "kind", "metric", "channels", "starts_on", "ends_on", "state"),
)
STANDING = obj(
    {
        "rank": {"type": "integer", "minimum": 1},
        "person": {"type": "string"},
        "person_id": {"type": ["integer", "null"]},
        "entries": {"type": "integer", "minimum": 0},
        "score": {"type": "number"},
        "idea_id": {"type": "integer"},
        "idea": {"type": "string"},
    },
    required=("rank", "person", "entries", "score"),
)
ENTRY = obj(
    {
        "post_id": {"type": "integer"},
        "person_id": {"type": ["integer", "null"]},
        "channel": {"type": "string"},
        "figure": {"type": ["number", "null"]},
        "score": {"type": ["number", "null"]},
    },
)
IDEA_ANSWER = obj(
    {"id": {"type": "integer"}, "text": {"type": "string"}, "post_ids": list_of({"type": "integer"})},
    required=("id", "text", "post_ids"),
)
