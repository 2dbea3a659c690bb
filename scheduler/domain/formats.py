"""Dates, numbers and shares as the language spoken now writes them (Babel's CLDR data).

English keeps the forms the pages always had ("Sat 05 Dec 2026, 09:00", "45%"); French and Chinese
take their own ("sam. 5 déc. 2026, 09:00", "2026年12月5日周六 09:00", "45 %"). A form field's value
is no sentence and is never formatted here.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal, format_percent

from scheduler.domain.language import DEFAULT, code

# each way an instant is shown: English's pattern (as strftime wrote it), and a CLDR skeleton that the
# other languages order and spell their own way
INSTANT = ("EEE dd MMM y, HH:mm", "yMMMEd", "Hm")
DAY_AND_TIME = ("dd MMM HH:mm", "MMMd", "Hm")
DAY_AND_TIME_WITH_SECONDS = ("dd MMM HH:mm:ss", "MMMd", "Hms")
TIME = ("HH:mm", "", "Hm")
DAY = ("EEE dd MMM", "MMMEd", "")
FULL = ("EEEE dd MMMM y 'at' HH:mm", "yMMMMEEEEd", "Hm")
DATE = ("dd MMM y", "yMMMd", "")
SHAPES = {"instant": INSTANT, "day_time": DAY_AND_TIME, "day_time_s": DAY_AND_TIME_WITH_SECONDS, "time": TIME,
          "day": DAY, "full": FULL, "date": DATE}  # fmt: skip


def instant(moment: datetime | None, zone: str | None = None, shape=INSTANT) -> str:
    """``moment`` on the clock of ``zone`` (a plan's), as the language spoken now writes it."""
    if moment is None:
        return ""
    if zone:
        moment = moment.astimezone(ZoneInfo(zone))
    if isinstance(shape, str):
        shape = SHAPES[shape]
    spoken = code()
    if spoken == DEFAULT:
        return format_datetime(moment, shape[0], tzinfo=moment.tzinfo, locale="en")
    _english, date_part, time_part = shape
    parts = [part for part in (date_part, time_part) if part]
    said = [format_skeleton(part, moment, tzinfo=moment.tzinfo, locale=spoken) for part in parts]
    if len(said) == 1:
        return said[0]
    glue = Locale.parse(spoken).datetime_formats["medium"]  # "{1}, {0}" in French, "{1} {0}" in Chinese
    return str(glue).replace("{1}", said[0]).replace("{0}", said[1])


def day(when: date | None, shape=DATE) -> str:
    if when is None:
        return ""
    spoken = code()
    if spoken == DEFAULT:
        return format_date(when, shape[0], locale="en")
    return format_skeleton(shape[1] or "yMMMd", datetime(when.year, when.month, when.day), locale=spoken)


def share(value: float | None, digits: int = 0) -> str:
    """A ratio as a percentage ("45%", "45 %"); "–" when there is none."""
    if value is None:
        return "–"
    spoken = code()
    pattern = Locale.parse(spoken).percent_formats[None].pattern  # "#,##0%", "#,##0 %" in French
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(value, pattern, locale=spoken)


def number(value, digits: int | None = None) -> str:
    if value is None:
        return "–"
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=code())
