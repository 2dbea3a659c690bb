"""The layering the architecture promises (docs/ARCHITECTURE.md), checked on every run of the suite
as in CI: the import contracts in pyproject.toml, and the job paths the services enqueue by name."""

import subprocess
import sys
from pathlib import Path

import pytest
from rq.utils import import_attribute

from scheduler.infra import queue

ROOT = Path(__file__).resolve().parent.parent


def test_imports_run_one_way_with_no_cycles():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("import-linter is part of the test extras: pip install -e '.[test]'")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize("path", queue.JOBS)
def test_every_job_the_services_enqueue_by_name_is_a_job_function(path):
    function = import_attribute(path)
    assert callable(function) and function.__module__.startswith("scheduler.jobs.")


def test_the_migrations_make_the_schema_the_models_describe(tmp_path):
    """What `refrain init` makes is what the models say, so autogenerate proposes nothing by surprise
    (the full-text index is made by hand per database, and left out)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from scheduler.infra import migrate
    from scheduler.models import Base

    def ours(obj, name, type_, reflected, compare_to) -> bool:
        return not (str(name).startswith(("style_fts", "posts_fts")) or name in ("search_vector", "ix_style_search"))

    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": ours, "compare_type": False})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
