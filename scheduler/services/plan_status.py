"""What a plan still owes, channel by channel and period by period, and where it has room: the compliance
report (``services.reports``) read for someone about to draft, an agent over MCP first of all.

The report answers "how is the plan doing"; a person drafting asks "what do I write next, and when".
So each channel says what its commitment asks per period, how its periods gone by went (counted as the
report counts them), and, for the current period and the ones to come, what is still owed: posts, and
on-theme posts, beside what is there so far (posts waiting for approval named apart, since they do not
count until approved). The free slots are ``time_guards.free_slots``: the cadence's slots no post holds.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import channels.registry as channel_registry
from scheduler.models import Plan
from scheduler.services import clock, reports, time_guards
from scheduler.services.validation import Reader

PERIODS_AHEAD = 12  # the periods still owing that a status lists per channel: the next few are what drafting is for
MAX_DAYS = 92  # free slots over at most a quarter
MAX_SLOTS = 50


def plan_status(plan: Plan) -> dict:
    """``{plan, today, channels: [...], repeated_messages}``: see the module's docstring."""
    report = reports.compliance(plan)
    repeated: dict[str, int] = {}
    for group in report["repeated_messages"]:
        repeated[group["channel"]] = repeated.get(group["channel"], 0) + 1
    return {
        "plan": report["plan"],
        "today": clock.today(plan.timezone).isoformat(),
        "theme_coverage_ratio": report["theme_coverage_ratio"],
        "channels": [_channel(row, repeated.get(row["channel"], 0)) for row in report["channels"]],
        "repeated_messages": len(report["repeated_messages"]),
    }


def _channel(row: dict, repeated: int) -> dict:
    owing = [_owed(period, row) for period in row["period_details"] if period["timing"] != "past"]
    owing = [period for period in owing if period["posts_owed"] or period["on_theme_owed"]]
    past = row["periods_by_timing"]["past"]
    return {
        "channel": row["channel"],
        "commitment": {
            "posts": row["posts_per_period"],
            "per": row["per"],
            "on_theme_min": row["on_theme_min"],
            "one_note_max_share": row["ceiling"],
        },
        "status": row["status"],
        "standing": row["standing"],  # as the report's page words it today: early, on_track, behind...
        "judged": row["judged"],
        "posts": row["posts"],
        "on_theme": row["on_theme"],
        "coverage_ratio": row["coverage_ratio"],
        "one_note": row["status"] == "one_note",
        "behind": row["standing"] == "behind",
        "pending_approval": row["pending_approval"],
        "periods_gone_by": {key: past[key] for key in ("total", "met", "short", "below_floor", "one_note")},
        "periods_owing": owing[:PERIODS_AHEAD],
        "more_periods_owing": max(0, len(owing) - PERIODS_AHEAD),
        "repeated_messages": repeated,
    }


def _owed(period: dict, row: dict) -> dict:
    return {
        "first_day": period["first_day"],
        "last_day": period["last_day"],
        "timing": period["timing"],
        "posts_needed": period["committed"],
        "posts": period["posts"],
        "posts_owed": max(0, period["committed"] - period["posts"]),
        "on_theme_needed": row["on_theme_min"],
        "on_theme": period["on_theme"],
        "on_theme_owed": max(0, row["on_theme_min"] - period["on_theme"]),
        "status": period["status"],
        "pending_approval": period["pending_approval"],
    }


def free_slots(plan: Plan, data) -> list[dict]:
    """``{channel, from?, days?}`` read as a request: the channel's free slots, each ``{at, local, shown}``
    (UTC and the plan's clock, both ISO 8601, and as the pages show it)."""
    reader = Reader(data)
    channel = reader.choice("channel", channel_registry.names())
    start = reader.day("from", required=False)
    days = reader.integer("days", minimum=1, maximum=MAX_DAYS, required=False, default=14)
    reader.done()
    slots = time_guards.free_slots(plan, channel, from_day=start, days=days, limit=MAX_SLOTS)
    zone = ZoneInfo(plan.timezone)
    return [
        {"at": slot.isoformat(), "local": slot.astimezone(zone).isoformat(), "shown": time_guards.shown(slot, plan)}
        for slot in slots
    ]
