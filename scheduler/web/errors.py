"""What the web answers when a use case refuses, or the database does not answer.

A service's error has a kind (``services.errors``); here each kind becomes a status code, for the API
(the contract's JSON shape) and for pages alike. A page that can show a field's error beside the field
catches ``Invalid`` itself; anything left over gets the error page.

503 when the database does not answer: a clear page for people, the API's error shape for scripts.
Without it, a stopped database shows a stack trace (or a bare 500) on every page, although nothing
is wrong with what anyone saved. The driver's message (host names, sockets, users) is for the
operator: it is logged once per request and never shown.
"""

from flask import current_app, jsonify, make_response, render_template, request

from scheduler.domain.language import N_, _
from scheduler.models.database import describe_error, discard_session, outage_error_classes
from scheduler.services.errors import ServiceError

STATUS = {"not_found": 404, "invalid": 422, "malformed": 400, "conflict": 409}
RETRY_AFTER = 60  # seconds; the page says "in a minute"
API_MESSAGE = N_(
    "the database is not answering; nothing you saved is lost and this request changed nothing. Try again in a minute"
)


def status_of(error: ServiceError) -> int:
    return STATUS.get(error.kind, 400)


def init_app(app):
    for error_class in outage_error_classes():
        app.register_error_handler(error_class, database_unavailable)
    app.register_error_handler(ServiceError, service_error)


def refusal(status: int, message: str, title: str | None = None):
    """A refusal made by the web shell itself (too large, another site's write): the API's error shape
    under /api/, a readable page elsewhere."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"message": message, "fields": {}}}), status
    return render_template("error.html", title=title or _("Refused"), message=message), status


def service_error(error: ServiceError):
    """A refusal no view handled: the API's JSON shape under /api/, the error page elsewhere."""
    if request.path.startswith("/api/"):
        return jsonify(error.to_dict()), status_of(error)
    return render_template("error.html", message=error.message), status_of(error)


def database_unavailable(error):
    current_app.logger.error(
        "database unavailable during %s %s: %s", request.method, request.path, describe_error(error)
    )
    discard_session()
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"message": _(API_MESSAGE), "fields": {}}})
    else:
        response = make_response(render_template("database_unavailable.html", retry_after=RETRY_AFTER))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
