"""Blueprints by audience: ``api`` for scripts and the editor's live checks, ``ui`` for people."""

from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from scheduler.services.validation import LARGEST_ID

csrf = CSRFProtect()


class BoundedInt(IntegerConverter):
    """<int:…> in every route: a number past the databases' range is a 404, not an overflow (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = BoundedInt
    from scheduler.web import api, ui, ui_accounts, ui_library, ui_style  # noqa: F401

    csrf.init_app(app)
    csrf.exempt(api.blueprint)  # it refuses form bodies and other sites' requests instead (api/__init__.py)
    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    app.register_blueprint(ui.blueprint)
    from scheduler.web.newsletter import blueprint as newsletter_blueprint  # public pages: signup, confirm, unsubscribe

    app.register_blueprint(newsletter_blueprint)
    from scheduler.web import errors  # a 503 page when the database does not answer

    errors.init_app(app)
