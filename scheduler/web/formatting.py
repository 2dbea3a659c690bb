"""How instants and shares read on a page: the pages' template filters, and the forms' time fields."""

from zoneinfo import ZoneInfo

FORM_TIME = "%Y-%m-%dT%H:%M"  # a datetime-local field's value


def local_time(instant, plan, fmt="%a %d %b %Y, %H:%M") -> str:
    """An instant on the plan's clock (every time a page shows is the plan's)."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(plan.timezone)).strftime(fmt)


def percent(value) -> str:
    return "–" if value is None else f"{value:.0%}"
