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
