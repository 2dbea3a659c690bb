"""The last quarter's retrospective over the JSON API: what the new-plan form shows, as data."""

from flask import jsonify, request

from scheduler.services import retrospective as retro
from scheduler.web.api import blueprint
from scheduler.web.api.declared import answers, query
from scheduler.web.api.schemas import COMPONENTS, list_of, obj, ref

NUMBER_OR_NULL = {"type": ["number", "null"]}
SIDE = obj({"posts": {"type": "integer"}, "mean": NUMBER_OR_NULL}, required=("posts", "mean"))
INTERVAL = {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2}

COMPONENTS.update(
    {
        "RetrospectiveChannel": obj(
            {
                "channel": {"type": "string"},
                "on_theme": SIDE,
                "rest": SIDE,
                "difference": NUMBER_OR_NULL,
                "interval": INTERVAL,
                "verdict": {"enum": ["better", "worse", "no_clear_difference", "too_few"]},
                "unscored": {"type": "integer"},
                "committed": {"type": "boolean"},
                "status": {"type": ["string", "null"]},
                "one_note": {"type": "boolean"},
                "coverage_ratio": NUMBER_OR_NULL,
                "ceiling": NUMBER_OR_NULL,
                "periods": {"type": ["object", "null"]},
            },
            required=("channel", "on_theme", "rest", "difference", "interval", "verdict", "one_note", "periods"),
        ),
        "Retrospective": obj(
            {
                "before": {"type": "string", "format": "date"},
                "plan": {"type": ["object", "null"]},
                "as_of": {"type": ["string", "null"]},
                "channels": list_of(ref("RetrospectiveChannel")),
                "patterns": list_of({"type": "object"}),
                "topics": list_of(
                    obj(
                        {
                            "keyword": {"type": "string"},
                            "term": {"type": "string"},
                            "in_top": {"type": "integer"},
                            "top_posts": {"type": "integer"},
                            "in_rest": {"type": "integer"},
                            "rest_posts": {"type": "integer"},
                            "mean_score": {"type": "number"},
                            "g2": {"type": "number"},
                            "post_ids": list_of({"type": "integer"}),
                            "was_keyword": {"type": "boolean"},
                        },
                        required=("keyword", "in_top", "top_posts", "in_rest", "rest_posts", "mean_score"),
                    )
                ),
            },
            required=("before", "plan", "channels", "patterns", "topics"),
        ),
    }
)


@blueprint.get("/plans/retrospective")
@query(before={"type": "string", "maxLength": 10, "examples": ["2031-07-01"]})
@answers(200, ref("Retrospective"), "the plan that ended last before the day (default today), looked back on")
def plans_retrospective():
    """Per channel, on-theme posts against the rest on the library's score (difference of means, its
    95 % Welch interval), one-note status and periods met; the quarter's strongest patterns and the
    words of its best posts, as keyword suggestions with their figures. Computed on read."""
    return jsonify(retro.retrospective(request.args.get("before")))
