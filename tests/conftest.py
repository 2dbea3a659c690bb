"""Fixtures in the Flask tutorial's shape: a fresh app per test, on a fresh SQLite database, and one
real Redis server (the embedded one) for the whole session, emptied before each test."""
import os

import pytest
from sqlalchemy import text

from scheduler import create_app, migrate
from scheduler.embedded_redis import EmbeddedRedis
from scheduler.extensions import db


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture
def app(tmp_path, monkeypatch, redis_server):
    for name in ("DATABASE_URL", "REDIS_URL", "REFRAIN_DELIVERY", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFRAIN_INSTANCE", str(tmp_path / "instance"))
    config = {"REDIS_URL": redis_server.url, "TESTING": True, "WTF_CSRF_ENABLED": False}
    if os.environ.get("REFRAIN_TEST_DATABASE_URL"):  # the same suite on PostgreSQL
        config["DATABASE_URL"] = os.environ["REFRAIN_TEST_DATABASE_URL"]
    app = create_app(config)
    with app.app_context():
        if not app.config["DATABASE_URL"].startswith("sqlite"):
            _empty_database()
        migrate.upgrade(db.engine)
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
