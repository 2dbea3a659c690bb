"""Which language a request speaks, and the formatting that follows it (Flask-Babel).

A signed-in person who chose a language on their profile reads it on every page; anyone else, and a
person who left the choice to their browser, reads the best of the browser's languages that we speak
(English when none). The JSON API answers in English unless the request's ``Accept-Language`` asks
for another: a script's messages must not change because its token's owner chose French. The MCP
server's address (``/mcp``) speaks as the API does.

Flask-Babel's translations are the catalogs of ``infra.catalogs``; the domain's and the services' ``_``
hears the same ones for the request (``domain.language.hear_from``), so a refusal written by a service
reads in the same language as the page that shows it.
"""

from flask import g, has_request_context, request
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

from scheduler.domain import language
from scheduler.infra import catalogs

babel = Babel()


def choose() -> str:

    if not request.path.startswith(("/api/", "/mcp")):
        try:
            chosen = getattr(current_user, "language", "") if current_user.is_authenticated else ""
        except Exception:  # noqa: BLE001 - the database is down: the 503 page still reads in the browser's
            chosen = ""
        if chosen in language.LANGUAGES:
            return chosen
    return request.accept_languages.best_match(list(language.LANGUAGES)) or language.DEFAULT


def code() -> str:
    """The request's language code (``en``, ``fr``, ``zh``)."""
    return language.best_of(str(get_locale() or language.DEFAULT))


class _Catalogs(Domain):
    """Flask-Babel's domain, answering with our catalogs (``lazy_gettext`` in forms, ``_`` in pages)."""

    def get_translations(self):
        if has_request_context():
            return catalogs.translations(code())
        spoken = language.translations()  # a mail's reader's, or nobody's (English)
        return spoken if hasattr(spoken, "ugettext") else catalogs.translations(language.DEFAULT)


def _spoken_by_the_request():
    return catalogs.translations(code()) if has_request_context() else None


def init_app(app) -> None:
    babel.init_app(app, locale_selector=choose)
    domain = _Catalogs()
    babel.domain_instance = domain  # Flask-Babel's own is a cached property: ours is put in its place
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().gettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ngettext(s, p, n),
        newstyle=True,
    )
    language.hear_from(_spoken_by_the_request)

    @app.before_request
    def _choose_afresh():
        # Flask-Babel keeps the chosen language in ``g``, which lives as long as the app context: one
        # request's in production, but a test's (or a command's) may hold many requests, from many people
        g.pop("_flask_babel", None)

    @app.context_processor
    def _language():
        return {"lang": code(), "languages": language.LANGUAGES}
