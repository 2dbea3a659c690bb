"""Turning untrusted input (JSON bodies, form fields, CLI arguments) into typed values.

Every problem is collected per field, so one answer tells the user everything that is wrong, in the
contract's shape: ``{"error": {"message": ..., "fields": {field: what is wrong}}}``.
"""

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.domain.language import N_, _
from scheduler.domain.periods import clock_change_notice, read_wall_clock
from scheduler.services.errors import Invalid, Malformed

LARGEST_ID = 2**31 - 1  # the id columns are INTEGER (32-bit on PostgreSQL): a larger number names nothing


def is_id(value) -> bool:
    """A number that can name a row (the databases raise on larger ones rather than find nothing)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_ID


class Reader:
    """Reads fields from a mapping, remembering every problem instead of stopping at the first."""

    def __init__(self, data):
        if not isinstance(data, dict):
            raise Malformed(message=_("the request body must be a JSON object"))
        self.data = data
        self.errors: dict[str, str] = {}
        self.notices: dict[str, str] = {}  # accepted, but the user should know (a clock change moved a time)

    def has(self, name) -> bool:
        return name in self.data

    def fail(self, name, problem):
        self.errors.setdefault(name, problem)

    def done(self):
        if self.errors:
            raise Invalid(self.errors)

    def text(self, name, required=True, max_length=None, default=""):
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip() and required):
            if required:
                self.fail(name, _("is required"))
            return default
        if not isinstance(value, str):
            self.fail(name, _("must be a string"))
            return default
        value = value.strip()
        if max_length and len(value) > max_length:
            self.fail(
                name, _("must be at most %(most)s characters (it has %(count)s)", most=max_length, count=len(value))
            )
        if "\x00" in value:  # a form's %00: no database keeps it (PostgreSQL's text refuses it)
            self.fail(name, _("must not contain the NUL character"))
            return default
        return value

    def integer(self, name, minimum=None, maximum=None, required=True, default=None):
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _("is required"))
            return default
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.fail(name, _("must be a whole number"))
            return default
        try:
            value = int(value)
        except ValueError:
            self.fail(name, _("must be a whole number"))
            return default
        if minimum is not None and value < minimum:
            self.fail(name, _("must be at least %(least)s", least=minimum))
        maximum = LARGEST_ID if maximum is None else maximum
        if value > maximum:
            self.fail(name, _("must be at most %(most)s", most=maximum))
            return default
        return value

    def fraction(self, name, required=True, default=None):
        """A share in (0, 1]."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _("is required"))
            return default
        try:
            if isinstance(value, bool):
                raise ValueError
            value = float(value)
        except (TypeError, ValueError):
            self.fail(name, _("must be a number between 0 and 1"))
            return default
        if not math.isfinite(value) or not 0 < value <= 1:
            self.fail(name, _("must be more than 0 and at most 1 (a share such as 0.5)"))
        return value

    def boolean_or_none(self, name):
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        self.fail(name, _("must be true, false or null"))
        return None

    def choice(self, name, choices, required=True, default=None):
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _("is required"))
            return default
        if value not in choices:
            self.fail(name, _("must be one of %(choices)s", choices=", ".join(choices)))
            return default
        return value

    def day(self, name, required=True):
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("is required (a date such as 2031-01-31)"))
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(name, _("must be a date such as 2031-01-31"))
            return None

    def instant(self, name, required=True, time_zone=None):
        """An ISO 8601 time with an offset. Given the plan's ``time_zone``, a wall-clock time written
        that its clocks skip or show twice is noted (``notices``): the offset decides the instant, but
        the user wrote a time the plan's calendar will show differently, or one it shows twice."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("is required (ISO 8601 with an offset, such as 2031-09-01T10:00:00+02:00)"))
            return None
        parsed = parse_instant(value, lambda problem: self.fail(name, problem))
        if parsed is not None and time_zone and valid_time_zone(time_zone) and on_the_clock_of(parsed, time_zone):
            self.note(name, clock_change_notice(parsed, parsed, time_zone))
        return parsed

    def note(self, name, notice):
        if notice:
            self.notices[name] = notice

    def time_zone(self, name, required=True):
        value = self.data.get(name)
        if not value:
            if required:
                self.fail(name, _("is required (an IANA time zone such as Europe/Paris)"))
            return None
        if not valid_time_zone(value):
            self.fail(
                name, _("%(zone)s is not a known time zone (use an IANA name such as Europe/Paris)", zone=repr(value))
            )
            return None
        return value

    def string_list(self, name, required=True, max_items=200, max_length=200):
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _("is required (a list of strings)"))
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(name, _("must be a list of strings"))
            return []
        items = [item.strip() for item in value if item.strip()]
        if len(items) > max_items:
            self.fail(name, _("may hold at most %(most)s items", most=max_items))
        if any(len(item) > max_length for item in items):
            self.fail(name, _("each item must be at most %(most)s characters", most=max_length))
        if any("\x00" in item for item in items):
            self.fail(name, _("must not contain the NUL character"))
            return []
        return list(dict.fromkeys(items))


def valid_time_zone(name) -> bool:
    if not isinstance(name, str) or not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# what is said of a time that is not ISO 8601 with an offset: a form whose field is typed on the plan's
# clock says it in its own words instead (``about_offsets``)
NOT_AN_INSTANT = (
    N_("must be a string in ISO 8601 with an offset"),
    N_("must be ISO 8601 with an offset, such as 2031-09-01T10:00:00+02:00"),
    N_("must carry an offset (such as +02:00 or Z), so the time is not ambiguous"),
    N_("is required (ISO 8601 with an offset, such as 2031-09-01T10:00:00+02:00)"),
)


def about_offsets(problem: str) -> bool:
    """Whether ``problem`` says a time is not ISO 8601 with an offset (in the language spoken now)."""
    return problem in {_(said) for said in NOT_AN_INSTANT}


def parse_instant(value, fail):
    if not isinstance(value, str):
        fail(_("must be a string in ISO 8601 with an offset"))
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(_("must be ISO 8601 with an offset, such as 2031-09-01T10:00:00+02:00"))
        return None
    if parsed.tzinfo is None:
        fail(_("must carry an offset (such as +02:00 or Z), so the time is not ambiguous"))
        return None
    return parsed


def on_the_clock_of(written: datetime, time_zone: str) -> bool:
    """Whether a time with an offset was written on the zone's clock (its offset is one the zone uses
    at that wall-clock time, before or after a change). A time in UTC or another zone reads no clock
    of the plan's, so it cannot name a skipped or repeated time of it."""
    wall, zone = written.replace(tzinfo=None), ZoneInfo(time_zone)
    return written.utcoffset() in {wall.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)}


def parse_wall_clock(value: str, time_zone: str):
    """A form's local date and time (``2031-09-01T10:00``) on the plan's clock.

    Returns the ``WallClockReading`` (UTC instant and the notice for a skipped or repeated time), or
    None when the text is not a date and time. A time with an offset is taken as that instant.
    """
    try:
        return read_wall_clock(datetime.fromisoformat(value.strip()), time_zone)
    except ValueError:
        return None
