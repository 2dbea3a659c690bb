"""503 when the database does not answer: a clear page for people, the API's error shape for scripts.

Without this, a stopped database shows a stack trace (or a bare 500) on every page, although nothing
is wrong with what anyone saved. The driver's message (host names, sockets, users) is for the
operator: it is logged once per request and never shown.
"""

from flask import current_app, jsonify, make_response, render_template, request

from scheduler.models.database import db, describe_error, outage_error_classes

RETRY_AFTER = 60  # seconds; the page says "in a minute"
API_MESSAGE = (
    "the database is not answering; nothing you saved is lost and this request changed nothing. Try again in a minute"
)


def init_app(app):
    for error_class in outage_error_classes():
        app.register_error_handler(error_class, database_unavailable)


def database_unavailable(error):
    current_app.logger.error(
        "database unavailable during %s %s: %s", request.method, request.path, describe_error(error)
    )
    _forget_the_broken_transaction()
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"message": API_MESSAGE, "fields": {}}})
    else:
        response = make_response(render_template("database_unavailable.html", retry_after=RETRY_AFTER))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _forget_the_broken_transaction() -> None:
    """The session's connection died inside a transaction: until it is rolled back, every later use of
    the session (the page's own template, the next request in the same context) fails differently."""
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001 - the database is down; the page must still be shown
        pass
