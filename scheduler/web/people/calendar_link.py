"""A person's calendar link, on their own page (``/me#calendar``): make or renew it, revoke it.

The page lists the addresses it gives (every plan's, and each committed channel's) for the person to
paste into a calendar app; ``services.calendar_links`` says why they stay shown.
"""

from flask import flash, redirect, url_for
from flask_login import current_user

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.services import calendar_links, people
from scheduler.web.people import blueprint

BACK = "people.profile"


def _me():
    return people.get(current_user.id)


@blueprint.post("/me/calendar-link")
def renew_calendar_link():
    me = _me()
    renewing = calendar_links.shown(me) is not None
    calendar_links.renew(me)
    if renewing:
        flash(_("Your calendar link is renewed: calendars subscribed with the old addresses stop updating."))
    else:
        flash(_("Your calendar link is made: paste an address below into your calendar app."))
    return redirect(url_for(BACK) + "#calendar")


@blueprint.post("/me/calendar-link/revoke")
def revoke_calendar_link():
    calendar_links.revoke(_me())
    flash(_("Your calendar link is revoked: its addresses no longer answer."))
    return redirect(url_for(BACK) + "#calendar")


def section(me) -> dict:
    """What the page's calendar section shows: the live link (or None) and its addresses."""
    shown = calendar_links.shown(me)
    addresses = calendar_links.addresses(shown.secret) if shown is not None and shown.secret else []
    labels = {c.name: c.label for c in channel_registry.all_channels()}
    return {"calendar_link": shown, "calendar_addresses": addresses, "channel_labels": labels}
