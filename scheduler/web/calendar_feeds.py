"""A person's secret calendar addresses (the ``calendar`` blueprint): ``/calendar/<secret>/plans/<id>.ics``.

Calendar apps (Google Calendar, Outlook, Apple Calendar, Thunderbird) subscribe to an address and read
it every so often with no cookie and no header of ours, so the route is public (web/access.py) and the
secret in its address is what lets them in (``services.calendar_links``). A link that is revoked,
renewed since, or whose person may no longer sign in is a 404, as an unknown plan is: nothing tells
an old link's holder it once worked. Answers are plain text: no app shows an HTML page here.
"""

from flask import Blueprint, Response, request

from scheduler.services import calendar_feeds
from scheduler.services.errors import ServiceError
from scheduler.web.api.calendar_feeds import cache_headers
from scheduler.web.errors import status_of

blueprint = Blueprint("calendar", __name__)


@blueprint.get("/calendar/<secret>/plans/<int:plan_id>.ics")
def feed(secret, plan_id):
    try:
        made = calendar_feeds.through_link(secret, plan_id, request.args.get("channel"))
    except ServiceError as refused:
        return Response(refused.message + "\n", status=status_of(refused), content_type="text/plain; charset=utf-8")
    return Response(made, content_type=calendar_feeds.CONTENT_TYPE, headers=cache_headers(plan_id))
