"""Blueprints by audience: ``api`` for scripts and the editor's live checks, ``ui`` for people."""


from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app):
    from . import api, api_accounts, api_library, api_style, ui, ui_accounts, ui_library, ui_style  # noqa: F401

    csrf.init_app(app)
    csrf.exempt(api.blueprint)  # it only accepts application/json, which no cross-site form can send
    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    app.register_blueprint(ui.blueprint)
    from .newsletter import blueprint as newsletter_blueprint  # public pages: signup, confirm, unsubscribe
    app.register_blueprint(newsletter_blueprint)
