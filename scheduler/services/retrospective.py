"""The last quarter's retrospective, shown on the new-plan form: computed on read from the compliance
report, the library's scores and the interactions, never stored (it changes as late metrics arrive).

The quarter looked back on is the plan that ended most recently before the day asked about (the new
plan's form asks about today), or, when none has ended, the one running then. Its posts are the plan's
published posts that the library holds (``items.collect_published`` brings them in as a batch job;
those not in yet are counted apart, never guessed), each with the library's score as of the plan's
last day (``rankings.rank``: a percentile within its channel's trailing 90 days, comparable across
channels), and on theme or not as the compliance report counts it (``Post.on_theme``).

Per channel: the comparison of on-theme posts with the rest (``domain.retrospective.compare``), the
report's status (one-note or not) and its periods met out of all. Across channels: the strongest
patterns of the quarter's interactions (flagged first, then by the low end of their negative share)
with the words their comments share, and the words of the best posts; both offered as keywords, each
with the figures behind it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select

from scheduler.domain.language import _
from scheduler.domain.retrospective import Comparison, Topic, compare, top_topics
from scheduler.domain.themes import match_keywords
from scheduler.models import ContentItem, Plan, Post
from scheduler.models.database import db
from scheduler.services import clock, interaction_patterns, rankings, reports
from scheduler.services.errors import Malformed
from scheduler.services.report_data import plan_utc_bounds

PATTERNS_SHOWN = 3
TERMS_PER_PATTERN = 3
PUBLISHED = "published"


def asked_day(value) -> date:
    """The ``before`` of a request: a date (400 otherwise); today (UTC) when not given."""
    if value is None or value == "":
        return clock.now().date()
    if isinstance(value, date):
        return value
    try:
        text = str(value).strip()
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise Malformed({"before": _("must be a date such as %(example)s", example="2031-07-01")})


def plan_before(day: date) -> Plan | None:
    """The plan that ended most recently before ``day``; else the one running on it (the latest begun)."""
    ended = db.session.scalar(
        select(Plan).where(Plan.ends_on < day).order_by(Plan.ends_on.desc(), Plan.id.desc()).limit(1)
    )
    if ended is not None:
        return ended
    return db.session.scalar(
        select(Plan)
        .where(Plan.starts_on <= day, Plan.ends_on >= day)
        .order_by(Plan.starts_on.desc(), Plan.id.desc())
        .limit(1)
    )


def retrospective(before=None) -> dict:
    """The retrospective of ``plan_before(before)`` as plain data (the API's shape; see ``_channel``)."""
    day = asked_day(before)
    plan = plan_before(day)
    if plan is None:
        return {"before": day.isoformat(), "plan": None, "as_of": None, "channels": [], "patterns": [], "topics": []}
    start, end = plan_utc_bounds(plan)
    as_of = min(end, clock.now())
    posts, unscored = _scored_posts(plan, as_of)
    report = reports.compliance(plan, with_repetition=False)
    rows = {row["channel"]: row for row in report["channels"]}
    channels = sorted(set(rows) | {p["channel"] for p in posts} | set(unscored), key=_channel_order(rows))
    keywords = list(plan.keywords or [])
    return {
        "before": day.isoformat(),
        "plan": {
            "id": plan.id,
            "name": plan.name,
            "theme": plan.theme,
            "keywords": keywords,
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "ended": plan.ends_on < day,
        },
        "as_of": as_of.isoformat(),
        "channels": [_channel(c, posts, unscored.get(c, 0), rows.get(c)) for c in channels],
        "patterns": _patterns(plan, as_of),
        "topics": [_topic_dict(t, keywords) for t in top_topics([(p["id"], p["text"], p["score"]) for p in posts])],
    }


def _channel_order(rows: dict):
    committed = list(rows)
    return lambda channel: (channel not in rows, committed.index(channel) if channel in rows else 0, channel)


def _scored_posts(plan: Plan, as_of: datetime) -> tuple[list[dict], dict[str, int]]:
    """The plan's published posts the library scored ({id, channel, on_theme, text, score}), and per
    channel how many published posts have no score (not in the library yet, or no exposure figure)."""
    rows = db.session.execute(
        select(Post.id, Post.channel, Post.on_theme, Post.title, Post.body, ContentItem.id)
        .join(ContentItem, ContentItem.post_id == Post.id, isouter=True)
        .where(Post.plan_id == plan.id, Post.status == PUBLISHED)
    ).all()
    channels = sorted({row[1] for row in rows})
    scores = {}
    if any(row[5] is not None for row in rows):
        _, ranked = rankings.rank(channels, as_of=as_of)
        scores = {r.item_id: r.score for r in ranked}
    posts, unscored = [], defaultdict(int)
    for post_id, channel, on_theme, title, body, item_id in rows:
        score = scores.get(item_id) if item_id is not None else None
        if score is None:
            unscored[channel] += 1
            continue
        text = f"{title}\n{body}" if title else body or ""
        posts.append({"id": post_id, "channel": channel, "on_theme": bool(on_theme), "text": text, "score": score})
    return posts, dict(unscored)


def _channel(channel: str, posts: list[dict], unscored: int, row: dict | None) -> dict:
    mine = [p for p in posts if p["channel"] == channel]
    found = compare([p["score"] for p in mine if p["on_theme"]], [p["score"] for p in mine if not p["on_theme"]])
    return {
        "channel": channel,
        **comparison_dict(found),
        "unscored": unscored,
        "committed": row is not None,
        "status": row["status"] if row else None,
        "one_note": bool(row and row["status"] == "one_note"),
        "coverage_ratio": row["coverage_ratio"] if row else None,
        "ceiling": row["ceiling"] if row else None,
        "periods": {"met": row["periods"]["met"], "total": row["periods"]["total"]} if row else None,
    }


def comparison_dict(found: Comparison) -> dict:
    return {
        "on_theme": {"posts": found.on_theme, "mean": _rounded(found.on_theme_mean)},
        "rest": {"posts": found.rest, "mean": _rounded(found.rest_mean)},
        "difference": _rounded(found.difference),
        "interval": None if found.interval is None else [_rounded(v) for v in found.interval],
        "verdict": found.verdict,
    }


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _patterns(plan: Plan, as_of: datetime) -> list[dict]:
    """The quarter's strongest patterns (at most ``PATTERNS_SHOWN``, none "too few to say"), with the
    words their comments share as keyword suggestions."""
    since = plan.starts_on
    until = max(since, min(plan.ends_on, as_of.date()))
    report = interaction_patterns.report(since, until)
    strongest = [p for p in report.patterns if not p.too_few][:PATTERNS_SHOWN]
    words = interaction_patterns.terms_of_patterns(
        [(p.channel, p.kind) for p in strongest], since, until, TERMS_PER_PATTERN
    )
    found = []
    for p in strongest:
        found.append(
            {
                **interaction_patterns.pattern_dict(p),
                "overall_negative_share": report.negative_share,
                "suggestions": [
                    {
                        "keyword": t.shown,
                        "term": t.term,
                        "in_pattern": t.in_pattern,
                        "in_reference": t.in_reference,
                        "g2": round(t.g2, 1),
                    }
                    for t in words.get((p.channel, p.kind), [])
                ],
            }
        )
    return found


def _topic_dict(topic: Topic, keywords: list[str]) -> dict:
    return {
        "keyword": topic.shown,
        "term": topic.term,
        "in_top": topic.in_top,
        "top_posts": topic.top_posts,
        "in_rest": topic.in_rest,
        "rest_posts": topic.rest_posts,
        "mean_score": round(topic.mean_score, 1),
        "g2": round(topic.g2, 1),
        "post_ids": list(topic.post_ids),
        # the term is, or is part of, one of that plan's keywords: the old theme doing well, not a new one
        "was_keyword": any(match_keywords(keyword, [topic.shown]) for keyword in keywords),
    }
