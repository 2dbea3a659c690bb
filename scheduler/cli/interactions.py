"""``refrain interactions import FILE``: a help desk's CSV export from the command line.

The same import as the page's and the API's (``services.interaction_import``): without ``--mapping``,
the mapping remembered for the file's columns, else one guessed from their names. Rows that cannot be
read are listed on stderr by line; the command fails (exit 1, one line) when the file or the mapping
cannot be used, or when no row at all could be imported.
"""

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from scheduler.domain.language import _
from scheduler.services import actor
from scheduler.services.errors import ServiceError

COMMAND_LINE = actor.Actor(None, "refrain (command line)")


@click.group("interactions")
def interactions_group():
    """Customer interactions: import a help desk's export."""


def _mapping(value: str | None):
    """``--mapping``: JSON, or the path of a file holding it."""
    if not value:
        return None
    text = value
    if not value.lstrip().startswith("{"):
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as error:
            raise click.BadParameter(f"{value}: {error.strerror or error}", param_hint="--mapping") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise click.BadParameter(_("not JSON (%(error)s)", error=error), param_hint="--mapping") from None


@interactions_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--mapping",
    default=None,
    help='JSON (or a JSON file): {"columns": {"occurred_at": "Created at", ...}, "defaults": {...}, '
    '"time_zone": "UTC"}.',
)
@click.option("--name", default="", help="The mapping's name, which also tells this export's rows apart on re-import.")
@with_appcontext
def import_command(file, mapping, name):
    """Import FILE (CSV) as interactions; importing it again updates them."""
    from scheduler.cli import _migrate
    from scheduler.services import interaction_import

    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise click.ClickException(
            _("cannot read %(file)s: %(error)s", file=file, error=error.strerror or error)
        ) from None
    raw = _mapping(mapping)
    _migrate()
    try:
        with actor.acting_as(COMMAND_LINE):
            result = interaction_import.import_interactions(data, mapping_raw=raw, name=name, filename=Path(file).name)
    except ServiceError as error:
        problems = "; ".join(
            _("%(field)s: %(problem)s", field=field, problem=problem) for field, problem in error.fields.items()
        )
        raise click.ClickException(problems or error.message) from None
    for row in result.errors:
        where = _("line %(line)s, %(field)s", line=row.line, field=row.field or _("row"))
        click.echo(f"{where}: {row.message}", err=True)
    said = _(
        "imported %(imported)s interactions (%(created)s new, %(updated)s updated) as “%(name)s”",
        imported=result.imported,
        created=result.created,
        updated=result.updated,
        name=result.name,
    )
    if result.errors:
        said = _("%(said)s; %(n)s rows not imported", said=said, n=len(result.errors))
    click.echo(said)
    if result.errors and not result.imported:
        raise click.ClickException(_("no row could be imported: see the lines above"))
