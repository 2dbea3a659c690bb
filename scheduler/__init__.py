"""Refrain: a multichannel content scheduler that keeps a team on its theme without going one-note."""

import importlib

from flask import Flask, appcontext_pushed

from scheduler import config as settings_module
from scheduler.infra import shared_files


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (and ``test_config`` on top), then ``init_app`` each part in
    turn; nothing else runs at import time."""
    conf = settings_module.from_environment()
    conf.update(test_config or {})
    settings = settings_module.Settings.from_config(conf)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder=str(shared_files.templates()),
        static_folder=str(shared_files.static()),
    )
    app.config.update(conf)
    app.config.setdefault("JSON_SORT_KEYS", False)
    settings_module.make_private_folder(settings.instance_path)

    import channels  # noqa: F401  (registers the adapters)

    for module in settings.extra_channels:
        importlib.import_module(module)

    from scheduler import web
    from scheduler.infra import queue
    from scheduler.models.database import db
    from scheduler.services.runtime import Runtime

    db.init_app(app, settings.database_url)
    app.extensions["refrain.settings"] = settings
    app.extensions["refrain.runtime"] = Runtime(settings=settings, queues=queue.init_app(app, settings))
    web.init_app(app)
    return app


def reconfigure(app: Flask, **changes):
    """Change some settings of a running app (``publish_timeout=0``): a test's, or a command's option."""
    runtime = app.extensions["refrain.runtime"]
    runtime.settings = runtime.settings.but(**changes)
    app.extensions["refrain.settings"] = runtime.settings
    return runtime.settings


def _bind_runtime(sender: Flask, **_extra) -> None:
    """Whatever pushes one of our app contexts (a request, the CLI, a worker, a test) makes its settings
    and queues the ones the services see in that thread."""
    runtime = sender.extensions.get("refrain.runtime")
    if runtime is not None:
        from scheduler.services import runtime as bound

        bound.bind(runtime)


appcontext_pushed.connect(_bind_runtime)
