"""``refrain posts import FILE --plan ID``: a CSV of posts into a plan, from the command line.

The same import as the page's and the API's (``services.posts_import``): each row checked as the editor
checks a post, the bad ones listed on stderr by line and field, the good ones kept as drafts (or
scheduled, ``--schedule``). The command fails (exit 1, one line) when the file or the plan cannot be
used, or when no row at all could be imported.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext

from scheduler.domain import statuses
from scheduler.domain.language import _
from scheduler.services import actor
from scheduler.services.errors import ServiceError

# a post's status as the summary line says it (the value stays the contract's)

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
        raise click.ClickException(
            _("cannot read %(file)s: %(error)s", file=file, error=error.strerror or error)
        ) from None
    _migrate()
    try:
        with actor.acting_as(COMMAND_LINE):
            result = posts_import.import_posts(data, plan_id, schedule=schedule)
    except ServiceError as error:
        problems = "; ".join(
            _("%(field)s: %(problem)s", field=field, problem=problem) for field, problem in error.fields.items()
        )
        raise click.ClickException(problems or error.message) from None
    for problem in result.errors:
        where = _("line %(line)s, %(field)s", line=problem.line, field=problem.field)
        click.echo(f"{where}: {problem.message}", err=True)
    counted = ", ".join(f"{n} {statuses.label(status)}" for status, n in sorted(result.statuses.items()))
    said = _(
        "imported %(imported)s of %(rows)s rows into plan %(plan)s",
        imported=result.imported,
        rows=result.rows,
        plan=plan_id,
    )
    if counted:
        said = f"{said} ({counted})"
    if result.rows_refused:
        said = _("%(said)s; %(n)s rows left out", said=said, n=result.rows_refused)
    click.echo(said)
    if result.rows and not result.imported:
        raise click.ClickException(_("no row could be imported: see the lines above"))
