"""A count or a date, as exports write them in their cells.

Numbers: ``1,234`` ``1 234`` (also with U+00A0 or U+202F) ``1234.0`` ``1.2K`` ``3M`` are read;
``''`` ``-`` ``--`` ``—`` ``N/A`` mean "no value" (the metric is left out of the row, no error);
percentages, negative numbers and anything else are errors. A comma followed by groups of three
digits is a thousands separator, any other single comma is a decimal comma (``3,5`` is 3.5), except
in semicolon-separated files (European spreadsheets), where the comma is always the decimal mark
and the dot groups thousands (``1.234`` is 1234, ``1,234`` is 1.234).

Dates: ISO dates and timestamps (``2026-11-19 15:30 +0000``, the date as written, not moved to
UTC), ``Nov 21, 2026`` (with a time or weekday or not: Mailchimp's ``Nov 21, 2026 09:00 am``,
X's ``Thu Nov 19 2026 10:00:00 GMT+0000``), ``21 Nov 2026``, ``21.11.2026`` (day first) and
``21/11/2026``: slashed dates are read day-first when some date in the column can only be
day-first (or, with none either way, when the file is semicolon-separated), else month-first.
An empty date cell gives ``observed_on=None``; a date that can't be read is an error.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from scheduler.domain.language import _

MISSING = frozenset({"", "-", "--", "---", "—", "–", "n/a", "na", "n.a.", "none", "null"})


class BadCell(ValueError):
    """A cell that can't be read; the message is for the user."""


_SPACES = " \u00a0\u202f\u2009\u2007'’"  # group separators: spaces (French), apostrophes (Swiss)
_NUMBER = re.compile(r"(?P<sign>[-−+]?)\s*(?P<num>[0-9][0-9.,%s]*)\s*(?P<suffix>[kmb])?" % _SPACES, re.IGNORECASE)
_SPACED = re.compile(r"([0-9]{1,3}(?:[%s][0-9]{3})+)([.,][0-9]+)?" % _SPACES)
_SPACE = re.compile("[%s]" % _SPACES)
_GROUPED = {sep: re.compile(r"[0-9]{1,3}(?:%s[0-9]{3})+" % re.escape(sep)) for sep in ",."}
_DECIMAL = {sep: re.compile(r"[0-9]+%s[0-9]+" % re.escape(sep)) for sep in ",."}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_count(text: str, *, decimal_comma: bool = False) -> float | None:
    """A count as exports write it, None when missing; BadCell (with the message for the user) otherwise."""
    s = text.strip()
    if s.isascii() and s.isdigit():  # the common case, fast
        return float(s)
    if s.casefold() in MISSING:
        return None
    if s.endswith("%"):
        raise BadCell(_("%(cell)s is a percentage, not a count", cell=repr(text)))
    parenthesised = s.startswith("(") and s.endswith(")")  # accountants' negative
    match = _NUMBER.fullmatch(s[1:-1].strip() if parenthesised else s)
    if not match:
        raise BadCell(_("%(cell)s is not a number", cell=repr(text)))
    value = _plain_number(match["num"].rstrip(_SPACES), decimal_comma)
    if value is None:
        raise BadCell(_("%(cell)s is not a number", cell=repr(text)))
    if match["suffix"]:
        value *= _SUFFIX[match["suffix"].casefold()]
    if (parenthesised or match["sign"] in ("-", "−")) and value != 0:
        raise BadCell(_("%(cell)s is negative: a count can't be", cell=repr(text)))
    return float(value)


def _plain_number(num: str, decimal_comma: bool) -> Decimal | None:
    if any(c in _SPACES for c in num):
        spaced = _SPACED.fullmatch(num)
        if not spaced:
            return None
        num = _SPACE.sub("", spaced[1]) + (spaced[2] or "")
    if "," in num and "." in num:
        decimal = "," if num.rindex(",") > num.rindex(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = num.rpartition(decimal)
        if not _GROUPED[thousands].fullmatch(whole) or not fraction.isascii() or not fraction.isdigit():
            return None
        num = whole.replace(thousands, "") + "." + fraction
    elif "," in num or "." in num:
        separator = "," if "," in num else "."
        thousands = "." if decimal_comma else ","
        if separator == thousands and _GROUPED[separator].fullmatch(num):
            num = num.replace(separator, "")
        elif _DECIMAL[separator].fullmatch(num):
            num = num.replace(separator, ".")
        else:
            return None
    try:
        return Decimal(num)
    except InvalidOperation:
        return None


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:(?:t|\s+|,\s*)(?:at\s+)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?)?"
    r"(?:\s*(?:z|utc|[a-z]{1,4}t))?(?:\s*[+-]\d{2}:?\d{2})?(?:\s*\([^)]*\))?"
)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME)
_YMD_DATE = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})" + _TIME)
_COMPACT_DATE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME
)
_DAY_FIRST = re.compile(
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME
)
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME)  # German: day first
_SLASHED = re.compile(r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y>\d{4})" + _TIME)


def slashed_day_first(cells, semicolons: bool) -> bool | None:
    """How the column writes slashed dates: True day first, False month first, None when it has both."""
    day_first = month_first = False
    for cell in cells:
        match = _SLASHED.fullmatch(cell.strip().casefold())
        if match:
            a, b = int(match["a"]), int(match["b"])
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first and month_first:
        return None
    if day_first or month_first:
        return day_first
    return semicolons


@lru_cache(maxsize=4096)
def cached_date(text: str, day_first: bool | None) -> date | None:
    return parse_date(text, day_first=day_first)  # exports repeat dates: cached (errors are not)


def parse_date(text: str, *, day_first: bool | None = False) -> date | None:
    """The date a cell writes (see the module's notes), None when empty; BadCell otherwise.

    ``day_first`` settles slashed dates like 05/11/2026; None means they are ambiguous here."""
    s = " ".join(text.strip().casefold().split())
    if s in MISSING:
        return None
    try:
        for pattern in (_ISO_DATE, _YMD_DATE, _COMPACT_DATE, _DOTTED):
            match = pattern.fullmatch(s)
            if match:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
        for pattern in (_MONTH_FIRST, _DAY_FIRST):
            match = pattern.fullmatch(s)
            if match:
                month = next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(match["mon"])), None)
                if month is None:
                    raise ValueError
                return date(int(match["y"]), month, int(match["d"]))
        match = _SLASHED.fullmatch(s)
        if match:
            a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
            if a > 12 or b > 12 or a == b:
                day, month = (a, b) if a > 12 or a == b else (b, a)
            elif day_first is None:
                raise BadCell(
                    _("%(cell)s is ambiguous: this file writes dates both day first and month first", cell=repr(text))
                )
            else:
                day, month = (a, b) if day_first else (b, a)
            return date(year, month, day)
    except BadCell:
        raise
    except ValueError:  # no such day or month
        pass
    raise BadCell(_("%(cell)s is not a date", cell=repr(text)))
