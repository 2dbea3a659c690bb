"""A throwaway installation for a benchmark: its own instance folder, SQLite and Redis, or a given
database (which is emptied first: give it one made for the purpose)."""

import contextlib
import os
import tempfile
import time

from sqlalchemy import text

from scheduler import create_app
from scheduler.infra import migrate
from scheduler.models.database import db

DATABASE_VARIABLE = "REFRAIN_BENCH_DATABASE_URL"  # or --database: where `python -m bench report` runs


@contextlib.contextmanager
def bench_app(database: str | None = None, **config):
    """``database``: a SQLAlchemy URL to run on instead of a fresh SQLite file; its public schema is
    dropped and made again (PostgreSQL), so that every run starts from the same empty state."""
    with tempfile.TemporaryDirectory(prefix="refrain-bench-") as folder:
        os.environ["REFRAIN_INSTANCE"] = folder
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        if database:
            config["DATABASE_URL"] = database
        app = create_app(config)
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            migrate.upgrade(db.engine)
            try:
                yield app
            finally:
                db.session.remove()
                service = app.extensions["refrain.queue"]
                if service.embedded:
                    service.embedded.stop()


def database_name() -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(db.engine.dialect.name, db.engine.dialect.name)


def timed(func, repeat=3, before=None):
    """Best of ``repeat`` runs: the least disturbed measurement of the same work. ``before`` runs
    ahead of each, untimed (to make a cache stale, say)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result
