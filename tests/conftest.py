"""Fixtures in the Flask tutorial's shape: a fresh app per test, on a fresh SQLite database, and one
real Redis server (the embedded one) for the whole session, emptied before each test."""
import os
import shutil

import pytest
from sqlalchemy import create_engine, text

from scheduler import create_app, migrate
from scheduler.embedded_redis import EmbeddedRedis
from scheduler.extensions import db


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """One SQLite file brought to the newest schema by the real migrations, copied for each test:
    every test starts from what `refrain init` makes, without running every migration again."""
    path = tmp_path_factory.mktemp("schema") / "migrated.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, monkeypatch, redis_server, migrated_sqlite):
    for name in ("DATABASE_URL", "REDIS_URL", "REFRAIN_DELIVERY", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFRAIN_INSTANCE", str(tmp_path / "instance"))
    config = {"REDIS_URL": redis_server.url, "TESTING": True, "WTF_CSRF_ENABLED": False}
    if os.environ.get("REFRAIN_TEST_DATABASE_URL"):  # the same suite on PostgreSQL
        config["DATABASE_URL"] = os.environ["REFRAIN_TEST_DATABASE_URL"]
    else:
        database = tmp_path / "instance" / "refrain.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_sqlite, database)
        config["DATABASE_URL"] = f"sqlite:///{database}"
    app = create_app(config)
    with app.app_context():
        if not app.config["DATABASE_URL"].startswith("sqlite"):
            _empty_database()
        migrate.upgrade(db.engine)  # at head already on SQLite: this only checks
        app.extensions["refrain.queue"].connection.flushall()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _empty_database():
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
