"""The MCP server's tools: for each, its JSON Schema, what it does in plain words, the role it needs, and
the use case it calls. Every one is a thin shell over a service the pages and the JSON API already use
(named beside it), and answers in the same shapes where the API has one, so an agent and a person get
the same answers: the compliance report, the channel's rules, the style guide, approvals.

The descriptions are written for the model that picks a tool, in English as the API's OpenAPI
descriptions are; everything a tool answers for people to read (refusals, findings) is in the
request's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import channels.registry as channel_registry
from scheduler.services import agent_drafts, draft_checks, plan_status, plans, posts, reports, style, style_checks
from scheduler.services.validation import LARGEST_ID

THROUGH = "MCP"  # how an agent's draft came in, as its history says it

ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
TIME = {
    "type": "string",
    "description": "ISO 8601 with an offset, e.g. 2031-06-02T10:00:00+02:00",
}
TEXT = {"type": "string", "maxLength": 100_000}
TITLE = {"type": "string", "maxLength": 300, "description": "The title, subject or headline, where the channel has one"}
LINK = {"type": "string", "maxLength": 2000, "description": "An http:// or https:// address the post links to"}


def channel_field() -> dict:
    """The channels Refrain knows now (an extra channel registered by the operator included)."""
    return {"type": "string", "enum": sorted(channel_registry.names()), "description": "The channel's name"}


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    properties: Callable[[], dict]  # built when listed: the channels' names are known then
    required: tuple[str, ...]
    needs: str  # the role it needs (domain.access): a viewer reads, a creator drafts and schedules
    run: Callable[[dict], dict]
    read_only: bool = True

    def schema(self) -> dict:
        return {
            "type": "object",
            "properties": self.properties(),
            "required": list(self.required),
            "additionalProperties": False,
        }


def _draft_fields() -> dict:
    return {
        "plan_id": dict(ID, description="The plan the post is for"),
        "channel": channel_field(),
        "body": dict(TEXT, description="The post's text, as it would go out"),
        "title": TITLE,
        "link": LINK,
        "scheduled_at": dict(TIME, description="When it would go out (ISO 8601 with an offset)"),
    }


def _status(arguments: dict) -> dict:
    return plan_status.plan_status(plans.get_plan(arguments["plan_id"]))


def _free_slots(arguments: dict) -> dict:
    plan = plans.get_plan(arguments["plan_id"])
    return {
        "channel": arguments["channel"],
        "timezone": plan.timezone,
        "slots": plan_status.free_slots(plan, arguments),
    }


def _lookup(arguments: dict) -> dict:
    return {"entries": style.search(arguments["q"], arguments.get("limit") or style.SEARCH_LIMIT)}


def _lint(arguments: dict) -> dict:
    answer = style_checks.lint_request(arguments)
    return {key: answer[key] for key in ("problems", "valid", "length")}


def _check(arguments: dict) -> dict:
    return draft_checks.check_draft(arguments)


def _with_verdict(post) -> dict:
    said = posts.post_dict(post)
    blocked = any(p.get("severity") == "error" for p in said["problems"])
    return {"post": said, "verdict": draft_checks.BLOCKED if blocked else draft_checks.OK}


def _create(arguments: dict) -> dict:
    return _with_verdict(agent_drafts.create_draft(arguments, THROUGH))


def _update(arguments: dict) -> dict:
    changes = {key: value for key, value in arguments.items() if key != "post_id"}
    return _with_verdict(posts.update_post(posts.get_post(arguments["post_id"]), changes))


def _schedule(arguments: dict) -> dict:
    post = agent_drafts.schedule(arguments["post_id"], arguments.get("scheduled_at"))
    return {"post": posts.post_dict(post), "waiting_for_approval": post.status == "in_review"}


def _adapt(arguments: dict) -> dict:
    data = {key: value for key, value in arguments.items() if key != "item_id"}
    return _with_verdict(agent_drafts.adapt_item(arguments["item_id"], data, THROUGH))


def _report(arguments: dict) -> dict:
    return reports.compliance(plans.get_plan(arguments["plan_id"]))


def _plans(_arguments: dict) -> dict:
    return {"plans": [plans.plan_dict(plan) for plan in plans.all_plans()]}


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool(
            "list_plans",
            "The team's plans (each with its id, theme, keywords, dates, time zone and commitments per "
            "channel), newest first. Start here to find the plan_id the other tools take.",
            lambda: {},
            (),
            "viewer",
            _plans,
        ),
        Tool(
            "plan_status",
            "What a plan still owes, per channel and per period: the commitment (posts per day, week, month "
            "or quarter, and how many of them on the theme), how the periods gone by went, and for the current "
            "and coming periods the posts and on-theme posts still needed beside what is scheduled so far; "
            "whether the channel is behind or going one-note (too much on the theme). From the compliance report.",
            lambda: {"plan_id": ID},
            ("plan_id",),
            "viewer",
            _status,
        ),
        Tool(
            "free_slots",
            "The free slots of a channel in a plan: the times of the commitment's cadence that no post holds "
            "yet, from a day (today by default) over a number of days (14 by default), on the plan's clock "
            "and in UTC. Draft into these.",
            lambda: {
                "plan_id": ID,
                "channel": channel_field(),
                "from": {"type": "string", "format": "date", "description": "The first day (YYYY-MM-DD)"},
                "days": {"type": "integer", "minimum": 1, "maximum": plan_status.MAX_DAYS},
            },
            ("plan_id", "channel"),
            "viewer",
            _free_slots,
        ),
        Tool(
            "style_lookup",
            "Search the team's style guide (guidelines, scripts for customer interactions, examples that "
            "work, term rules, acceptable blog topics), best match first, the matched words marked.",
            lambda: {
                "q": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Words to look up"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
            },
            ("q",),
            "viewer",
            _lookup,
        ),
        Tool(
            "lint",
            "Lint a text against a channel's rules (length, links, required fields) and the style guide's "
            "term rules and topics: each problem with its rule (code), severity and where it is in the text.",
            lambda: {"channel": channel_field(), "body": TEXT, "title": TITLE, "link": LINK},
            ("channel", "body"),
            "viewer",
            _lint,
        ),
        Tool(
            "check_draft",
            "Check a draft for a plan and channel exactly as the editor would before scheduling it: the "
            "channel's rules, the style guide, the plan's theme (which keywords matched), its time, and "
            "whether it would repeat a message the channel already carries within 14 days. One verdict: "
            "'blocked' when an error would keep it off the calendar, 'ok' otherwise. Nothing is saved.",
            _draft_fields,
            ("plan_id", "channel", "body"),
            "viewer",
            _check,
        ),
        Tool(
            "create_draft",
            "Save a draft post in a plan (in the channel's next free slot when no time is given). It stays a "
            "draft, marked in its history as drafted by an agent, until it is scheduled; the answer carries "
            "its problems and a verdict. Needs a creator's role.",
            _draft_fields,
            ("plan_id", "channel", "body"),
            "creator",
            _create,
            read_only=False,
        ),
        Tool(
            "update_draft",
            "Change a post's text, title, link or time (the fields given; the others stay), as the editor "
            "saves an edit: its problems are found again and a verdict given. A post already on the calendar "
            "that a creator changes goes back to review where the plan requires approval. Needs a creator's role.",
            lambda: {
                "post_id": ID,
                "body": dict(TEXT, description="The post's new text"),
                "title": TITLE,
                "link": LINK,
                "scheduled_at": dict(TIME, description="Its new time (ISO 8601 with an offset)"),
            },
            ("post_id",),
            "creator",
            _update,
            read_only=False,
        ),
        Tool(
            "schedule_post",
            "Put a post on the calendar (at scheduled_at when given). Where the plan requires approval, a "
            "creator's post waits for a manager's approval instead (waiting_for_approval). Refused while the "
            "post has errors to fix or its time is past. Needs a creator's role.",
            lambda: {"post_id": ID, "scheduled_at": TIME},
            ("post_id",),
            "creator",
            _schedule,
            read_only=False,
        ),
        Tool(
            "adapt_library_item",
            "Turn an item of the library (a published post, video, article or issue) into a draft on another "
            "channel, shaped by that channel's rules, in the plan (the current one when not given), at "
            "scheduled_at or in the channel's next free slot. Marked as drafted by an agent. Needs a creator's role.",
            lambda: {
                "item_id": ID,
                "channel": channel_field(),
                "plan_id": ID,
                "scheduled_at": TIME,
            },
            ("item_id", "channel"),
            "creator",
            _adapt,
            read_only=False,
        ),
        Tool(
            "compliance_report",
            "The plan's compliance report, as GET /api/v1/plans/<id>/compliance answers it: per channel the "
            "committed and scheduled posts, theme coverage against its floor and one-note ceiling, periods "
            "met or short, and the messages repeated too often.",
            lambda: {"plan_id": ID},
            ("plan_id",),
            "viewer",
            _report,
        ),
    )
}
