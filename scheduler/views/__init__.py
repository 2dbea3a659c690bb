"""Blueprints by audience: ``api`` for scripts and the editor's live checks, ``ui`` for people."""


def init_app(app):
    from . import api, ui

    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    app.register_blueprint(ui.blueprint)
