"""The ``refrain`` command group: a Flask CLI around ``create_app``."""
import json
import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .config import ConfigError


def _create_app():
    from . import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli():
    """Refrain: plan a quarterly theme, schedule posts on every channel, and check the plan is kept."""


@cli.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database schema (idempotent)."""
    _migrate()
    click.echo(f"database ready: {_safe_url(current_app.config['DATABASE_URL'])}")


def _migrate():
    from . import migrate
    from .extensions import db

    try:
        migrate.upgrade(db.engine)
    except Exception as error:  # an unreachable or refused database: one line, not a traceback
        raise click.ClickException(f"cannot prepare the database: {error.__class__.__name__}: {error}".splitlines()[0])


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Return when nothing is due instead of waiting for more work.")
@click.option("--name", default=None, help="A name for this worker in RQ's registry.")
@with_appcontext
def worker_command(burst, name):
    """Run one RQ worker (deliveries and the periodic sweeper) on the configured Redis."""
    from .workers import run_worker

    run_worker(current_app._get_current_object(), burst=burst, name=name)


@cli.command("sweep")
@with_appcontext
def sweep_command():
    """Run the sweeper once now: enqueue lost jobs, mark stuck deliveries unconfirmed."""
    from .services.publishing import sweep

    click.echo(json.dumps(sweep()))


@cli.command("report")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@with_appcontext
def report_command(plan_id, fmt):
    """Print a plan's compliance report."""
    from .services import plans, reports
    from .validation import NotFound

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


@cli.command("demo")
@with_appcontext
def demo_command():
    """Load a realistic demo quarter (English, French and Chinese posts) into the configured database."""
    from .services import demo

    _migrate()
    plan = demo.load()
    click.echo(f"demo plan {plan.id} loaded: {plan.name} ({plan.starts_on} to {plan.ends_on}); "
               f"see it with `refrain report {plan.id}` or on the web with `refrain serve`")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(0, 64), help="RQ worker processes.")
@click.option("--web-processes", default=2, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve_command(host, port, workers, web_processes):
    """Everything in one process tree: web server, embedded Redis (unless REDIS_URL), workers, sweeper."""
    from . import serve

    _migrate()
    serve.run(current_app._get_current_object(), host, port, workers, web_processes)


def main():
    cli.main(prog_name="refrain")
