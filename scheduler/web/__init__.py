"""The web shell, by audience: ``pages`` for people (the ``ui`` blueprint), ``api`` for scripts and
the editor's live checks, ``public`` for newsletter readers (the ``newsletter`` blueprint)."""

from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from scheduler.services.validation import LARGEST_ID

csrf = CSRFProtect()


class BoundedInt(IntegerConverter):
    """<int:…> in every route: a number past the databases' range is a 404, not an overflow (500).

    The route still takes such a number, as 0 (which names no row: the services' getters answer "not
    found"). Refusing it here instead made Werkzeug look for another rule, and answer 405 for a DELETE
    whose GET twin has the same path (found by fuzzing the API)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= LARGEST_ID else 0


def init_app(app):
    app.url_map.converters["int"] = BoundedInt
    from scheduler.web import (
        api,
        auth,
        calendar_feeds,
        errors,
        guards,
        language,
        limits,
        mcp_endpoint,
        pages,
        people,
        public,
        review,
    )

    guards.init_app(app)  # trusted hosts, other sites' writes, body sizes, the security headers
    limits.init_app(app)  # rate limits, counted in the app's Redis
    csrf.init_app(app)  # every page form carries its token; a form posted without one is refused (400)
    csrf.exempt(api.blueprint)  # it refuses form bodies and other sites' requests instead (api/__init__.py)
    csrf.exempt(mcp_endpoint.blueprint)  # Bearer tokens only: no session, so nothing for another site to borrow
    app.register_blueprint(api.blueprint, url_prefix="/api/v1")
    app.register_blueprint(mcp_endpoint.blueprint)  # the MCP server over streamable HTTP, for AI assistants
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(public.blueprint)
    app.register_blueprint(people.blueprint)
    app.register_blueprint(review.blueprint)  # a reviewer's signed link: approvals from outside the team
    app.register_blueprint(calendar_feeds.blueprint)  # a person's secret calendar addresses, for calendar apps
    language.init_app(app)  # the person's language, else the browser's; Babel's formatting for it
    auth.init_app(app)  # who is asking, and whether their role may: before every request (web/access.py)
    errors.init_app(app)  # each kind of refusal a status code; a 503 page when the database does not answer
