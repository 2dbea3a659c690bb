"""The channel tests' stand-ins for the services they talk to (tests/support/stand_in.py)."""

import pytest

from tests.support.inside_addresses import inside_names  # noqa: F401  (a fixture: host names resolving inside)
from tests.support.stand_in import StandIn


@pytest.fixture
def service():
    """A stand-in of the channel's service, new for the test."""
    stand_in = StandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def stand_in():
    """One stand-in for a whole module (each module has its own): a module that talks to it in every
    test wraps it in a ``service`` fixture of its own that calls ``reset()`` first."""
    stand_in = StandIn()
    yield stand_in
    stand_in.close()
