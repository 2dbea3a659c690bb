"""Schema management: ``refrain init`` creates or upgrades the database through Alembic migrations."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL's advisory lock for upgrading, one number for every Refrain database ("refrain" in ASCII)
UPGRADE_LOCK = 0x726566726169_6E


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine) -> None:
    """Idempotent: a database already at the newest revision is left as it is.

    On PostgreSQL, hosts started at once (``refrain serve`` upgrades at every start) take turns: the first
    holds an advisory lock for its transaction and migrates; the others wait for it, then find the
    schema at the newest revision. Without it, two would create Alembic's version table at the same
    moment and one would stop on PostgreSQL's catalog. (SQLite is one host's file.)"""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def make_revision(engine, message: str) -> None:
    """For developers: write a new migration from the difference between the models and the database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def head() -> str:
    """The newest revision the migrations know."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
