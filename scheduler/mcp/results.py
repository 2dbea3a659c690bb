"""A tool call's answer, as MCP carries it: the result as structured content (and the same JSON as text,
for clients that read only text), or a tool error (``isError``) an agent can act on.

An error says, for each thing wrong, the field by the label people read ("When", not ``scheduled_at``)
with the field's own name beside it, the reason in words, the rule that fired (``code``: a finding's own
code, such as ``style.term_rule``, or the kind of refusal: ``schema``, ``invalid``, ``not_found``,
``conflict``, ``role``) and its severity; and, where the service knows one, what a field could hold
instead (``suggested``: the next free slot for a time already past).
"""

from __future__ import annotations

import json

import jsonschema
import mcp_types as types

from scheduler.domain import access
from scheduler.domain.language import N_, _
from scheduler.mcp.tools import Tool
from scheduler.services import actor, agent_drafts
from scheduler.services.errors import Invalid, ServiceError

# the fields the tools take, as people read them (the same words as the pages' labels)
FIELD_LABELS = {
    "plan_id": N_("Plan"),
    "channel": N_("Channel"),
    "body": N_("Text"),
    "title": N_("Title"),
    "link": N_("Link"),
    "scheduled_at": N_("When"),
    "post_id": N_("Post"),
    "item_id": N_("Library item"),
    "q": N_("Words to look up"),
    "limit": N_("How many"),
    "from": N_("From"),
    "days": N_("Days"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").capitalize()


def answer(result: dict) -> types.CallToolResult:
    for holder in (result, result.get("post") or {}):  # findings (check_draft, lint, a draft's own): each
        if holder.get("problems"):  # field named as people read it too (copies: a post's own stay as kept)
            holder["problems"] = [_with_label(problem) for problem in holder["problems"]]
    text = json.dumps(result, ensure_ascii=False, default=str)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=result)


def _with_label(problem: dict) -> dict:
    field = problem.get("field")
    return {**problem, "label": field_label(field)} if field and "label" not in problem else problem


def refusal(kind: str, message: str, problems: list[dict] | None = None, suggested: dict | None = None):
    """A tool error: the message and each problem in words (the text), and the same as structured content."""
    problems = [_labelled(p) for p in problems or []]
    error = {"kind": kind, "message": message, "problems": problems}
    if suggested:
        error["suggested"] = suggested
    lines = [message] + [
        _("%(label)s: %(reason)s (rule: %(code)s)", label=p["label"], reason=p["message"], code=p["code"])
        for p in problems
    ]
    if suggested:
        lines += [
            _("%(label)s could be %(value)s", label=field_label(name), value=value) for name, value in suggested.items()
        ]
    return types.CallToolResult(
        content=[types.TextContent(type="text", text="\n".join(lines))],
        structured_content={"error": error},
        is_error=True,
    )


def _labelled(problem: dict) -> dict:
    field = problem.get("field") or ""
    return {
        "field": field,
        "label": field_label(field) if field else "",
        "message": problem.get("message", ""),
        "code": problem.get("code", ""),
        "severity": problem.get("severity", "error"),
    }


def schema_problems(tool: Tool, arguments: dict) -> list[dict]:
    """Where the arguments do not fit the tool's schema, a problem per field (JSON Schema 2020-12), said
    as the services say the same things."""
    validator = jsonschema.Draft202012Validator(tool.schema())
    problems = []
    known = tool.properties()
    for error in sorted(validator.iter_errors(arguments), key=lambda e: [str(p) for p in e.absolute_path]):
        code = f"schema.{error.validator}"
        if error.validator == "additionalProperties":
            for name in sorted(set(arguments) - set(known)):
                reason = _("is not a field of this tool; its fields are: %(fields)s", fields=", ".join(known))
                problems.append({"field": name, "message": reason, "code": code})
            continue
        if error.validator == "required":
            field = next((name for name in error.validator_value if name not in arguments), "")
        else:
            field = str(error.absolute_path[0]) if error.absolute_path else ""
        problems.append({"field": field, "message": _reason(error), "code": code})
    return problems


def _reason(error) -> str:
    value, wanted = error.instance, error.validator_value
    if error.validator in ("required", "minLength"):
        return _("is required")
    if error.validator == "enum":
        return _("must be one of %(choices)s", choices=", ".join(map(str, wanted)))
    if error.validator == "type":
        return _("must be a whole number") if wanted == "integer" else _("must be a string")
    if error.validator == "minimum":
        return _("must be at least %(least)s", least=wanted)
    if error.validator == "maximum":
        return _("must be at most %(most)s", most=wanted)
    if error.validator == "maxLength":
        return _("must be at most %(most)s characters (it has %(count)s)", most=wanted, count=len(value))
    return _("does not fit the tool's schema: %(why)s", why=error.message)


def call(tool: Tool, arguments: dict) -> types.CallToolResult:
    """Runs ``tool`` as the person acting (``services.actor``), bound by their role (asked first: what
    may not be done at all is said before what is wrong with how it was asked)."""
    who = actor.current()
    if not access.may(who.role, tool.needs):
        return refusal(
            "role",
            _(
                "this needs a %(needed)s's role; you act as %(role)s (a read-only token acts as a viewer)",
                needed=access.role_label(tool.needs).lower(),
                role=access.role_label(who.role).lower(),
            ),
            [{"field": "", "message": _("ask an owner for the role, or use a token that may write"), "code": "role"}],
        )
    problems = schema_problems(tool, arguments)
    if problems:
        return refusal("schema", _("the arguments do not fit the tool's schema"), problems)
    try:
        return answer(tool.run(arguments))
    except ServiceError as error:
        return refused_by_service(tool, arguments, error)


def refused_by_service(tool: Tool, arguments: dict, error: ServiceError) -> types.CallToolResult:
    problems = [{"field": name, "message": reason, "code": error.kind} for name, reason in error.fields.items()]
    if tool.name == "schedule_post" and isinstance(error, Invalid) and "scheduled_at" not in error.fields:
        # the post's findings that keep it off the calendar, each with its rule, instead of one sentence
        found = agent_drafts.why_not_scheduled(arguments["post_id"])
        problems = [p for p in problems if p["field"] != "body"] + found if found else problems
    return refusal(error.kind, error.message, problems, getattr(error, "suggested", None))
