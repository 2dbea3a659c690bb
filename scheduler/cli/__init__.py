"""The ``refrain`` command group: a Flask CLI around ``create_app``."""

import json
import os

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from scheduler.config import ConfigError
from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.infra import catalogs


def _create_app():
    from scheduler import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
@click.pass_context
def cli(ctx):
    """Refrain: plan a quarterly theme, schedule posts on every channel, and check the plan is kept."""
    ctx.with_resource(language.speaking(catalogs.translations(terminal_language())))


def terminal_language() -> str:
    """The terminal's language, as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), if we speak it."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return language.best_of(os.environ[name].split(":")[0])
    return language.DEFAULT


@cli.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database schema (idempotent)."""
    _migrate()
    click.echo(_("database ready: %(url)s", url=_safe_url(current_app.config["DATABASE_URL"])))


def _migrate():
    from scheduler.infra import migrate
    from scheduler.models.database import db

    try:
        migrate.upgrade(db.engine)
    except Exception as error:  # an unreachable or refused database: one line, not a traceback
        said = f"{error.__class__.__name__}: {error}".splitlines()[0]
        raise click.ClickException(_("cannot prepare the database: %(error)s", error=said)) from None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Return when nothing is due instead of waiting for more work.")
@click.option("--name", default=None, help="A name for this worker in RQ's registry.")
@with_appcontext
def worker_command(burst, name):
    """Run one RQ worker (deliveries and the periodic sweeper) on the configured Redis."""
    from scheduler.jobs.workers import run_worker

    run_worker(current_app._get_current_object(), burst=burst, name=name)


@cli.command("sweep")
@with_appcontext
def sweep_command():
    """Run the sweeper once now: enqueue lost jobs, mark stuck deliveries unconfirmed."""
    from scheduler.services.sweeper import sweep

    click.echo(json.dumps(sweep()))


@cli.command("report")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@with_appcontext
def report_command(plan_id, fmt):
    """Print a plan's compliance report."""
    from scheduler.services import plans, reports
    from scheduler.services.errors import NotFound

    try:
        plan = plans.get_plan(plan_id)
    except NotFound as error:
        raise click.ClickException(error.message)
    report = reports.compliance(plan)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(reports.as_csv(report), nl=False)
    else:
        click.echo(reports.as_table(report))


@cli.group("style")
def style_group():
    """The style guide: look things up, lint a draft."""


@style_group.command("lookup")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@with_appcontext
def style_lookup_command(words, limit):
    """Search the guide (entries, scripts, examples), best first."""
    from scheduler.services import style

    results = style.search(" ".join(words), limit)
    if not results:
        click.echo(_("nothing in the guide matches; try fewer or other words"))
    for entry in results:
        where = entry["channel"] or _("every channel")
        click.echo(f"[{entry['kind']}, {where}] {_plain(entry['title_html'])} (#{entry['id']})")
        snippet = _plain(entry["snippet_html"])
        if snippet:
            click.echo(f"    {snippet}")


def _plain(html_text: str) -> str:
    """The highlighted snippet for a terminal: marks become *stars*, entities become characters."""
    import html

    return html.unescape(html_text.replace("<mark>", "*").replace("</mark>", "*"))


