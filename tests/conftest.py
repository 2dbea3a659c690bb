"""Fixtures in the Flask tutorial's shape: a fresh app per test on a fresh database, and one real
Redis server for the whole session, emptied before each test.

By default the database is an SQLite file and Redis the embedded server: what `refrain serve` runs
with no configuration. CI runs the same suite again on the production engines:
``REFRAIN_TEST_DATABASE_URL`` (PostgreSQL, migrated once per session and emptied before each test)
and ``REFRAIN_TEST_REDIS_URL`` (Debian's redis-server).
"""

import os
import shutil
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, Table, create_engine, inspect, text

import channels.registry as channel_registry
from scheduler import create_app
from scheduler.infra import migrate
from scheduler.infra.embedded_redis import EmbeddedRedis
from scheduler.models.database import db
from scheduler.services import clock
from tests.factories import make_person, signed_in
from tests.support.outbox_writes import OutboxWrites

TEST_DATABASE_URL = os.environ.get("REFRAIN_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("REFRAIN_TEST_REDIS_URL", "")
# tests/real runs in CI's own stage, against the services scripts/real-services.sh set up
collect_ignore = [] if os.environ.get("REFRAIN_REAL_SERVICES") else ["real"]
ENVIRONMENT_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "REFRAIN_DELIVERY",
    "SECRET_KEY",
    "REFRAIN_PUBLIC_URL",
    "REFRAIN_PROXIES",
)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    if TEST_REDIS_URL:
        yield SimpleNamespace(url=TEST_REDIS_URL)
        return
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


@pytest.fixture(scope="session")
def empty_test_database(migrated_sqlite):
    """A function that gives the URL of an empty database at the newest schema.

    On PostgreSQL the schema is rebuilt by the real migrations once per session, and each test
    starts from a TRUNCATE: dropping and migrating again for each of a thousand tests would cost
    minutes. On SQLite each test gets its own copy of the migrated file."""
    if not TEST_DATABASE_URL:

        def fresh_sqlite(folder):
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated_sqlite, folder / "refrain.sqlite3")
            return f"sqlite:///{folder / 'refrain.sqlite3'}"

        return fresh_sqlite
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    tables = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
    emptied = "TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " RESTART IDENTITY CASCADE"
    seeded = _seeded_rows(engine, tables)  # what the migrations put in (the first interaction kinds...)
    engine.dispose()

    def emptied_postgresql(_folder):
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text(emptied))
            for table, rows in seeded:
                connection.execute(table.insert(), rows)
                if "id" in table.c:  # the next row after the seeded ones, as after the migration
                    sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                    connection.execute(text(f'SELECT setval({sequence}, max(id)) FROM "{table.name}"'))
        engine.dispose()
        return TEST_DATABASE_URL

    return emptied_postgresql


def _seeded_rows(engine, tables: list[str]) -> list[tuple[Table, list[dict]]]:
    """The rows the migrations wrote, per table, to put back after each TRUNCATE: each test on
    PostgreSQL starts from what `refrain init` makes, as each SQLite test does from its copy."""
    seeded = []
    with engine.connect() as connection:
        for name in tables:
            table = Table(name, MetaData(), autoload_with=connection)
            rows = [dict(row) for row in connection.execute(table.select()).mappings()]
            if rows:
                seeded.append((table, rows))
    return seeded


@pytest.fixture
def app(tmp_path, monkeypatch, redis_server, empty_test_database):
    for name in ENVIRONMENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFRAIN_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "REDIS_URL": redis_server.url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "REFRAIN_PASSWORD_HASHING": "fast",
            "DATABASE_URL": empty_test_database(tmp_path / "instance"),
            "REFRAIN_PUBLIC_URL": "http://localhost",  # where Flask's test client says it is
        }
    )
    with app.app_context():
        app.extensions["refrain.queue"].connection.flushall()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def owner(app):
    """The team's owner, whom ``client`` is signed in as."""
    return make_person("owner@example.com", "owner", "Olive Owner")


@pytest.fixture
def client(app, owner):
    """A browser signed in as the owner (every page and API route is open to them)."""
    return signed_in(app, owner)


@pytest.fixture
def anonymous(app):
    """A browser nobody signed in on."""
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def channels_as_shipped():
    """A channel a test registers is gone after it, whatever the order the tests run in."""
    before = set(channel_registry.names())
    yield
    for name in set(channel_registry.names()) - before:
        channel_registry.unregister(name)


@pytest.fixture
def extra_channel():
    """Registers a test's own channel (``extra_channel(EchoChannel)``) for that test only."""
    yield channel_registry.register


@pytest.fixture
def clock_at():
    """Pins the app's clock for the rest of the test: ``clock_at("2031-05-10T12:00:00+02:00")``.
    A test that needs "today" pins it, so it passes on whatever day it runs."""
    with ExitStack() as pins:
        yield lambda instant: pins.enter_context(clock.pinned(datetime.fromisoformat(instant)))


@pytest.fixture
def outbox_writes():
    """Counts every delivery written to a channel's outbox as it happens (tests/support/outbox_writes.py):
    ``writes = outbox_writes(app, "twitter")`` before the deliveries, ``writes.per_post()`` after them."""
    watching = []

    def watch(app, channel: str) -> OutboxWrites:
        watching.append(OutboxWrites(Path(app.config["INSTANCE_PATH"]) / "outbox" / channel))
        return watching[-1]

    yield watch
    for writes in watching:
        writes.close()


@pytest.fixture
def slow_channel(extra_channel, monkeypatch):
    """The slowtest channel (tests/support/slow_channel.py), whose deliveries wait to be released: here,
    and in every worker the test starts (they inherit ``REFRAIN_EXTRA_CHANNELS``). Gives the module,
    for its ``wait_until_started`` and ``release``."""
    from tests.support import slow_channel

    extra_channel(slow_channel.SlowChannel)  # imported once per session: registered again for each test
    monkeypatch.setenv("REFRAIN_EXTRA_CHANNELS", "tests.support.slow_channel")
    return slow_channel
