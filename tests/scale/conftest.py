"""PostgreSQL for the tests of several hosts, in both of CI's passes: the second pass's server, or else a
private cluster started for the test (tests/support/postgres.py, as the outage test does), so a run on
the embedded defaults proves the layout too rather than skipping it."""

import pytest

from scheduler import create_app
from scheduler.infra import migrate
from scheduler.models.database import db
from tests.conftest import ENVIRONMENT_SETTINGS, TEST_DATABASE_URL
from tests.support.postgres import PostgresCluster, PostgresMissing

ON_POSTGRESQL = TEST_DATABASE_URL.startswith("postgresql")


@pytest.fixture
def postgres_url():
    if ON_POSTGRESQL:
        yield TEST_DATABASE_URL
        return
    try:
        cluster = PostgresCluster().init()
    except PostgresMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.destroy()


@pytest.fixture
def shared_app(request, tmp_path, monkeypatch, redis_server, postgres_url):
    """The test's app on PostgreSQL: the suite's own ``app`` in the PostgreSQL pass, else the same app on
    the private cluster, migrated by the real migrations."""
    if ON_POSTGRESQL:
        yield request.getfixturevalue("app")
        return
    for name in ENVIRONMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFRAIN_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "REDIS_URL": redis_server.url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "REFRAIN_PASSWORD_HASHING": "fast",
            "DATABASE_URL": postgres_url,
            "REFRAIN_PUBLIC_URL": "http://localhost",
        }
    )
    with app.app_context():
        migrate.upgrade(db.engine)
        app.extensions["refrain.queue"].connection.flushall()
        yield app
        db.session.remove()
        db.engine.dispose()
