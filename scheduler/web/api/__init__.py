"""The JSON API (``/api/v1``): thin shells around the services; errors in the contract's shape.

This module holds the blueprint, the error shape and ``body()``; the routes are by area in
``plans_posts``, ``accounts``, ``library`` and ``style``, each declaring what it takes and answers
(``declared.py``, schemas in ``schemas.py``), from which ``openapi.py`` describes the API.
"""

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, MethodNotAllowed, NotFound

from scheduler.domain.language import N_, _
from scheduler.services.errors import Invalid, Malformed, ServiceError
from scheduler.web.api.declared import checked_body, declaration
from scheduler.web.errors import status_of

blueprint = Blueprint("api", __name__)


def error(status: int, message: str, fields: dict | None = None):
    return jsonify({"error": {"message": message, "fields": fields or {}}}), status


# the web server's own answers, as werkzeug writes them, in the request's language
HTTP_WORDS = {
    NotFound.description: N_(
        "The requested URL was not found on the server. "
        "If you entered the URL manually please check your spelling and try again."
    ),
    MethodNotAllowed.description: N_("The method is not allowed for the requested URL."),
    BadRequest.description: N_("The browser (or proxy) sent a request that this server could not understand."),
}


def _said(exc: HTTPException) -> str:
    """An HTTP error's description, translated when it is werkzeug's own."""
    return _(HTTP_WORDS[exc.description]) if exc.description in HTTP_WORDS else exc.description or exc.name


@blueprint.errorhandler(ServiceError)
def _refused(exc: ServiceError):
    """Every kind of refusal, as its status code and the contract's error shape (with what a field could
    hold instead, where the service suggests it)."""
    return jsonify(exc.to_dict()), status_of(exc)


@blueprint.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return error(exc.code or 500, _said(exc))


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
# routes that take a file, as multipart/form-data and nothing else (``declared.accepts_upload``)
UPLOADS = {"api.upload_media"}


@blueprint.before_request
def _refuse_cross_site_writes():
    """The API has no CSRF token: it takes only what no other site can make a browser send. A browser
    says where a request comes from (an Origin other than the public URL's is refused for the whole app
    in ``web.guards``; here Sec-Fetch-Site), and a form can only send form types."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return error(
            403, _("requests from another site are refused; call the API from a script or from Refrain's pages")
        )
    if request.endpoint in UPLOADS:
        return _upload_allowed()
    if request.mimetype in FORM_TYPES:
        return error(415, _("send JSON (Content-Type: application/json), or no body at all"))
    return None


def _upload_allowed():
    """A file comes as a form, which any site can make a browser send: from a page's session it must carry
    the page's CSRF token (``X-CSRFToken``, or the form's ``csrf_token``); a token caller needs none."""
    if request.mimetype != "multipart/form-data":
        return error(415, _("send the file as multipart/form-data, in a field named file"))
    if not getattr(current_user, "via_token", False) and current_app.config.get("WTF_CSRF_ENABLED", True):
        from scheduler.web import csrf

        csrf.protect()  # a missing or wrong token: 400, in the error shape (``_http``)
    return None


@blueprint.record_once
def _json_errors_for_api_paths(state):
    """Errors raised before a blueprint is chosen (an unknown URL, a wrong method) or by a bug: still
    JSON in the contract's shape under /api/, whatever pages the UI shows elsewhere."""

    def answer(exc):
        if not request.path.startswith("/api/"):
            return exc if isinstance(exc, HTTPException) else InternalServerError(original_exception=exc)
        if isinstance(exc, HTTPException):
            return error(exc.code or 500, _said(exc))
        state.app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return error(500, _("internal error; the request was not completed and nothing was saved by it"))

    state.app.register_error_handler(HTTPException, answer)
    state.app.register_error_handler(Exception, answer)


MAX_JSON_DEPTH = 64  # arrays and objects within each other; the deepest body of the contract has 4


def body() -> dict:
    """The request's JSON object, checked against the schema its handler declares (``@accepts``, in
    ``declared.py``): one place reads every body, so every route refuses bad input the same way. The
    fields the schema refuses are left out (``accepts`` answers with them); a handler whose body is
    optional (``@accepts(..., required=False)``) gets ``{}`` when none is sent. Nesting deeper than
    ``MAX_JSON_DEPTH`` is refused here (400), never left to blow Python's recursion limit in the parser
    or in the code that walks the value (a 500)."""
    view = current_app.view_functions.get(request.endpoint)
    accepted = declaration(view, "api_accepts")
    if accepted is not None and not accepted["required"] and not request.get_data(cache=True):
        return {}
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser gives up past Python's recursion limit (about 1,000 levels)
        data = _TOO_DEEP
    if data is _TOO_DEEP or _deeper_than(data, MAX_JSON_DEPTH):
        raise Malformed(
            message=_("the request body nests arrays and objects more than %(depth)s deep", depth=MAX_JSON_DEPTH)
        )
    if data is None:
        raise Malformed(message=_("the request body must be JSON (Content-Type: application/json)"))
    if not isinstance(data, dict):
        raise Malformed(message=_("the request body must be a JSON object"))
    holding_nul = sorted(name for name, value in data.items() if "\x00" in name or _holds_nul(value))
    if holding_nul:  # no database keeps it (PostgreSQL's text refuses it): said, not a 500
        raise Invalid({name: _(NUL_REFUSED) for name in holding_nul})
    return checked_body(data, view)


NUL_REFUSED = N_("must not contain the NUL character (\\u0000)")


def _holds_nul(value) -> bool:
    """Whether a NUL character is in a string anywhere inside ``value`` (keys included)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


_TOO_DEEP = object()


def _deeper_than(value, most: int) -> bool:
    """Whether arrays and objects lie within each other more than ``most`` deep; a walk with a list for
    a stack, since recursing is what must not happen."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        if depth > most:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


from scheduler.web.api import (  # noqa: E402, F401  (the routes)
    accounts,
    bulk_posts,
    calendar_feeds,
    interactions,
    kpis_contests,
    library,
    media,
    openapi,
    people,
    plans_posts,
    post_sets,
    retrospective,
    style,
    webhooks,
)
