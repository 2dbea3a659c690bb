"""``refrain user create`` and ``refrain token create``: the team from the command line.

Neither takes a password: a person sets their own through the one-time link printed here (an
argument would stay in the shell's history and in the process list)."""

import click
from flask.cli import with_appcontext

from scheduler.domain.access import ROLES, role_label
from scheduler.domain.language import _
from scheduler.services import actor, people, tokens
from scheduler.services.errors import ServiceError

COMMAND_LINE = actor.Actor(None, "refrain (command line)")


def _refused(error: ServiceError) -> click.ClickException:
    if error.kind != "invalid":
        return click.ClickException(error.message)
    problems = "; ".join(
        _("%(field)s: %(problem)s", field=name, problem=problem) for name, problem in error.fields.items()
    )
    problems = problems or error.message
    return click.ClickException(problems)


@click.group("user")
def user_group():
    """People: create them and give them a role."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(list(reversed(ROLES))), help="What they may do.")
@click.option("--name", default=None, help="How the team sees them.")
@with_appcontext
def user_create_command(email, role, name):
    """Create a person (or change an existing one's role) and print a one-time link to set their password."""
    from scheduler.cli import _migrate

    _migrate()
    try:
        with actor.acting_as(COMMAND_LINE):
            user, new = people.create_or_update(email, role, name)
    except ServiceError as error:
        raise _refused(error) from None
    role = role_label(user.role).lower()
    if new:
        click.echo(_("created %(email)s as %(role)s", email=user.email, role=role))
    else:
        click.echo(_("updated %(email)s as %(role)s", email=user.email, role=role))
    click.echo(_("set the password within %(days)s days (the link works once):", days=people.LINK_DAYS))
    click.echo(people.password_link(user))


@click.group("token")
def token_group():
    """API tokens: keys for scripts, acting as a person."""


@token_group.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for (shown in lists; the token itself never is).")
@click.option("--read-only", is_flag=True, help="The token may only read.")
@with_appcontext
def token_create_command(email, label, read_only):
    """Print a new API token for that person, alone on the last line; it is shown only this once."""
    from scheduler.cli import _migrate

    _migrate()
    user = people.by_email(email)
    if user is None:
        raise click.ClickException(
            _(
                "nobody has the address %(email)s: create them first with %(command)s",
                email=repr(email),
                command="`refrain user create`",
            )
        )
    try:
        with actor.acting_as(COMMAND_LINE):
            row, token = tokens.create(user, label, read_only)
    except ServiceError as error:
        raise _refused(error) from None
    if row.read_only and row.label:
        said = _("read-only token for %(email)s (%(label)s); it is not shown again:", email=user.email, label=row.label)
    elif row.read_only:
        said = _("read-only token for %(email)s; it is not shown again:", email=user.email)
    elif row.label:
        said = _(
            "read-write token for %(email)s (%(label)s); it is not shown again:", email=user.email, label=row.label
        )
    else:
        said = _("read-write token for %(email)s; it is not shown again:", email=user.email)
    click.echo(said)
    click.echo(token)
