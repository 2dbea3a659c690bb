"""The periodic pass for the events nothing writes: a commitment falling behind, a pattern flagged.

Neither happens at one write. A period falls behind when it ends short, which is the calendar's doing;
a pattern is flagged against the negative share of every interaction in the window, which any logged
interaction moves. So a pass (a periodic job, ``settings.event_watch_interval``) asks the compliance
report and the pattern report what they say now, and tells what is new:

- ``commitment.behind``: a channel the report judges (``judged``) with a period gone by that ended short
  (what makes its standing ``behind``, and it is behind on its count even while ``one_note`` or
  ``below_floor`` outrank that in its status), once per commitment and short period (the newest),
  however many passes see it;
- ``pattern.flagged``: once while a pattern (channel and kind) stays flagged in the pattern report's
  default window; when it is no longer flagged its mark goes, so flagged again is told again.

What was told is kept in ``webhook_marks``, written with the event rows in one unit of work. The pass
does nothing at all while no active subscription wants either event; it also enqueues again the events
whose job Redis lost (``events.requeue_pending``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from scheduler.domain import webhooks as rules
from scheduler.models import Plan, WebhookMark
from scheduler.models.database import db
from scheduler.services import clock, events, interaction_patterns, interactions, reports
from scheduler.services.unit_of_work import unit_of_work

RECENTLY_ENDED = timedelta(days=31)  # a plan's last period may end short: it is still looked at a while after


def watch() -> dict:
    return {
        "behind": commitments_behind(),
        "flagged": patterns_flagged(),
        "requeued": events.requeue_pending(),
    }


@unit_of_work
def commitments_behind() -> int:
    if not events.subscribers_exist(rules.COMMITMENT_BEHIND):
        return 0
    today = clock.now().date()
    plans = db.session.scalars(
        select(Plan).where(Plan.starts_on <= today + timedelta(days=1), Plan.ends_on >= today - RECENTLY_ENDED)
    ).all()
    told = 0
    for plan in plans:
        if not events.subscribers(rules.COMMITMENT_BEHIND, plan.id):
            continue
        for row in reports.compliance(plan, with_repetition=False)["channels"]:
            if not row["judged"]:  # too early to judge: the report does not raise it as an alarm either
                continue
            short = [p for p in row["period_details"] if p["timing"] == "past" and p["status"] == "short"]
            if not short or not _first_time(
                f"{rules.COMMITMENT_BEHIND}:{plan.id}:{row['channel']}:{short[-1]['first_day']}"
            ):
                continue
            period = short[-1]
            data = {
                "plan_id": plan.id,
                "plan_name": plan.name,
                "channel": row["channel"],
                "per": row["per"],
                "first_day": period["first_day"],
                "last_day": period["last_day"],
                "posts": period["posts"],
                "committed": period["committed"],
                "url": f"{events.public_url()}/plans/{plan.id}/report",
            }
            events.publish(rules.COMMITMENT_BEHIND, data, plan_id=plan.id)
            told += 1
    return told


@unit_of_work
def patterns_flagged() -> int:
    if not events.subscribers_exist(rules.PATTERN_FLAGGED):
        return 0
    report = interaction_patterns.report()
    kinds = {kind.name: kind.id for kind in interactions.list_kinds()}
    prefix = f"{rules.PATTERN_FLAGGED}:"
    flagged = {f"{prefix}{p.channel}:{p.kind}": p for p in report.patterns if p.flagged}
    gone = [key for key in db.session.scalars(select(WebhookMark.key).where(WebhookMark.key.startswith(prefix)))]
    gone = [key for key in gone if key not in flagged]
    if gone:  # no longer flagged: told again if it comes back
        db.session.execute(delete(WebhookMark).where(WebhookMark.key.in_(gone)))
    told = 0
    for key, pattern in flagged.items():
        if not _first_time(key):
            continue
        data = {
            "channel": pattern.channel,
            "kind": pattern.kind,
            "count": pattern.count,
            "negative": pattern.negative,
            "negative_share": round(pattern.negative_share, 4),
            "interval": [round(pattern.low, 4), round(pattern.high, 4)],
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "url": f"{events.public_url()}/interactions/patterns/{pattern.channel}/{kinds.get(pattern.kind, '')}",
        }
        events.publish(rules.PATTERN_FLAGGED, data)
        told += 1
    return told


def _first_time(key: str) -> bool:
    """Whether ``key`` was never told; it is marked told in the same unit of work as its event."""
    if db.session.get(WebhookMark, key) is not None:
        return False
    db.session.add(WebhookMark(key=key, at=clock.now()))
    db.session.flush()
    return True
