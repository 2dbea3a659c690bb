"""Extensions created unbound at import time and bound to an app by ``init_app``.

The database is plain SQLAlchemy 2 (engine + scoped session), not Flask-SQLAlchemy, so that RQ jobs,
the CLI and the benchmarks use the very same session machinery without a request.
"""
from sqlalchemy import create_engine, event
from sqlalchemy.orm import scoped_session, sessionmaker


class Database:
    def __init__(self):
        self.engine = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app):
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.extensions["refrain.db"] = self
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, exc=None):
        self.session.remove()


def make_engine(url: str):
    """SQLite gets WAL and a busy timeout: the web process and the workers write to it at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


db = Database()
