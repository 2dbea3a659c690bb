"""Contests: a manager opens one (name, metric, channels, dates, who takes part) and may change it
until it is over; people put ideas forward in an ideas contest and a manager links the posts that
tried each; for follower growth a manager enters the follows each post brought. The standings are
``leaderboards``'.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

import channels.registry as channel_registry
from scheduler.domain import contests as rules
from scheduler.domain.language import _
from scheduler.models import Contest, ContestIdea, Post, User
from scheduler.models.database import db
from scheduler.services import actor, clock, leaderboards, plans
from scheduler.services.errors import Conflict, NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

LONGEST = timedelta(days=400)
IDEA_LIMIT = 2000
UPCOMING, RUNNING, OVER = "upcoming", "running", "over"


def get_contest(contest_id) -> Contest:
    contest = db.session.get(Contest, contest_id) if is_id(contest_id) else None
    if contest is None:
        raise NotFound("contest", _("contest %(id)s not found", id=contest_id))
    return contest


def list_contests() -> list[Contest]:
    return list(db.session.scalars(select(Contest).order_by(Contest.ends_on.desc(), Contest.id.desc())))


def state(contest: Contest) -> str:
    start, end = leaderboards.window(contest)
    now = clock.now()
    return UPCOMING if now < start else RUNNING if now < end else OVER


@unit_of_work
def create_contest(data) -> Contest:
    contest = Contest(created_by_id=actor.current().id, figures={}, result={}, participants=[], channels=[])
    _apply(contest, Reader(data), partial=False)
    db.session.add(contest)
    db.session.flush()
    return contest


@unit_of_work
def update_contest(contest: Contest, data) -> Contest:
    _refuse_when_over(contest)
    _apply(contest, Reader(data), partial=True)
    return contest


def _refuse_when_over(contest: Contest) -> None:
    if contest.frozen_at is not None or leaderboards.is_over(contest):
        raise Conflict(
            _("the contest “%(contest)s” is over: its result is kept as it was at the end", contest=contest.name)
        )


def _apply(contest: Contest, reader: Reader, partial: bool) -> None:
    """Reads every field first and changes the contest only once all are good: a half-changed contest
    must never reach the database (a query in between would flush it)."""

    def wanted(name):
        return not partial or reader.has(name)

    found: dict = {}
    if wanted("name"):
        found["name"] = reader.text("name", max_length=200)
    if wanted("description"):
        found["description"] = reader.text("description", required=False, max_length=4000)
    if wanted("kind"):
        found["kind"] = reader.choice("kind", rules.KINDS, required=False, default=contest.kind or "posts")
    if wanted("metric"):
        raw = reader.data.get("metric")
        found["metric"] = rules.metric_named(raw)
        if found["metric"] is None:
            names = ", ".join(rules.METRICS)
            if raw in (None, ""):
                reader.fail("metric", _("is required: one of %(metrics)s", metrics=names))
            else:
                reader.fail("metric", _("must be one of %(metrics)s", metrics=names))
    if wanted("channels"):
        found["channels"] = _channels(reader)
    if wanted("starts_on"):
        found["starts_on"] = reader.day("starts_on")
    if wanted("ends_on"):
        found["ends_on"] = reader.day("ends_on")
    if wanted("timezone") and (reader.data.get("timezone") or not partial):
        found["timezone"] = reader.time_zone("timezone", required=False) or _default_zone()
    if wanted("participants"):
        found["participants"] = _participants(reader)
    starts_on, ends_on = found.get("starts_on", contest.starts_on), found.get("ends_on", contest.ends_on)
    if starts_on and ends_on:
        if ends_on < starts_on:
            reader.fail("ends_on", _("must be on or after starts_on"))
        elif ends_on - starts_on > LONGEST:
            reader.fail("ends_on", _("must be at most %(days)s days after starts_on", days=LONGEST.days))
    if found.get("kind", contest.kind) == "ideas" and found.get("metric", contest.metric) == "signups":
        reader.fail("metric", _("an ideas contest ranks the posts that tried each idea: choose a post metric"))
    reader.done()
    for name, value in found.items():
        setattr(contest, name, value)


def _default_zone() -> str:
    current = plans.current_plan()
    return current.timezone if current is not None else "UTC"


def _channels(reader: Reader) -> list[str]:
    names = reader.string_list("channels", required=False, max_items=50, max_length=40)
    unknown = [why for name in names if (why := channel_registry.why_unknown(name))]
    if unknown:
        reader.fail("channels", unknown[0])
        return []
    return names


def _participants(reader: Reader) -> list[int]:
    raw = reader.data.get("participants")
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(is_id(p) for p in raw):
        reader.fail("participants", _("must be a list of people's ids (empty: everyone)"))
        return []
    known = set(db.session.scalars(select(User.id).where(User.id.in_(raw))))
    missing = [p for p in raw if p not in known]
    if missing:
        reader.fail("participants", _("no person has the id %(id)s", id=missing[0]))
    return sorted(set(raw) & known)


# --- ideas and figures -------------------------------------------------------------------------------


@unit_of_work
def submit_idea(contest: Contest, data) -> ContestIdea:
    """An idea put forward by the signed-in person."""
    if contest.kind != "ideas":
        raise Conflict(_("the contest “%(contest)s” ranks people's posts, not ideas", contest=contest.name))
    _refuse_when_over(contest)
    reader = Reader(data)
    text = reader.text("text", max_length=IDEA_LIMIT)
    reader.done()
    idea = ContestIdea(contest_id=contest.id, author_id=actor.current().id, text=text, post_ids=[])
    db.session.add(idea)
    db.session.flush()
    return idea


def get_idea(contest: Contest, idea_id) -> ContestIdea:
    idea = db.session.get(ContestIdea, idea_id) if is_id(idea_id) else None
    if idea is None or idea.contest_id != contest.id:
        raise NotFound(
            "idea",
            _("idea %(idea)s of contest %(contest)s not found", idea=idea_id, contest=contest.id),
        )
    return idea


@unit_of_work
def link_posts(contest: Contest, idea: ContestIdea, data) -> ContestIdea:
    """The posts that tried the idea (the list given replaces the earlier one)."""
    _refuse_when_over(contest)
    reader = Reader(data)
    post_ids = _post_ids(reader, "post_ids")
    reader.done()
    idea.post_ids = post_ids
    return idea


def _post_ids(reader: Reader, name: str) -> list[int]:
    raw = reader.data.get(name)
    if not isinstance(raw, list) or not all(is_id(p) for p in raw) or len(raw) > 500:
        reader.fail(name, _("must be a list of posts' ids (at most %(most)s)", most=500))
        return []
    known = set(db.session.scalars(select(Post.id).where(Post.id.in_(raw))))
    missing = [p for p in raw if p not in known]
    if missing:
        reader.fail(name, _("no post has the id %(id)s", id=missing[0]))
    return list(dict.fromkeys(p for p in raw if p in known))


@unit_of_work
def record_follows(contest: Contest, data) -> Contest:
    """The follows one post brought (read from the channel's analytics), for a follower-growth contest;
    null removes the figure."""
    if contest.metric != "follower_growth":
        raise Conflict(
            _(
                "the contest “%(contest)s” counts %(metric)s, not follows",
                contest=contest.name,
                metric=_(rules.METRICS[contest.metric]).lower(),
            )
        )
    _refuse_when_over(contest)
    reader = Reader(data)
    post_id = reader.integer("post_id", minimum=1)
    follows = reader.integer("follows", minimum=0, maximum=10**9, required=False)
    if is_id(post_id) and db.session.get(Post, post_id) is None:
        reader.fail("post_id", _("no post has the id %(id)s", id=post_id))
    reader.done()
    figures = dict(contest.figures or {})
    if follows is None:
        figures.pop(str(post_id), None)
    else:
        figures[str(post_id)] = follows
    contest.figures = figures
    return contest


# --- as the API and the pages give them ------------------------------------------------------------


def contest_dict(contest: Contest) -> dict:
    return {
        "id": contest.id,
        "name": contest.name,
        "description": contest.description or "",
        "kind": contest.kind,
        "metric": contest.metric,
        "metric_label": rules.METRICS.get(contest.metric, contest.metric),
        "channels": list(contest.channels or []),
        "starts_on": contest.starts_on.isoformat(),
        "ends_on": contest.ends_on.isoformat(),
        "timezone": contest.timezone,
        "participants": list(contest.participants or []),
        "state": state(contest),
        "frozen_at": contest.frozen_at.isoformat() if contest.frozen_at else None,
        "ideas": [idea_dict(i) for i in contest.ideas],
    }


def idea_dict(idea: ContestIdea) -> dict:
    return {
        "id": idea.id,
        "text": idea.text,
        "person_id": idea.author_id,
        "person": idea.author.display_name if idea.author else _("someone who left"),
        "post_ids": list(idea.post_ids or []),
    }


def leaderboard(contest: Contest) -> list[dict]:
    return leaderboards.result(contest)["leaderboard"]


def entries(contest: Contest, person_id: int | None = None) -> list[dict]:
    """The entries behind the standings (a person's only, given ``person_id``), best first."""
    found = leaderboards.result(contest)["entries"]
    if person_id is not None:
        found = [e for e in found if e.get("person_id") == person_id]
    return sorted(found, key=lambda e: -(e.get("score") or 0))
