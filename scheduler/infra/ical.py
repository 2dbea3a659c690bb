"""A calendar feed (``domain.calendar_feed.Feed``) written as RFC 5545 text, with the icalendar library.

The library escapes text (commas, semicolons, new lines), folds lines at 75 octets without splitting a
character, and writes each value in its type's form; none of that is ours to get right by hand. Timed
events are written in UTC (``…Z``), so no VTIMEZONE is needed and every calendar app places them
alike; ``X-WR-TIMEZONE`` says the plan's zone, for the apps that show a calendar in it. All-day
reminders are dates (``VALUE=DATE``), their end the day after their last, as the standard wants.
"""

from __future__ import annotations

from datetime import timedelta, timezone

from icalendar import Calendar, Event, vDuration

from scheduler.domain.calendar_feed import Feed

PRODID = "-//Refrain//Calendar feed//EN"
REFRESH = timedelta(hours=1)  # how often a calendar app should read the feed again (most take their own)


def render(feed: Feed) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("name", feed.name)  # RFC 7986's own word for the same
    calendar.add("x-wr-timezone", feed.timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in feed.events:
        calendar.add_component(_event(event))
    return calendar.to_ical()


def _event(event) -> Event:
    written = Event()
    written.add("uid", event.uid)
    written.add("dtstamp", _utc(event.stamp))
    written.add("last-modified", _utc(event.stamp))
    if event.all_day:
        written.add("dtstart", event.first_day)
        written.add("dtend", event.last_day + timedelta(days=1))
        written.add("transp", "TRANSPARENT")  # a reminder, not a busy stretch of days
    else:
        written.add("dtstart", _utc(event.starts_at))
        written.add("duration", event.duration)
    written.add("summary", event.summary)
    written.add("description", event.description)
    written.add("categories", [event.category])
    written.add("status", event.status)
    if event.url:
        written.add("url", event.url)
    return written


def _utc(moment):
    return moment.astimezone(timezone.utc)
