"""Who is acting: the signed-in person a use case works for, as the shells say.

A request's person (from its session or API token), the CLI's operator, a worker: the shell that
received the action says who it is once, and every service below reads it here, so an author, an
override's "by" or an audit line comes from the signed-in person and never from the request's body.
A context variable, like the clock's pin: it holds for the thread (or task) that set it and nothing
else.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None  # the user's id; None for Refrain itself (a worker, the sweeper, the CLI's own work)
    name: str
    role: str | None = None  # the role they act with (a read-only token's is "viewer")

    @property
    def is_person(self) -> bool:
        return self.id is not None


REFRAIN = Actor(None, "Refrain")
_current: ContextVar[Actor] = ContextVar("refrain_actor", default=REFRAIN)


def current() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def begin(actor: Actor):
    """For shells that cannot wrap their work in a block (a request's before/teardown hooks): returns
    what ``end`` needs to restore the previous actor."""
    return _current.set(actor)


def end(token) -> None:
    _current.reset(token)
