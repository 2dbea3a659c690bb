"""Hosts started together upgrade the schema once: `refrain init` (and `refrain serve`, which runs it at
every start) on several hosts at the same moment, against one new PostgreSQL database. Without a lock,
two of them create Alembic's version table at once and one dies on PostgreSQL's unique catalog index;
with it, one migrates and the others wait, then find the schema at the newest revision.

On PostgreSQL (SQLite is one host's file): the suite's, or one of the test's own (conftest).
"""

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from scheduler.infra import migrate

HOSTS = 4


@pytest.fixture
def new_database(postgres_url):
    """A database of its own on the test server, empty, dropped afterwards."""
    name = f"refrain_start_{uuid.uuid4().hex[:10]}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def test_hosts_that_start_at_once_on_a_new_database_all_start_and_migrate_it_once(new_database, tmp_path):
    starting = [
        subprocess.Popen(
            [sys.executable, "-m", "scheduler", "init"],
            env=dict(os.environ, DATABASE_URL=new_database, REFRAIN_INSTANCE=str(tmp_path / f"host-{n}")),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(HOSTS)
    ]
    answers = [(host.wait(timeout=300), *host.communicate()) for host in starting]
    assert [code for code, _out, _err in answers] == [0] * HOSTS, [err[-600:] for _code, _out, err in answers]
    engine = create_engine(new_database)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert versions == [migrate.head()]
        assert {"posts", "plans", "webhooks", "calendar_links"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
