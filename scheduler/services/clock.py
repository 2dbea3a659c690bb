"""The time a use case acts at: the real clock, unless a caller pins it.

Pinned by `refrain demo --today` (a demo quarter built around another day) and by tests that need a
date (so no test depends on the day it runs). A pin is a context variable: it holds for the code
that set it (its thread or task) and for nothing else, so a worker or a request elsewhere keeps the
real clock.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

_pinned: ContextVar[datetime | None] = ContextVar("refrain_pinned_now", default=None)


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return _pinned.get() or datetime.now(timezone.utc)


def today(time_zone: str) -> date:
    """The date a clock in ``time_zone`` shows now."""
    return now().astimezone(ZoneInfo(time_zone)).date()


@contextmanager
def pinned(at: datetime):
    """Within the block, ``now()`` is ``at`` (aware; converted to UTC)."""
    if at.tzinfo is None:
        raise ValueError("pin the clock to an aware datetime")
    token = _pinned.set(at.astimezone(timezone.utc))
    try:
        yield at
    finally:
        _pinned.reset(token)
