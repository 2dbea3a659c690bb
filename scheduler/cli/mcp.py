"""``refrain mcp``: the MCP server over stdio (``scheduler.mcp.stdio``), for an AI assistant that starts
it as a subprocess, acting as the person whose API token is in ``REFRAIN_TOKEN``."""

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from scheduler.domain.language import _

TOKEN_VARIABLE = "REFRAIN_TOKEN"


@click.command("mcp")
@with_appcontext
def mcp_command():
    """Serve Refrain's tools to an AI assistant over stdio (MCP), as the person whose API token is in
    REFRAIN_TOKEN: a read-only token reads, a creator's drafts and schedules."""
    from importlib.metadata import PackageNotFoundError, version

    from scheduler.mcp import stdio

    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise click.ClickException(
            _("set %(variable)s to an API token (refrain token create EMAIL)", variable=TOKEN_VARIABLE)
        )
    if stdio.person_of(token) is None:
        raise click.ClickException(
            _("the API token in %(variable)s is not valid: it was revoked, or mistyped", variable=TOKEN_VARIABLE)
        )
    try:
        served = version("refrain")
    except PackageNotFoundError:
        served = ""
    stdio.serve(current_app._get_current_object(), token, served)
