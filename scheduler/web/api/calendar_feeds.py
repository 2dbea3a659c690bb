"""``GET /api/v1/plans/<id>/calendar.ics``: a plan's calendar feed (RFC 5545), for a token's holder.

The same feed a person's secret link gives (``web.calendar_feeds``), read here with a Bearer token, in
the request's language (``Accept-Language``). Not JSON: the answer is the calendar itself.
"""

from flask import Response, request

from scheduler.services import calendar_feeds
from scheduler.web.api import blueprint
from scheduler.web.api.declared import answers, query, refuses
from scheduler.web.api.schemas import CHANNEL_NAME


@blueprint.get("/plans/<int:plan_id>/calendar.ics")
@query(channel=CHANNEL_NAME)
@answers(200, {"type": "string"}, "the plan's posts and owed periods as iCalendar", media_type="text/calendar")
@refuses(422)
def plan_calendar(plan_id):
    """The plan's posts as an RFC 5545 calendar; ?channel= for one channel's posts and reminders."""
    feed = calendar_feeds.plan_feed(plan_id, request.args.get("channel"))
    return Response(feed, content_type=calendar_feeds.CONTENT_TYPE, headers=cache_headers(plan_id))


def cache_headers(plan_id: int) -> dict:
    """A calendar app keeps the file under this name; no proxy keeps it (it holds the plan's drafts)."""
    return {
        "Content-Disposition": f'inline; filename="plan-{plan_id}.ics"',
        "Cache-Control": "private, no-store",
    }
