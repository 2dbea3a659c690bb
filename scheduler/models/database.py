"""The database: created unbound at import time, bound to an app's URL by ``init_app``.

Plain SQLAlchemy 2 (engine + scoped session), not Flask-SQLAlchemy, so that RQ jobs, the CLI and the
benchmarks use the very same session machinery without a request. Committing and rolling back are
``services.unit_of_work``'s alone.
"""

import os

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker


class Database:
    def __init__(self):
        self.engine = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app, url: str):
        self.engine = make_engine(url)
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.extensions["refrain.db"] = self
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, exc=None):
        self.session.remove()


def discard_session() -> None:
    """After the database went away mid-request: the session's connection died inside a transaction,
    and until it is dropped every later use of the session fails differently. Never raises."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - the database is down; the caller must still answer
        pass


def make_engine(url: str):
    """SQLite gets WAL and a busy timeout: the web process and the workers write to it at once."""
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, future=True, connect_args=_connect_args(url))


def _create_private(path: str | None) -> None:
    """The SQLite file holds every subscriber's address and the sealed credentials: created readable by
    its owner only (0600), before SQLite would create it with the umask's mode. Its WAL and shared-memory
    files take the database file's mode. An existing file keeps the mode its operator gave it."""
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process made it meanwhile
        pass
    except OSError:  # no folder yet, say: SQLite reports that better when it connects
        pass


CONNECT_TIMEOUT = 5  # seconds


def _connect_args(url: str) -> dict:
    """A PostgreSQL host that drops off the network would hold a page, or a worker's ``SELECT 1``, for the
    system's TCP timeout (minutes); a live server accepts within milliseconds, so 5 s says "unavailable"
    soon enough for a 503 and for the workers' back-off. A ``connect_timeout`` in the URL wins."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or "connect_timeout" in parsed.query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT}


def outage_error_classes() -> tuple[type[Exception], ...]:
    """Errors that mean the database did not answer (stopped, unreachable, refusing connections, locked)
    rather than that a statement was wrong. SQLAlchemy wraps the driver's; psycopg's own are listed for
    code that reaches the driver directly."""
    classes = [exc.OperationalError, exc.InterfaceError, exc.TimeoutError]
    try:
        import psycopg
    except ImportError:
        return tuple(classes)
    return tuple(classes + [psycopg.OperationalError, psycopg.InterfaceError])


def describe_error(error: BaseException) -> str:
    """The driver's error type and the first line of its message: for the operator's log, on one line."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line}"[:300] if first_line else type(cause).__name__


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` is an outage (wait and try again) and not a bug or bad data."""
    if isinstance(error, outage_error_classes()):
        return True
    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


db = Database()
