"""The posts list's order and its cursors: pages found by where the last one ended, never by an OFFSET.

An OFFSET makes the database walk every row before the page, so page 2,000 of a plan with 100,000 posts
costs as much as reading them all; a cursor names the last row shown (its sort key), and the next page
is the rows beyond it, which an index finds at once, however deep. Rows added or removed meanwhile do
not shift the pages: no row is shown twice or skipped because another came in before it.

The order is a key per sort: by time ``(scheduled_at, id)``, by channel ``(channel, scheduled_at, id)``,
by status ``(status, scheduled_at, id)``, newest (or last) first by default. Posts without a time yet
come after all the others, in either direction, in their own *segment* (keyed without the time), so no
comparison ever meets a NULL: each segment is one plain range of an index.

A cursor is opaque to people (base64 of a small JSON), and says which sort it belongs to, so a cursor
from another order is refused instead of giving a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from scheduler.domain.language import _

SORTS = {"time": (), "channel": ("channel",), "status": ("status",)}  # the leading columns before the time
DIRECTIONS = ("desc", "asc")
TIMED, UNTIMED = 0, 1  # the segments: posts with a time, then those without one
SEGMENTS = (TIMED, UNTIMED)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends (or starts): the sort it belongs to and one row's key in it."""

    sort: str
    direction: str
    segment: int
    key: tuple


def key_columns(sort: str, segment: int) -> tuple[str, ...]:
    """The columns of a segment's key, in order."""
    return (*SORTS[sort], "scheduled_at", "id") if segment == TIMED else (*SORTS[sort], "id")


def key_of(sort: str, row) -> tuple[int, tuple]:
    """A row's segment and key (``row``: anything with the columns as attributes)."""
    segment = TIMED if row.scheduled_at is not None else UNTIMED
    return segment, tuple(getattr(row, name) for name in key_columns(sort, segment))


def cursor_of(sort: str, direction: str, row) -> Cursor:
    segment, key = key_of(sort, row)
    return Cursor(sort, direction, segment, key)


def encode(cursor: Cursor) -> str:
    values = [value.isoformat() if isinstance(value, datetime) else value for value in cursor.key]
    raw = json.dumps([cursor.sort, cursor.direction, cursor.segment, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(text: str, sort: str, direction: str) -> Cursor:
    """The cursor ``text`` stands for; ValueError (in words) when it is not one of this order's."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        found_sort, found_direction, segment, values = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValueError(_("is not a position this list gave")) from None
    if (found_sort, found_direction) != (sort, direction):
        raise ValueError(_("belongs to another order of the list: start again from the first page"))
    if segment not in SEGMENTS or not isinstance(values, list):
        raise ValueError(_("is not a position this list gave"))
    names = key_columns(sort, segment)
    if len(values) != len(names):
        raise ValueError(_("is not a position this list gave"))
    key = []
    for name, value in zip(names, values):
        if name == "id" and not (isinstance(value, int) and not isinstance(value, bool)):
            raise ValueError(_("is not a position this list gave"))
        if name == "scheduled_at":
            try:
                value = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise ValueError(_("is not a position this list gave")) from None
            if value.tzinfo is None:
                raise ValueError(_("is not a position this list gave"))
        elif name != "id" and not isinstance(value, str):
            raise ValueError(_("is not a position this list gave"))
        key.append(value)
    return Cursor(sort, direction, segment, tuple(key))


def in_order(sort: str, direction: str, rows: list) -> list:
    """``rows`` in the list's order, computed in Python: what the database's pages must add up to (the
    tests' reference, and small lists)."""
    ordered = []
    for segment in SEGMENTS:
        part = [row for row in rows if key_of(sort, row)[0] == segment]
        part.sort(key=lambda row: key_of(sort, row)[1], reverse=direction == "desc")
        ordered.extend(part)
    return ordered
