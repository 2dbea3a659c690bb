"""One PDS for the Bluesky tests against the real server (``atproto.Pds``), started when the first of
them needs it and stopped after the last; a new account on it for each test."""

import pytest

from tests.real.bluesky.atproto import NUMBERS, Pds
from tests.real.conftest import service_settings


@pytest.fixture(scope="session")
def pds(tmp_path_factory):
    server = Pds(service_settings("bluesky"), tmp_path_factory.mktemp("pds"))
    print(f"\nthe PDS answered {server.started_in:.1f} s after it was started")
    yield server
    server.stop()


@pytest.fixture
def account(pds):
    """A new account on the PDS for this test alone, so its records are the test's own to count."""
    return pds.create_account(f"refrain{next(NUMBERS)}.test")
