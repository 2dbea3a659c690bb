"""The team's pages (the ``people`` blueprint): signing in and out, setting a password through a link,
a person's own settings and API tokens, and for owners the team and the audit trail."""

from flask import Blueprint

from scheduler.services import audit

blueprint = Blueprint("people", __name__)
# the trail's own words (actions, kinds of objects) in the reader's language, wherever a trail is shown
blueprint.add_app_template_global(audit.in_words, "trail_words")
blueprint.add_app_template_global(audit.sentence_of, "trail_sentence")

from scheduler.web.people import calendar_link, recovery, second_step, sign_in, team  # noqa: E402, F401  (the routes)
