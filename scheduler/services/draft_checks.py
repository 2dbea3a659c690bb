"""A draft checked as the editor checks it, before anything is saved: the channel's rules, the style
guide, the plan's theme, its time, and whether it would repeat a message the channel already carries.

The editor asks the same questions one by one as a person types (``POST /channels/<name>/validate``,
``POST /style/lint``, the theme line); an agent asks once (``check_draft`` over MCP) and gets one answer:
every problem with the field it is about, the rule that fired (``code``) and its severity, and a verdict,
``blocked`` when an error would keep the post off the calendar (``posts.ready_to_schedule`` refuses the
same errors), ``ok`` otherwise. Repetition is a warning, as the report counts it: the compliance report's
``repeated_messages`` would list the post once it is scheduled (``domain.repetition``: the same channel,
within 14 days, the same words or near them).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain.language import _, ngettext
from scheduler.domain.links import web_link
from scheduler.domain.repetition import WINDOW_DAYS, repeats_of
from scheduler.domain.text import FoldedWords
from scheduler.models import Plan
from scheduler.services import clock, posts, report_data, time_guards
from scheduler.services.plans import slug
from scheduler.services.post_checks import content_findings, outside_plan, theme_of
from scheduler.services.validation import Reader

BLOCKED, OK = "blocked", "ok"
# the posts' words folded once per process, not once per check: a channel's posts share most of their words,
# and an agent checks draft after draft against the same few hundred neighbours
_words, _words_lock = FoldedWords(), threading.Lock()
MAX_WORDS = 200_000  # then forgotten, and folded again as they come


def check_draft(data) -> dict:
    """``{verdict, ok, problems: [{field, code, message, severity, start?, end?}], theme, repetition,
    length}`` for a draft of ``{plan_id, channel, body, title?, link?, scheduled_at?}``; nothing saved."""
    reader = Reader(data)
    plan = posts.plan_field(reader)
    channel = reader.choice("channel", channel_registry.names())
    body = reader.text("body", required=False, max_length=posts.TEXT_LIMIT)
    title = reader.text("title", required=False, max_length=300)
    link = reader.text("link", required=False, max_length=2000)
    at = reader.instant("scheduled_at", required=False, time_zone=plan.timezone if plan else None)
    reader.done()
    at = at.astimezone(timezone.utc) if at else None
    content = PostContent(
        channel=channel, body=body, title=title, link=link, campaign=slug(plan), scheduled_at=at, extra={}
    )
    validation, problems = content_findings(content)
    for problem in problems:  # a finding about the whole field is at no one place in it
        problem.setdefault("field", "body")
    problems += _link_problems(link) + _time_problems(plan, channel, at)
    match = theme_of(plan, content, None)
    repeated = would_repeat(plan, channel, f"{title}\n{body}".strip(), at or _now_in(plan))
    if repeated["post_ids"]:
        problems.append(
            {
                "field": "body",
                "code": "repetition",
                "severity": "warning",
                "message": ngettext(
                    "says what post %(ids)s already says on this channel within %(days)s days: "
                    "the report would count it as a repeated message",
                    "says what posts %(ids)s already say on this channel within %(days)s days: "
                    "the report would count it as a repeated message",
                    len(repeated["post_ids"]),
                    ids=", ".join(map(str, repeated["post_ids"])),
                    days=WINDOW_DAYS,
                ),
            }
        )
    blocked = any(p.get("severity") == "error" for p in problems)
    return {
        "verdict": BLOCKED if blocked else OK,
        "ok": not blocked,
        "problems": problems,
        "theme": {"on_theme": match.on_theme, "matched": list(match.matched), "source": match.source},
        "repetition": repeated,
        "length": validation.length.to_dict() if validation.length else None,
    }


def would_repeat(plan: Plan, channel: str, text: str, at: datetime) -> dict:
    """``{post_ids, similarity}``: the counted posts of the channel, within the repetition window around
    ``at``, that say what the draft says (the same message or a near-duplicate, as the report judges two
    posts: ``domain.repetition.repeats_of``); none: ``[]`` and None. Only those posts are read, as a search
    around an edit reads them (``report_data.counted_in_spans``)."""
    window = timedelta(days=WINDOW_DAYS)
    rows = report_data.counted_in_spans(plan, {channel: [(at - window, at + window)]}) if text else []
    with _words_lock:
        if len(_words) > MAX_WORDS:
            _words.clear()
        found = repeats_of(text, [said for _id, _channel, _bucket, said, _chained in rows], words=_words)
    if not found:
        return {"post_ids": [], "similarity": None}
    return {"post_ids": sorted(rows[index][0] for index, _s in found), "similarity": min(s for _i, s in found)}


def _link_problems(link: str) -> list[dict]:
    if link and not web_link(link):  # as posts.create_post refuses it
        return [
            {
                "field": "link",
                "code": "link.scheme",
                "severity": "error",
                "message": _("must be an http:// or https:// address"),
            }
        ]
    return []


def _time_problems(plan: Plan, channel: str, at: datetime | None) -> list[dict]:
    """A time already past cannot be scheduled (the next free slot offered); one outside the plan does not count."""
    if at is None:
        return []
    if time_guards.is_past(at):
        slot = time_guards.free_slot(plan, channel)
        return [
            {
                "field": "scheduled_at",
                "code": "time.past",
                "severity": "error",
                "message": _(
                    "is already past (%(time)s): %(offer)s",
                    time=time_guards.shown(at, plan),
                    offer=time_guards.offer(slot, plan),
                ),
                **({"suggested": slot.isoformat()} if slot else {}),
            }
        ]
    outside = outside_plan(plan, at)
    return [dict(outside, field="scheduled_at")] if outside else []


def _now_in(plan: Plan) -> datetime:
    """Where a draft without a time is compared: now, or the plan's first day when it has not begun."""
    start = datetime.combine(plan.starts_on, datetime.min.time(), tzinfo=timezone.utc)
    return max(clock.now(), start)
