"""``refrain mcp``: the MCP server over stdio, for an assistant that starts it as a subprocess, acting as
the person whose API token is in ``REFRAIN_TOKEN``.

The token is checked once before serving (a missing or wrong one: the command stops with one line) and
again at each call, as each API request checks it: a token revoked while the assistant runs stops
working at its next call. Each call runs in an app context of its own, like a request (a fresh
database session: what another process changed since is seen), with the person as the services' actor
and their role, a read-only token's being a viewer's. The terminal's language (the CLI's) is spoken.
"""

from __future__ import annotations

from contextlib import contextmanager

import anyio
from mcp.server.stdio import stdio_server

from scheduler.domain import access
from scheduler.domain.language import _
from scheduler.mcp import server
from scheduler.services import actor, tokens


def person_of(token: str) -> actor.Actor | None:
    """The actor a token stands for (with the role it acts with), or None."""
    found = tokens.authenticate((token or "").strip())
    if found is None:
        return None
    user, row = found
    return actor.Actor(user.id, user.display_name, access.may_write(user.role, row.read_only))


def serve(app, token: str, version: str = "") -> None:
    """Serves until the client closes stdin."""

    @contextmanager
    def calling():
        with app.app_context():
            who = person_of(token)
            if who is None:
                raise server.NotAllowed(_("the API token is not valid: it was revoked, or mistyped"))
            with actor.acting_as(who):
                yield who

    mcp_server = server.build(calling, version)

    async def run():
        async with stdio_server() as (read_stream, write_stream):
            await mcp_server.run(read_stream, write_stream, mcp_server.create_initialization_options())

    anyio.run(run)
