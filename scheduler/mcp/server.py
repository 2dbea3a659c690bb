"""The MCP server itself (the SDK's low-level ``Server``): its tools, from ``tools.TOOLS``, and its
resources, the plans and the style guide's entries, all read through the services.

One server serves both ways in: ``refrain mcp`` over stdio and ``/mcp`` over streamable HTTP. What
differs is who is asking and how a call is set up, so the transport hands in ``calling``: a context
manager entered around each call, which pushes what the call needs (an app context, the person as the
services' actor, their language) and raises ``NotAllowed`` when the token no longer stands for anyone.
The low-level server rather than the SDK's decorator server (``MCPServer``), because each tool's JSON
Schema is written here by hand (the channels' names are only known at run time) and each call's
errors are answered in the shape agents act on (``results``), not as the SDK words a Python exception.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

import mcp_types as types
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from scheduler.domain.language import _
from scheduler.mcp import results
from scheduler.mcp.tools import TOOLS
from scheduler.services import plans, style
from scheduler.services.errors import NotFound, ServiceError

log = logging.getLogger(__name__)
NAME = "refrain"
INSTRUCTIONS = (
    "Refrain schedules a team's posts on many channels around one quarterly theme. Before drafting, ask "
    "plan_status what the plan still owes and free_slots where it has room; check_draft a text before "
    "create_draft, fix what it finds (each problem names the field and the rule), then schedule_post. "
    "A plan that requires approval keeps a creator's post waiting for a manager."
)
RESOURCE_NOT_FOUND = -32002  # the MCP specification's code for a resource that is not there
PLAN_URI, ENTRIES_URI = "refrain://plans/", "refrain://style/entries"
JSON = "application/json"


class NotAllowed(Exception):
    """The token that opened the connection no longer stands for anyone (revoked, or its person may not
    sign in any more): said as a tool error, in words."""


def build(calling: Callable[[], AbstractContextManager], version: str = "") -> Server:
    async def list_tools(_ctx, _params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[_declared(tool) for tool in TOOLS.values()])

    async def call_tool(_ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        tool = TOOLS.get(params.name)
        if tool is None:
            return results.refusal(
                "not_found",
                _("no tool named %(name)s; the tools are: %(names)s", name=params.name, names=", ".join(TOOLS)),
            )
        try:
            with calling():
                return results.call(tool, dict(params.arguments or {}))
        except NotAllowed as refused:
            return results.refusal("token", str(refused))
        except Exception:  # noqa: BLE001 - the database away, a bug: logged here, never a traceback to the agent
            log.exception("MCP tool %s failed", params.name)
            return results.refusal("error", _("Refrain could not answer this time; try again in a moment"))

    async def list_resources(_ctx, _params) -> types.ListResourcesResult:
        with calling():
            listed = [
                types.Resource(
                    uri=f"{PLAN_URI}{plan.id}",
                    name=f"plan-{plan.id}",
                    title=plan.name,
                    description=_("The plan %(name)s: its theme, keywords, dates and commitments", name=plan.name),
                    mime_type=JSON,
                )
                for plan in plans.all_plans()
            ]
        listed.append(
            types.Resource(
                uri=ENTRIES_URI,
                name="style-guide",
                title=_("The style guide"),
                description=_("Every entry of the team's style guide"),
                mime_type=JSON,
            )
        )
        return types.ListResourcesResult(resources=listed)

    async def list_templates(_ctx, _params) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(
            resource_templates=[
                types.ResourceTemplate(uri_template=PLAN_URI + "{plan_id}", name="plan", mime_type=JSON),
                types.ResourceTemplate(uri_template=ENTRIES_URI + "/{entry_id}", name="style-entry", mime_type=JSON),
            ]
        )

    async def read_resource(_ctx, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            with calling():
                content = _resource(uri)
        except (ServiceError, NotAllowed) as refused:
            raise MCPError(RESOURCE_NOT_FOUND, getattr(refused, "message", str(refused)), {"uri": uri}) from None
        text = json.dumps(content, ensure_ascii=False, default=str)
        return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, mime_type=JSON, text=text)])

    return Server(
        NAME,
        version=version,
        title="Refrain",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
    )


def _declared(tool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        description=tool.description,
        input_schema=tool.schema(),
        annotations=types.ToolAnnotations(
            read_only_hint=tool.read_only, destructive_hint=False, idempotent_hint=tool.read_only
        ),
    )


def _resource(uri: str):
    """A plan (``refrain://plans/<id>``), the guide's entries, or one of them (``refrain://style/entries/<id>``)."""
    if uri.startswith(PLAN_URI):
        return plans.plan_dict(plans.get_plan(_id(uri.removeprefix(PLAN_URI))))
    if uri == ENTRIES_URI:
        return [style.entry_dict(entry) for entry in style.list_entries()]
    if uri.startswith(ENTRIES_URI + "/"):
        return style.entry_dict(style.get_entry(_id(uri.removeprefix(ENTRIES_URI + "/"))))
    raise NotFound("resource", _("no resource at %(uri)s", uri=uri))


def _id(text: str) -> int:
    return int(text) if text.isdigit() else 0  # 0 names nothing: the getters say "not found"
