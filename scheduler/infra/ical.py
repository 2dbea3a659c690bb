"""A calendar feed (``domain.calendar_feed.Feed``) written as RFC 5545 text, with the icalendar library.

The library escapes text (commas, semicolons, new lines), folds lines at 75 octets without splitting a
character, and writes each value in its type's form; none of that is ours to get right by hand. Timed
events are written in UTC (``…Z``), so no VTIMEZONE is needed and every calendar app places them
alike; ``X-WR-TIMEZONE`` says the plan's zone, for the apps that show a calendar in it. All-day
reminders are dates (``VALUE=DATE``), their end the day after their last, as the standard wants.

The library is thorough and slow: about a millisecond per event (it folds lines a character at a
time), 10 seconds for a plan of 10,000 posts. An event's text depends on nothing but its ``Event``, so
each event's written form can be kept (``EventCache``: the service keeps them in Redis) under a digest
of the ``Event`` itself: a feed read again writes only the events whose post changed since. The
calendar around them is written by the library too, and the events put inside it as it would.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta, timezone
from typing import Protocol

import icalendar
from icalendar import Calendar, Event, vDuration

from scheduler.domain.calendar_feed import Feed

PRODID = "-//Refrain//Calendar feed//EN"
REFRESH = timedelta(hours=1)  # how often a calendar app should read the feed again (most take their own)


END = b"END:VCALENDAR\r\n"


class EventCache(Protocol):
    """Written events kept by the digest of what they were written from."""

    def get_many(self, keys: list[str]) -> list[bytes | None]: ...

    def put_many(self, written: dict[str, bytes]) -> None: ...


def render(feed: Feed, cache: EventCache | None = None) -> bytes:
    """The feed as iCalendar bytes; ``cache``: where written events are kept between reads."""
    head = _calendar(feed).to_ical()
    if not head.endswith(END):
        raise ValueError("the library wrote a calendar that does not end as RFC 5545 says")
    keys = [event_key(event) for event in feed.events]
    kept = cache.get_many(keys) if cache is not None and keys else [None] * len(keys)
    written = {}
    for key, event, found in zip(keys, feed.events, kept):
        if found is None and key not in written:
            written[key] = _event(event).to_ical()
    if cache is not None and written:
        cache.put_many(written)
    return head[: -len(END)] + b"".join(found or written[key] for key, found in zip(keys, kept)) + END


def event_key(event) -> str:
    """What an event is written from, as a digest (the library's version in it: a new one writes anew)."""
    return hashlib.sha1(repr((icalendar.__version__, PRODID, event)).encode("utf-8")).hexdigest()


def _calendar(feed: Feed) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("name", feed.name)  # RFC 7986's own word for the same
    calendar.add("x-wr-timezone", feed.timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


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
