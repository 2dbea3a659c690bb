"""The team's pages (the ``people`` blueprint): signing in and out, setting a password through a link,
a person's own settings and API tokens, and for owners the team and the audit trail."""

from flask import Blueprint

blueprint = Blueprint("people", __name__)

from scheduler.web.people import recovery, second_step, sign_in, team  # noqa: E402, F401  (the routes)
