"""The signed-in person, and the audit trail (owners)."""

from flask import jsonify, request
from flask_login import current_user

from scheduler.domain.language import _
from scheduler.services import audit
from scheduler.services.errors import Invalid
from scheduler.web.api import blueprint
from scheduler.web.api.declared import answers, query, refuses

ME = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"enum": ["owner", "manager", "creator", "viewer"]},
        "language": {"type": "string"},
        "timezone": {"type": "string"},
    },
    "required": ["id", "email", "name", "role"],
}
AUDIT_LINE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor": {
            "type": "object",
            "properties": {"id": {"type": ["integer", "null"]}, "name": {"type": "string"}},
        },
        "action": {"type": "string"},
        "object": {
            "type": "object",
            "properties": {"type": {"type": "string"}, "id": {"type": ["integer", "null"]}},
        },
        "summary": {"type": "string"},
        "changes": {"type": "object", "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2}},
    },
    "required": ["id", "at", "actor", "action", "object", "changes"],
}


@blueprint.get("/me")
@answers(200, ME, "the person the request acts as (a read-only token's role is viewer)")
def me():
    """The signed-in person."""
    return jsonify(
        {
            "id": current_user.id,
            "email": current_user.email,
            "name": current_user.name,
            "role": current_user.role,
            "language": current_user.language,
            "timezone": current_user.timezone,
        }
    )


@blueprint.get("/audit", endpoint="audit")
@query(
    since={"type": "string", "description": "a date, or a time with its offset"},
    actor={"type": "string", "description": "a person's id"},
    object={"type": "string", "description": "post, plan, …, optionally with :id (post:12)"},
    limit={"type": "string", "description": "1 to 1000 lines, the newest first (200)"},
)
@answers(200, {"type": "array", "items": AUDIT_LINE}, "the trail, newest first")
@refuses(422)
def audit_trail():
    """``GET /audit?since=&actor=&object=``: the newest first; ``object`` is ``post`` or ``post:12``."""
    errors = {}
    actor_text = request.args.get("actor") or ""
    if actor_text and not actor_text.isdigit():
        errors["actor"] = _("must be a person's id (a whole number)")
    object_text = request.args.get("object") or ""
    object_type, _colon, object_id = object_text.partition(":")
    if object_text and (object_type not in audit.OBJECT_TYPES or (object_id and not object_id.isdigit())):
        errors["object"] = _(
            "must be one of %(types)s, optionally with :id (post:12)", types=", ".join(audit.OBJECT_TYPES)
        )
    limit = request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        errors["limit"] = _("must be a whole number from %(low)s to %(high)s", low=1, high=1000)
    try:
        since = audit.since_of(request.args.get("since"))
    except Invalid as refused:
        errors.update(refused.fields)
    if errors:
        raise Invalid(errors)
    lines = audit.events(
        since=since,
        actor_id=int(actor_text) if actor_text else None,
        object_type=object_type or None,
        object_id=int(object_id) if object_id else None,
        limit=int(limit),
    )
    return jsonify([audit.as_dict(line) for line in lines])
