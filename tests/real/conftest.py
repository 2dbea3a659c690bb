"""Tests against the real services that ship as packages (Debian's WordPress, the AT Protocol's own
server from npm), run in CI's own stage by ``scripts/real-services.sh``, which installs and starts them
and sets ``REFRAIN_REAL_SERVICES`` to the folder holding what each setup wrote (addresses,
credentials). Outside that stage this folder is not collected (see ``tests/conftest.py``): the
main suite runs on any machine, this stage on one where the services were set up.
"""

import json
import os
from pathlib import Path

import pytest

REAL_SERVICES = Path(os.environ.get("REFRAIN_REAL_SERVICES", ""))


def service_settings(name: str) -> dict:
    """What ``scripts/real/<name>.sh`` wrote about the service it started; a missing file fails the
    test that needs it (the stage asked for the service and did not get it), never skips it."""
    path = REAL_SERVICES / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run the stage with scripts/real-services.sh")
    return json.loads(path.read_text())
