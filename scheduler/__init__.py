"""Refrain: a multichannel content scheduler that keeps a team on theme without going one-note."""

from pathlib import Path

from flask import Flask

from scheduler import config as settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (and ``test_config`` on top); nothing else runs at import time."""
    conf = settings.from_environment()
    conf.update(test_config or {})
    settings.check(conf)
    app = Flask(
        __name__,
        instance_path=conf["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(conf)
    app.config.setdefault("JSON_SORT_KEYS", False)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    import importlib

    import channels  # noqa: F401  (registers the adapters)

    for module in app.config["REFRAIN_EXTRA_CHANNELS"]:
        importlib.import_module(module)

    from scheduler import web as views
    from scheduler.infra import queue
    from scheduler.models.database import db

    db.init_app(app)
    queue.init_app(app)
    views.init_app(app)
    return app
