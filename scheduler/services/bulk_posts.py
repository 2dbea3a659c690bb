"""Bulk work on posts: reschedule, move to another plan, or cancel many posts at once.

One action is one unit of work, whatever the number of posts: it is committed once, at its end. Each
post is still changed the way one post is (``posts.update_post``, ``posts.cancel_post``, and a guarded
``UPDATE … WHERE status IN …`` for a move, as ``services.lifecycle`` does), inside a savepoint of its own
(``unit_of_work.on_its_own``): a post that cannot take the change is rolled back alone and said in the
answer with its reason, and the others go on. Nothing is skipped in silence: every post asked for comes
back as ``done``, ``unchanged`` (it already was so) or ``refused`` (and why: published, being delivered,
a time already past...).

A dry run (``dry_run``) answers the same without changing anything: what the confirmation page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from scheduler.domain import formats, moves
from scheduler.domain.language import N_, _
from scheduler.domain.statuses import label
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import audit, clock, handover, lifecycle, post_pages, posts, review_rules, runtime
from scheduler.services.errors import Conflict, Invalid, Malformed, ServiceError
from scheduler.services.lifecycle import CANCELLED, IN_REVIEW, PUBLISHED, PUBLISHING, QUEUED, SCHEDULED
from scheduler.services.post_checks import check_post
from scheduler.services.unit_of_work import after_commit, on_its_own, unit_of_work
from scheduler.services.validation import Reader, is_id

ACTIONS = ("reschedule", "move", "cancel")
MOST = 2000  # posts in one action: more is a filter to narrow, and a transaction too long for SQLite's one writer
DONE, UNCHANGED, REFUSED = "done", "unchanged", "refused"
OUT_OF_REACH = {  # statuses no bulk action changes, and why
    PUBLISHED: N_("it is published: what went out stays out"),
    PUBLISHING: N_("it is being delivered right now"),
}
MOVABLE = frozenset(lifecycle.STATUSES) - set(OUT_OF_REACH)


@dataclass(frozen=True)
class Request:
    action: str
    ids: tuple[int, ...] | None = None  # the posts named, or
    filters: post_pages.Filters | None = None  # every post the filter matches
    shift: moves.Shift | None = None  # reschedule: by a duration, or
    day: date | None = None  # reschedule: to this date, at the same time of day
    to_plan: Plan | None = None  # move
    dry_run: bool = False


@dataclass
class Outcome:
    post_id: int
    outcome: str  # done | unchanged | refused
    reason: str = ""
    post: Post | None = None  # as it is after the action (None: no such post)
    notice: str = ""  # a time the clocks skip or show twice, placed as the editor places it
    to_time: datetime | None = None  # a dry run's reschedule: where the post would go


@dataclass
class Result:
    action: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def counted(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == REFUSED]


def read_request(data) -> Request:
    """The action and what it applies to (``ids``, or ``filter``: the list's filters), in the API's words."""
    reader = Reader(data)
    action = reader.choice("action", ACTIONS)
    ids, filters = _selection(reader)
    shift = day = to_plan = None
    if action == "reschedule":
        shift, day = _new_time(reader)
    elif action == "move":
        to_plan = _plan(reader)
    dry_run = bool(reader.boolean_or_none("dry_run")) if reader.has("dry_run") else False
    reader.done()
    return Request(action, ids, filters, shift, day, to_plan, dry_run)


def _selection(reader: Reader):
    given = [name for name in ("ids", "filter") if reader.data.get(name) is not None]
    if len(given) != 1:
        reader.fail("ids", _("give either ids (a list of post ids) or filter (the list's filters), one of them"))
        return None, None
    if given == ["ids"]:
        ids = reader.data["ids"]
        if not isinstance(ids, list) or not all(is_id(i) for i in ids):
            reader.fail("ids", _("must be a list of post ids"))
            return None, None
        if not ids:
            reader.fail("ids", _("must name at least one post"))
        if len(ids) > MOST:
            reader.fail("ids", _("may name at most %(most)s posts at once", most=formats.number(MOST)))
        return tuple(dict.fromkeys(ids)), None
    raw = reader.data["filter"]
    if not isinstance(raw, dict):
        reader.fail("filter", _("must be an object of the list's filters (plan_id, channel, status, author_id, q...)"))
        return None, None
    try:
        return None, post_pages.read_filters(raw)
    except Malformed as error:
        for name, problem in error.fields.items():
            reader.fail(f"filter.{name}", problem)
        return None, None


def _new_time(reader: Reader):
    given = [name for name in ("shift", "date") if reader.data.get(name) not in (None, "")]
    if len(given) != 1:
        reader.fail("shift", _("give either shift (a duration such as P1D or -PT2H) or date (YYYY-MM-DD), one of them"))
        return None, None
    if given == ["date"]:
        return None, reader.day("date")
    try:
        return moves.read_shift(str(reader.data["shift"])), None
    except ValueError as error:
        reader.fail("shift", str(error))
        return None, None


def _plan(reader: Reader) -> Plan | None:
    plan_id = reader.integer("to_plan_id", minimum=1)
    if plan_id is None or "to_plan_id" in reader.errors:
        return None
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        reader.fail("to_plan_id", _("no plan with id %(id)s", id=plan_id))
    return plan


def run(data) -> Result:
    """Read the request and carry it out (or, for a dry run, say what it would do)."""
    request = read_request(data)
    found, ids = _posts(request)
    if request.dry_run:
        return Result(request.action, True, [_foreseen(request, found.get(i), i) for i in ids])
    return Result(request.action, False, _carry_out(request, found, ids))


def _foreseen(request: Request, post: Post | None, post_id: int) -> Outcome:
    """What the action would do to the post, changing nothing."""
    if post is None:
        return _missing(post_id)
    decided = _check(request, post)
    if decided is not None:
        return decided
    if request.action != "reschedule":
        return Outcome(post_id, DONE, post=post)
    reading = new_time(request, post)
    return Outcome(post_id, DONE, post=post, notice=reading.notice or "", to_time=reading.utc)


def _posts(request: Request) -> tuple[dict[int, Post], list[int]]:
    if request.filters is not None:
        ids = post_pages.matching_ids(request.filters, MOST + 1)
        if len(ids) > MOST:
            total = post_pages.count(request.filters)
            raise Invalid(
                {
                    "filter": _(
                        "matches %(total)s posts; one action takes at most %(most)s: narrow the filter",
                        total=formats.number(total),
                        most=formats.number(MOST),
                    )
                }
            )
    else:
        ids = list(request.ids or ())
    found: dict[int, Post] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update((post.id, post) for post in db.session.scalars(select(Post).where(Post.id.in_(chunk))))
    return found, ids


def _missing(post_id: int) -> Outcome:
    return Outcome(post_id, REFUSED, _("there is no post %(id)s", id=post_id))


@unit_of_work
def _carry_out(request: Request, found: dict[int, Post], ids: list[int]) -> list[Outcome]:
    outcomes = []
    for post_id in ids:
        post = found.get(post_id)
        if post is None:
            outcomes.append(_missing(post_id))
            continue
        decided = _check(request, post)
        if decided is not None:
            outcomes.append(decided)
            continue
        try:
            with on_its_own():
                notice = APPLY[request.action](request, post)
            outcomes.append(Outcome(post_id, DONE, post=post, notice=notice or ""))
        except ServiceError as error:
            db.session.expire(post)
            outcomes.append(Outcome(post_id, REFUSED, _in_words(error), post=post))
    return outcomes


def _check(request: Request, post: Post) -> Outcome | None:
    """Why the post cannot take the change, or that it already has it; None when it can."""
    if request.action == "cancel" and post.status == CANCELLED:
        return Outcome(post.id, UNCHANGED, _("it is cancelled already"), post=post)
    if post.status in OUT_OF_REACH:
        return Outcome(post.id, REFUSED, _(OUT_OF_REACH[post.status]), post=post)
    if request.action == "move" and post.plan_id == request.to_plan.id:
        return Outcome(post.id, UNCHANGED, _("it is in that plan already"), post=post)
    if request.action != "reschedule":
        return None
    if post.status == CANCELLED:
        return Outcome(post.id, REFUSED, _("it is cancelled: bring it back to draft to give it a time"), post=post)
    if post.scheduled_at is None:
        return Outcome(post.id, REFUSED, _("it has no time yet to move: give it one in the editor"), post=post)
    try:
        reading = new_time(request, post)
    except OverflowError:
        return Outcome(post.id, REFUSED, _("the new time would be outside the calendar"), post=post)
    if reading.utc == post.scheduled_at:
        return Outcome(post.id, UNCHANGED, _("it is at that time already"), post=post)
    if reading.utc <= clock.now():
        shown = formats.instant(reading.utc, post.plan.timezone)
        return Outcome(post.id, REFUSED, _("the new time, %(time)s, is already past", time=shown), post=post)
    return None


def new_time(request: Request, post: Post):
    if request.day is not None:
        return moves.on_day(post.scheduled_at, post.plan.timezone, request.day)
    return moves.shifted(post.scheduled_at, post.plan.timezone, request.shift)


def _reschedule(request: Request, post: Post) -> str | None:
    """The editor's own save of a new time: its checks, its requeue and hand-over, its approval rules."""
    reading = new_time(request, post)
    posts.update_post(post, {"scheduled_at": reading.utc.isoformat()})
    return reading.notice


def _cancel(request: Request, post: Post) -> None:
    posts.cancel_post(post)


def _move(request: Request, post: Post) -> None:
    """To another plan: a guarded write of the plan (the post must still be movable when it happens), a line
    in its history and in the trail, then the checks again, since the theme is the new plan's."""
    before, target = post.plan, request.to_plan
    note = f"moved from plan “{before.name}” to “{target.name}”"
    if lifecycle.note_in_place(post.id, MOVABLE, note, plan_id=target.id) is None:
        status = db.session.scalar(select(Post.status).where(Post.id == post.id)) or post.status
        said = (
            _(OUT_OF_REACH[status])
            if status in OUT_OF_REACH
            else _("a %(status)s post cannot be moved", status=label(status))
        )
        raise Conflict(said, {"status": status})
    audit.note("changed", post, {"plan_id": [before.id, target.id]}, note)
    db.session.expire(post, ["plan"])
    check_post(post)
    if post.status in (SCHEDULED, QUEUED) and review_rules.needs_review(post):
        lifecycle.move(post.id, IN_REVIEW, {SCHEDULED, QUEUED}, note=N_("moved to a plan that asks for approval"))
        post_id = post.id
        after_commit(lambda: runtime.queues().withdraw_delivery(post_id))
        handover.take_back(post)


APPLY = {"reschedule": _reschedule, "move": _move, "cancel": _cancel}


def _in_words(error: ServiceError) -> str:
    if isinstance(error, Invalid) and error.fields:
        return "; ".join(f"{name.replace('_', ' ')}: {problem}" for name, problem in error.fields.items())
    return error.message


def outcome_dict(outcome: Outcome) -> dict:
    post = outcome.post
    return {
        "id": outcome.post_id,
        "outcome": outcome.outcome,
        "reason": outcome.reason or None,
        "notice": outcome.notice or None,
        "status": post.status if post is not None else None,
        "plan_id": post.plan_id if post is not None else None,
        "scheduled_at": post.scheduled_at.isoformat() if post is not None and post.scheduled_at else None,
        "to_time": outcome.to_time.isoformat() if outcome.to_time else None,
    }


def result_dict(result: Result) -> dict:
    return {
        "action": result.action,
        "dry_run": result.dry_run,
        "total": len(result.outcomes),
        "done": result.counted(DONE),
        "unchanged": result.counted(UNCHANGED),
        "refused": result.counted(REFUSED),
        "results": [outcome_dict(o) for o in result.outcomes],
    }
