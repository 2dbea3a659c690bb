"""A throwaway installation for a benchmark: its own instance folder, SQLite and Redis."""
import contextlib
import os
import tempfile
import time

from scheduler import create_app, migrate
from scheduler.extensions import db


@contextlib.contextmanager
def bench_app(**config):
    with tempfile.TemporaryDirectory(prefix="refrain-bench-") as folder:
        os.environ["REFRAIN_INSTANCE"] = folder
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        app = create_app(config)
        with app.app_context():
            migrate.upgrade(db.engine)
            try:
                yield app
            finally:
                db.session.remove()
                service = app.extensions["refrain.queue"]
                if service.embedded:
                    service.embedded.stop()


def timed(func, repeat=3):
    """Best of ``repeat`` runs: the least disturbed measurement of the same work."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result
