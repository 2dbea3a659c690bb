"""One unit of work per action: a use case's changes are committed together, once, or not at all.

``unit_of_work`` is a context manager and a decorator. The outermost one opens the transaction and,
at its end, commits it (or rolls all of it back on any error, and re-raises); one opened inside
another joins it, so a use case built from others (schedule = save + queue) still commits once.
This is the only place in Refrain that commits or rolls back a session: services, views, the CLI
and jobs all go through it.

Work for other systems that must not happen unless the change is kept (a job in Redis, a file)
is registered with ``after_commit`` and runs once the commit succeeded, in order. A failure there
is logged, never raised: the database already holds the truth, and the sweeper brings Redis back
in step (a queued post without a job is enqueued again).

Some actions are several units by nature, and say so where they are: a delivery commits its claim
before it talks to the channel (so a worker that dies mid-delivery leaves a post the sweeper marks
unconfirmed, never one sent twice), then records the outcome in a second unit; a newsletter batch
records each recipient as sent as soon as the server accepts the message.
"""

import functools
import logging
from collections.abc import Callable
from contextlib import contextmanager

from scheduler.models.database import db

log = logging.getLogger(__name__)
_OPEN = "refrain.unit_of_work"
_AFTER = "refrain.after_commit"


@contextmanager
def _unit():
    session = db.session()
    if session.info.get(_OPEN):
        yield session  # joined: the outermost unit commits
        return
    session.info[_OPEN], session.info[_AFTER] = True, []
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_OPEN, None)
        after = session.info.pop(_AFTER, [])
    for action in after:
        try:
            action()
        except Exception:  # noqa: BLE001 - see the module's docstring
            log.exception("after commit: %s failed; the sweeper will catch up", getattr(action, "__name__", action))


def unit_of_work(function: Callable | None = None):
    """``with unit_of_work():`` around a block, or ``@unit_of_work`` on a use case."""
    if function is None:
        return _unit()

    @functools.wraps(function)
    def run(*args, **kwargs):
        with _unit():
            return function(*args, **kwargs)

    return run


@contextmanager
def on_its_own():
    """A part of the current unit that may fail alone (one post of a bulk action, one row of an import):
    on an error its changes go back to a savepoint, the work it left for after the commit is dropped, and
    the error is raised for the caller to record; the unit goes on with the rest, and commits once."""
    session = db.session()
    if not session.info.get(_OPEN):
        raise RuntimeError("on_its_own needs an open unit of work")
    _transaction_begun(session)
    after = session.info[_AFTER]
    kept = len(after)
    savepoint = session.begin_nested()
    try:
        yield session
    except BaseException:
        savepoint.rollback()
        del after[kept:]
        raise
    savepoint.commit()


def _transaction_begun(session) -> None:
    """SQLite's Python driver begins its transaction only at the first write: a SAVEPOINT before it would
    start a transaction of its own, which its RELEASE would commit, outside the unit. Begun here first."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        driver.execute("BEGIN")


def in_unit_of_work() -> bool:
    return bool(db.session().info.get(_OPEN))


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` once the current unit of work has committed (never if it rolls back)."""
    session = db.session()
    if not session.info.get(_OPEN):
        raise RuntimeError("after_commit needs an open unit of work")
    session.info[_AFTER].append(action)
