"""``refrain posts import FILE --plan ID``: a CSV of posts into a plan, from the command line.

The same import as the page's and the API's (``services.posts_import``): each row checked as the editor
checks a post, the bad ones listed on stderr by line and field, the good ones kept as drafts (or
scheduled, ``--schedule``). The command fails (exit 1, one line) when the file or the plan cannot be
used, or when no row at all could be imported.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext

from scheduler.services import actor
from scheduler.services.errors import ServiceError

COMMAND_LINE = actor.Actor(None, "refrain (command line)")


@click.group("posts")
def posts_group():
    """Posts: import a CSV of them into a plan."""


@posts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--plan", "plan_id", type=int, required=True, help="The plan the posts go to (its id).")
@click.option("--schedule", is_flag=True, help="Schedule the good rows (without it they stay drafts).")
@with_appcontext
def import_command(file, plan_id, schedule):
    """Import FILE (CSV: channel, body, scheduled_at, and optionally title, link, on_theme, extra)."""
    from scheduler.cli import _migrate
    from scheduler.services import posts_import

    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
    _migrate()
    try:
        with actor.acting_as(COMMAND_LINE):
            result = posts_import.import_posts(data, plan_id, schedule=schedule)
    except ServiceError as error:
        problems = "; ".join(f"{field}: {problem}" for field, problem in error.fields.items())
        raise click.ClickException(problems or error.message) from None
    for problem in result.errors:
        click.echo(f"line {problem.line}, {problem.field}: {problem.message}", err=True)
    statuses = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(result.statuses.items()))
    click.echo(
        f"imported {result.imported} of {result.rows} rows into plan {plan_id}"
        + (f" ({statuses})" if statuses else "")
        + (f"; {result.rows_refused} rows left out" if result.rows_refused else "")
    )
    if result.rows and not result.imported:
        raise click.ClickException("no row could be imported: see the lines above")
