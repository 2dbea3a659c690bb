"""The compliance report as one CSV table: a row per channel and ISO week (Monday first, clipped to
the plan's dates), with the plan's name and dates on every row, so a spreadsheet can filter, pivot
and chart it without a second table or a lookup.

Why weeks for every channel rather than each channel's own periods: one grid for all channels (a
day channel's 91 rows or a quarter channel's single row would not line up), and the weeks are what
the page charts. A week holds what a channel committed to in it (its periods' commitments spread
evenly over their days, as on the page), what was scheduled, published and recorded by hand in it,
its coverage against the band, and how the channel's periods that *end* in that week fared, so each
channel's rows sum to the JSON's ``committed_posts``, ``posts`` and ``periods`` counts. ``timing``
tells weeks gone from the current one and those to come; ``judged``, ``channel_status`` (the
contract's) and ``standing`` (as the page words it today) are the channel's, repeated on its rows.
Ratios are rounded to three decimals. The repeated messages are in the JSON and on the page, not
here: they are groups of posts, not weeks.
"""

from __future__ import annotations

import csv
import io
from datetime import date

CSV_COLUMNS = (
    "channel",
    "per",
    "week_start",
    "week_end",
    "timing",
    "plan_id",
    "plan",
    "plan_starts_on",
    "plan_ends_on",
    "committed",
    "posts",
    "published",
    "recorded",
    "on_theme",
    "coverage_ratio",
    "floor",
    "ceiling",
    "coverage_band",
    "periods_ending",
    "periods_met",
    "periods_short",
    "periods_below_floor",
    "periods_one_note",
    "judged",
    "channel_status",
    "standing",
)
STATUSES = ("met", "short", "below_floor", "one_note")
PLACES = 3


def report_rows_csv(report: dict) -> str:
    """One table: a row per channel and week, in the report's order of channels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    plan = report["plan"]
    for row in report["channels"]:
        for week in row["weeks"]:
            ending = _periods_ending(row["period_details"], week["week_start"], week["week_end"])
            writer.writerow(
                [
                    row["channel"],
                    row["per"],
                    week["week_start"],
                    week["week_end"],
                    week.get("timing", ""),
                    plan["id"],
                    plan["name"],
                    plan["starts_on"],
                    plan["ends_on"],
                    _rounded(week["committed"]),
                    week["posts"],
                    week["published"],
                    week.get("recorded", 0),
                    week["on_theme"],
                    _rounded(week["coverage_ratio"]),
                    _rounded(row["floor"]),
                    _rounded(row["ceiling"]),
                    week.get("coverage_band") or "",
                    sum(ending.values()),
                    *(ending[status] for status in STATUSES),
                    "true" if row.get("judged", True) else "false",
                    row["status"],
                    row.get("standing", row["status"]),
                ]
            )
    return out.getvalue()


def _periods_ending(details: list[dict], week_start: str, week_end: str) -> dict[str, int]:
    first, last = date.fromisoformat(week_start), date.fromisoformat(week_end)
    counts = dict.fromkeys(STATUSES, 0)
    for detail in details:
        if first <= date.fromisoformat(detail["last_day"]) <= last:
            counts[detail["status"]] += 1
    return counts


def _rounded(value):
    if value is None:
        return ""
    rounded = round(float(value), PLACES)
    return int(rounded) if rounded == int(rounded) else rounded
