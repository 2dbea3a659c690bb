"""Indicators Refrain can compute from what it already holds, month by month on the plan's clock.

- ``newsletter_signups``: subscribers who confirmed their address in the month (double opt-in: an
  address someone typed counts once its owner confirmed it), whether or not they left since;
- ``engagement_rate``: the library's items published in the month, engagements over exposures as
  the library counts them (``domain.ranking.engagement``), pooled (total over total, so a tweet seen
  twice does not weigh like a video seen 10,000 times), in percent;
- ``click_through``: their clicks over their exposures, pooled the same way, in percent.

A month with no exposure figure at all has no rate (nothing is stored for it); a month with no
signup has 0 signups.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from scheduler.domain import kpis as rules
from scheduler.domain.ranking import METRICS, engagement
from scheduler.models import ContentItem, Plan, Subscriber
from scheduler.models.database import db

COMPUTABLE = ("newsletter_signups", "engagement_rate", "click_through")


def computable(name: str) -> bool:
    preset = rules.preset_for(name)
    return preset is not None and preset.key in COMPUTABLE


def compute(name: str, plan: Plan, months: list[str]) -> dict[str, float]:
    """{month: figure} for the months asked (``YYYY-MM``); {} for an indicator Refrain cannot compute."""
    if not months or not computable(name):
        return {}
    zone = ZoneInfo(plan.timezone)
    start, end = _start(min(months), zone), _start(rules.shift(max(months), 1), zone)
    key = rules.preset_for(name).key
    if key == "newsletter_signups":
        return _signups(months, zone, start, end)
    return _rates(key, months, zone, start, end)


def _start(month: str, zone: ZoneInfo) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime.combine(datetime(year, number, 1).date(), time(0), zone)


def _month_at(instant: datetime, zone: ZoneInfo) -> str:
    return rules.month_of(instant.astimezone(zone).date())


def _signups(months: list[str], zone, start, end) -> dict[str, float]:
    counted = dict.fromkeys(months, 0.0)
    confirmed = db.session.scalars(
        select(Subscriber.confirmed_at).where(Subscriber.confirmed_at >= start, Subscriber.confirmed_at < end)
    )
    for at in confirmed:
        month = _month_at(at, zone)
        if month in counted:
            counted[month] += 1
    return counted


def _rates(key: str, months: list[str], zone, start, end) -> dict[str, float]:
    columns = [getattr(ContentItem, name) for name in METRICS]
    sums: dict[str, list[float]] = {month: [0.0, 0.0] for month in months}  # [numerator, exposures]
    rows = db.session.execute(
        select(ContentItem.published_at, *columns).where(
            ContentItem.published_at >= start, ContentItem.published_at < end
        )
    )
    for published_at, *values in rows:
        month = _month_at(published_at, zone)
        if month not in sums:
            continue
        metrics = {name: value for name, value in zip(METRICS, values) if value is not None}
        engaged, exposures = engagement(metrics)
        if exposures <= 0:
            continue
        if key == "click_through":
            if metrics.get("clicks") is None:
                continue
            engaged = float(metrics["clicks"])
        sums[month][0] += engaged
        sums[month][1] += exposures
    return {month: round(100 * part / whole, 2) for month, (part, whole) in sums.items() if whole > 0}
