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
    app.wsgi_app = _ClientAddress(app.wsgi_app, app)
    return app


def reconfigure(app: Flask, **changes):
    """Change some settings of a running app (``publish_timeout=0``): a test's, or a command's option."""
    runtime = app.extensions["refrain.runtime"]
    runtime.settings = runtime.settings.but(**changes)
    app.extensions["refrain.settings"] = runtime.settings
    return runtime.settings


class _ClientAddress:
    """The client's address as the sign-in and signup limits count it: with ``REFRAIN_PROXIES`` = N, the
    N-th address from the end of X-Forwarded-For (each proxy appends the one it was reached from: werkzeug's
    ProxyFix), so a balancer's clients are not all one; with 0 (the default) the header is ignored, or a
    client could choose the address its attempts are counted under. Only the address: the host and scheme
    are REFRAIN_PUBLIC_URL's. Read at each request, so ``reconfigure`` applies to a running app."""

    def __init__(self, wsgi_app, app: Flask):
        from werkzeug.middleware.proxy_fix import ProxyFix

        self.direct, self.app, self.behind = wsgi_app, app, {}
        self._proxy_fix = ProxyFix

    def __call__(self, environ, start_response):
        proxies = self.app.extensions["refrain.settings"].proxies
        if not proxies:
            return self.direct(environ, start_response)
        if proxies not in self.behind:
            self.behind[proxies] = self._proxy_fix(self.direct, x_for=proxies, x_proto=0, x_host=0)
        return self.behind[proxies](environ, start_response)


def _bind_runtime(sender: Flask, **_extra) -> None:
    """Whatever pushes one of our app contexts (a request, the CLI, a worker, a test) makes its settings
    and queues the ones the services see in that thread."""
    runtime = sender.extensions.get("refrain.runtime")
    if runtime is not None:
        from scheduler.services import runtime as bound

        bound.bind(runtime)


appcontext_pushed.connect(_bind_runtime)