@style_group.command("lint")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--channel", required=True, help="The channel the draft is for (twitter, blog, ...).")
@click.option("--title", default="", help="The draft's title or subject.")
@click.option("--link", default="", help="The draft's link.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_appcontext
def style_lint_command(file, channel, title, link, fmt):
    """Lint a draft against its channel and the guide; exit 1 when an error is found."""
    import channels.registry as channel_registry
    from scheduler.services import style_checks
    from scheduler.services.errors import Invalid

    if channel_registry.why_unknown(channel):
        raise click.BadParameter(channel_registry.why_unknown(channel), param_hint="--channel")
    body = file.read()
    try:
        result = style_checks.lint_request({"channel": channel, "body": body, "title": title, "link": link})
    except Invalid as error:
        raise click.ClickException(error.message)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        texts = {"body": body, "title": title, "link": link}
        for problem in result["problems"]:
            click.echo(
                f"{_position(file.name, problem, texts)}: {problem['severity']} {problem['code']}: {problem['message']}"
            )
        errors = sum(p["severity"] == "error" for p in result["problems"])
        warnings = len(result["problems"]) - errors
        click.echo(_("%(errors)s error(s), %(warnings)s warning(s)", errors=errors, warnings=warnings))
    if not result["valid"]:
        raise SystemExit(1)


def _position(name: str, problem: dict, texts: dict) -> str:
    """file:line:column (1-based, in characters) for findings in the body; the field's name otherwise."""
    field, start = problem.get("field") or "body", problem.get("start")
    if field != "body" or start is None:
        return f"{name}:{field}"
    before = texts["body"][:start]
    return f"{name}:{before.count(chr(10)) + 1}:{start - (before.rfind(chr(10)) + 1) + 1}"


@cli.command("demo")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Build the demo around this day (YYYY-MM-DD) instead of today: its quarter, what is "
    "already published and what is still scheduled.",
)
@with_appcontext
def demo_command(today):
    """Load a realistic demo quarter (English, French and Chinese posts) into the configured database."""
    from scheduler.services import demo

    _migrate()
    plan = demo.load(today.date() if today else None)
    click.echo(
        _(
            "demo plan %(id)s loaded: %(name)s (%(start)s to %(end)s); "
            "see it with %(report)s or on the web with %(serve)s",
            id=plan.id,
            name=plan.name,
            start=plan.starts_on,
            end=plan.ends_on,
            report="`refrain report %s`" % plan.id,
            serve="`refrain serve`",
        )
    )
    _print_demo_people()


def _print_demo_people() -> None:
    from scheduler.domain.access import role_label
    from scheduler.services import demo_people, people

    click.echo(_("the demo's team; each link sets that person's password (once), then sign in with it:"))
    for email, name, role in (demo_people.MANAGER, *demo_people.CREATORS):
        person = people.by_email(email)
        click.echo(f"  {name} ({role_label(role).lower()}, {email}): {people.password_link(person)}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(0, 64), help="RQ worker processes.")
@click.option("--web-processes", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host, port, workers, web_processes):
    """Everything in one process tree: web server, embedded Redis (unless REDIS_URL), workers, sweeper."""
    from scheduler import reconfigure
    from scheduler.infra import serve

    _migrate()
    app = current_app._get_current_object()
    if not os.environ.get("REFRAIN_PUBLIC_URL"):  # served where the command says: links and origin checks agree
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        reconfigure(app, public_url=f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}")
    _print_first_owner_link()
    serve.run(app, host, port, workers, web_processes)


def _print_first_owner_link() -> None:
    """On an empty database, the way in: a one-time link that creates the owner (printed where the
    person who started Refrain is looking)."""
    from scheduler.services import people

    if people.nobody_yet():
        link = people.first_owner_link()
        # the workers' logs soon scroll it away: kept, private, in the instance folder until it is used
        kept = people.welcome_file()
        kept.unlink(missing_ok=True)
        with os.fdopen(os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(link + "\n")
        click.echo(
            "\n  "
            + _("Nobody has an account yet. Open this link to create the owner's (it works once):")
            + f"\n\n    {link}\n\n  "
            + _("(it is also in %(file)s until the owner exists)", file=kept)
            + "\n"
        )


def main():
    cli.main(prog_name="refrain")


from scheduler.cli.interactions import interactions_group  # noqa: E402
from scheduler.cli.kpis import kpis_command  # noqa: E402  (a plan's indicators)
from scheduler.cli.mcp import mcp_command  # noqa: E402  (the MCP server over stdio)
from scheduler.cli.people import token_group, user_group  # noqa: E402  (the team's commands)
from scheduler.cli.posts import posts_group  # noqa: E402  (a CSV of posts)

cli.add_command(user_group)
cli.add_command(token_group)
cli.add_command(interactions_group)
cli.add_command(kpis_command)
cli.add_command(mcp_command)
cli.add_command(posts_group)
