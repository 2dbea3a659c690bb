"""Writing, scheduling and cancelling posts: one unit of work per action.

Redis hears of a post only once the database says it is ``queued`` (after the commit): a job never
runs ahead of the row it acts on, and if this process dies in between, the sweeper finds a queued
post without a job and enqueues it.
"""

from datetime import timezone

from sqlalchemy import select

import channels.registry as channel_registry
from scheduler.domain import access
from scheduler.domain.language import N_, _
from scheduler.domain.links import web_link
from scheduler.domain.statuses import MANAGERS_ONLY, actions_for, label
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import actor, clock, handover, lifecycle, post_history, review_rules, runtime, time_guards
from scheduler.services.errors import Conflict, Invalid, Malformed, NotFound
from scheduler.services.lifecycle import (
    CANCELLED,
    DRAFT,
    EDITABLE,
    FAILED,
    IN_REVIEW,
    PUBLISHING,
    QUEUED,
    SCHEDULABLE,
    SCHEDULED,
    UNCONFIRMED,
)
from scheduler.services.post_checks import blocking_errors, check_post, in_words
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import Reader, is_id

TEXT_LIMIT = 100_000


def get_post(post_id) -> Post:
    post = db.session.get(Post, post_id) if is_id(post_id) else None
    if post is None:
        raise NotFound(f"post {post_id}")
    return post


@unit_of_work
def override_style(post: Post, data) -> Post:
    """A manager schedules despite the guide's errors, and says why; the reason is kept on the post."""
    reader = Reader(data)
    reason = reader.text("reason", max_length=1000)
    reader.text("by", required=False, max_length=100)  # once typed by hand; now the signed-in person, below
    reader.done()
    who = actor.current()
    if post.status not in EDITABLE:
        raise Conflict(_("a %(status)s post cannot be changed", status=label(post.status)), {"status": post.status})
    findings = style_errors(post)
    if not findings:
        raise Conflict(_("the post has no style errors to override"))
    post.style_override = decision(reason, who, findings)
    return post


def style_errors(post: Post) -> list[str]:
    """The style guide's blocking findings on the post, in words: what an override lets through."""
    return [
        p["message"]
        for p in post.problems or []
        if p.get("severity") == "error" and str(p.get("code", "")).startswith("style.")
    ]


def decision(reason: str, who, findings: list[str]) -> dict:
    """A manager's override as the post keeps it: why, who (the signed-in person), when, and what."""
    return {"reason": reason, "by": who.name, "by_id": who.id, "at": clock.now().isoformat(), "findings": findings}


@unit_of_work
def create_post(data, scheduling: bool = False) -> Post:
    """A draft; ``scheduling``: it is written to be scheduled at once (the editor's Schedule, an import
    that schedules), so a time already past is refused now and nothing is saved."""
    reader = Reader(data)
    plan = plan_field(reader)
    channel = _channel_field(reader)
    post = Post(plan=plan, channel=channel or "", status=DRAFT, extra={}, author_id=actor.current().id)
    _apply_fields(post, reader, partial=False)
    reader.done()
    _guard_time(post, scheduling, time_changed=True)
    check_post(post)
    db.session.add(post)
    db.session.flush()
    return post


def actions(post: Post | None) -> tuple[str, ...]:
    """What the person acting may do with the post now (the editor's buttons): approving is a manager's."""
    offered = actions_for(post.status if post is not None else None)
    if access.may(actor.current().role, "manager"):
        return offered
    return tuple(action for action in offered if action not in MANAGERS_ONLY)


@unit_of_work
def update_post(post: Post, data, scheduling: bool = False) -> Post:
    """An edit; the time of a post on the calendar (or waiting for approval) may not move into the past,
    nor, with ``scheduling`` (the edit is saved to be scheduled next), stay there."""
    if post.status not in EDITABLE:
        raise Conflict(_("a %(status)s post cannot be changed", status=label(post.status)), {"status": post.status})
    reader = Reader(data)
    for name in ("plan_id", "channel"):
        if reader.has(name) and data[name] != getattr(post, name):
            reader.fail(name, _("cannot be changed; write a new post (or adapt this one) instead"))
    old_time, before = post.scheduled_at, _handed_over_version(post)
    _apply_fields(post, reader, partial=True)
    reader.done()
    _guard_time(post, scheduling, time_changed=post.scheduled_at != old_time)
    post_history.note_edit(post)  # every edit in the post's history, a queued post's too
    check_post(post)
    if post.status in (SCHEDULED, QUEUED) and review_rules.needs_review(post):
        # a creator changed what was approved: it waits for a new approval, off the queue meanwhile
        lifecycle.move(post.id, IN_REVIEW, {SCHEDULED, QUEUED}, note=N_("changed after approval: to be approved again"))
        _withdraw_after_commit(post)
    elif post.status in (SCHEDULED, QUEUED) and post.scheduled_at != old_time:
        _requeue(post)  # handed over again for the new time, if it is far enough
    elif post.status in (SCHEDULED, QUEUED) and _handed_over_version(post) != before:
        handover.offer(post.id, post.scheduled_at, post.hand_over_early)  # the service's copy is updated
    if post.status in (SCHEDULED, QUEUED) and not post.hand_over_early:
        handover.take_back(post)  # the option unticked: the service lets go of what it held
    return post


ON_THE_WAY = frozenset({IN_REVIEW, SCHEDULED, QUEUED})  # a time set for these is a time scheduled


def _guard_time(post: Post, scheduling: bool, time_changed: bool) -> None:
    """Refuses a past time that is being scheduled; notes one a draft keeps (``services.time_guards``)."""
    if scheduling or (time_changed and post.status in ON_THE_WAY):
        time_guards.refuse_past(post)
    elif post.status in (DRAFT, FAILED):
        time_guards.note_past(post)


def _handed_over_version(post: Post) -> tuple:
    """What a service holding the post ahead of its time was given: a change hands it over again."""
    return (post.body, post.title, post.link, dict(post.extra or {}), post.scheduled_at, post.hand_over_early)


def plan_field(reader: Reader) -> Plan | None:
    """The plan ``plan_id`` names, or a refusal on that field (a post's, a set's)."""
    plan_id = reader.integer("plan_id", minimum=1)
    if plan_id is None or "plan_id" in reader.errors:
        return None
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        reader.fail("plan_id", _("no plan with id %(id)s", id=plan_id))
    return plan


def _channel_field(reader: Reader) -> str | None:
    channel = reader.text("channel", max_length=40)
    if channel and channel_registry.why_unknown(channel):
        reader.fail("channel", channel_registry.why_unknown(channel))
        return None
    return channel or None


def _apply_fields(post: Post, reader: Reader, partial: bool) -> None:
    def wanted(name):
        return not partial or reader.has(name)

    text_before = (post.body, post.title)

    if wanted("body"):
        post.body = reader.text("body", max_length=TEXT_LIMIT)
    if wanted("title"):
        post.title = reader.text("title", required=False, max_length=300)
    if wanted("link"):
        post.link = _link(reader)
    if wanted("scheduled_at"):
        time_zone = post.plan.timezone if post.plan else None
        post.scheduled_at = reader.instant("scheduled_at", required=not partial, time_zone=time_zone)
        if post.scheduled_at is not None:
            post.scheduled_at = post.scheduled_at.astimezone(timezone.utc)
        post.notices = dict(reader.notices)  # this answer's only: not stored
    if reader.has("on_theme"):
        on_theme = reader.boolean_or_none("on_theme")
        post.theme_source = "keywords" if on_theme is None else "manual"
        post.on_theme = bool(on_theme)
    if post.channel in channel_registry.names():
        post.extra = _extra_fields(post, reader)
    if reader.has("hand_over_early"):
        _hand_over_field(post, reader)
    _trust(post, reader, text_changed=(post.body, post.title) != text_before)


def _hand_over_field(post: Post, reader: Reader) -> None:
    """Asked for only where the channel's service can hold the post until its time; a post that already
    asked keeps asking (its account may be reconnected meanwhile: each hand-over says what stops it)."""
    wanted = bool(reader.boolean_or_none("hand_over_early"))
    why_not = handover.why_not_offered(post.channel) if wanted and not post.hand_over_early else ""
    if why_not:
        reader.fail("hand_over_early", _("cannot be set: %(reason)s", reason=why_not))
    elif "hand_over_early" not in reader.errors:
        post.hand_over_early = wanted


def may_mark_trusted() -> bool:
    """Whether the person acting may mark a post's raw HTML as trusted: managers and owners."""
    return access.may(actor.current().role, "manager")


def _trust(post: Post, reader: Reader, text_changed: bool) -> None:
    """The trusted-HTML mark: a manager's word that the post's raw HTML may reach its channel as written
    (channels.sanitising). Only a manager or owner sets it; since it covers the text the manager saw,
    anyone else's change to the text or the title clears it (the audit trail records both)."""
    wanted = reader.boolean_or_none("trusted_html") if reader.has("trusted_html") else None
    if may_mark_trusted():
        if wanted is not None and wanted != bool(post.trusted_html):
            post.trusted_html = wanted
        return
    if wanted and (text_changed or not post.trusted_html):
        reader.fail("trusted_html", _("can be set only by a manager or an owner: ask one to check the post's HTML"))
    elif post.trusted_html and (wanted is False or text_changed):
        post.trusted_html = False


def _link(reader: Reader) -> str:
    link = reader.text("link", required=False, max_length=2000)
    if link and not web_link(link):  # javascript:, data: and the like would run when the link is clicked
        reader.fail("link", _("must be an http:// or https:// address"))
    return link


def _extra_fields(post: Post, reader: Reader) -> dict:
    """Channel-specific fields (ppc headlines, youtube tags, images...), given at the top level or
    under ``extra``; the channel's adapter says what each must hold."""
    adapter = channel_registry.get(post.channel)
    declared = adapter.extra_fields
    extra = dict(post.extra or {})
    nested = reader.data.get("extra")
    if nested is not None and not isinstance(nested, dict):
        reader.fail("extra", _("must be an object"))
        nested = None
    given = {**(nested or {}), **{k: v for k, v in reader.data.items() if k in declared}}
    for name, value in given.items():
        if name not in declared:
            reader.fail(
                f"extra.{name}",
                _(
                    "is not a field of %(channel)s posts; known: %(known)s",
                    channel=post.channel,
                    known=", ".join(sorted(declared)) or _("none"),
                ),
            )
        elif value is None:
            extra.pop(name, None)
        else:
            wrong = [p for p in adapter.check_extra({name: value}) if p.severity == "error"]
            if wrong:
                reader.fail(name, wrong[0].message)
            else:
                extra[name] = value
    return extra


@unit_of_work
def schedule_post(post: Post) -> Post:
    """Put the post on the calendar and hand Redis a reminder once that is committed; idempotent.

    Where approval is required (``review_rules``), a creator's schedule leaves the post ``in_review``
    instead, and a manager's schedule of a post not yet approved as it is counts as their approval."""
    if post.status not in SCHEDULABLE:
        raise Conflict(_("a %(status)s post cannot be scheduled", status=label(post.status)), {"status": post.status})
    if post.scheduled_at is None:
        raise Invalid({"scheduled_at": _("is required before the post can be scheduled")})
    if post.status not in (SCHEDULED, QUEUED, UNCONFIRMED):  # on the calendar already, or sent again as it was
        time_guards.refuse_past(post)
    ready_to_schedule(post)
    who = actor.current()
    if review_rules.required(post) and not review_rules.approved_as_is(post):
        if review_rules.waits_for_approval(who) and post.status == IN_REVIEW:
            return post
        if review_rules.waits_for_approval(who) and post.status in lifecycle.sources_of(IN_REVIEW):
            status = post.status
            lifecycle.move(post.id, IN_REVIEW, {status}, note=N_("sent for approval"), failure_reason="")
            if status == QUEUED:
                _withdraw_after_commit(post)
            return post
        if who.is_person and not review_rules.waits_for_approval(who):  # a manager's schedule approves
            review_rules.record(post, review_rules.APPROVED, before=post.status, after=SCHEDULED)
    return put_on_calendar(post, note=N_("scheduled"))


def ready_to_schedule(post: Post) -> None:
    """Refuses (``Invalid``) a post whose checks find errors nobody overrode."""
    check_post(post)
    errors = blocking_errors(post)
    if errors:
        raise Invalid(
            {"body": "; ".join(p["message"] for p in in_words(post, errors))},
            message=_("the post has problems to fix before it can be scheduled"),
        )


def put_on_calendar(post: Post, note: str) -> Post:
    """scheduled, then queued (the job after the commit), inside the caller's unit of work."""
    if post.status != QUEUED:
        lifecycle.move(
            post.id,
            SCHEDULED,
            {DRAFT, IN_REVIEW, FAILED, UNCONFIRMED, SCHEDULED},
            note=note,
            failure_reason="",
            attempts=0,
        )  # sent again: a fresh count for the backoff
    _requeue(post)
    return post


def _requeue(post: Post) -> None:
    """Queued in this unit of work; the job is enqueued (or moved to the new time) after its commit."""
    lifecycle.move(post.id, QUEUED, {SCHEDULED}, note=N_("handed to the queue"))
    post_id, when = post.id, post.scheduled_at
    after_commit(lambda: hand_to_queue(post_id, when))
    handover.offer(post_id, when, post.hand_over_early)


def hand_to_queue(post_id: int, when) -> None:
    """Redis down: the post goes back on the calendar (said in its history), and the sweeper hands
    it over again once Redis answers."""
    try:
        runtime.queues().enqueue_delivery(post_id, when)
    except Exception as error:  # noqa: BLE001 - whatever Redis raised, the post must not look queued
        with unit_of_work():
            lifecycle.move(post_id, SCHEDULED, {QUEUED}, note=f"queue unavailable: {error}")


@unit_of_work
def unschedule_post(post: Post) -> Post:
    """Back to draft: off the calendar, still editable."""
    if not lifecycle.move(post.id, DRAFT, {IN_REVIEW, SCHEDULED, QUEUED, FAILED, CANCELLED}, note=N_("unscheduled")):
        raise Conflict(
            _("a %(status)s post cannot go back to draft", status=label(_status_now(post))),
            {"status": _status_now(post)},
        )
    _withdraw_after_commit(post)
    return post


@unit_of_work
def cancel_post(post: Post) -> Post:
    """A cancelled post is never delivered: the worker's claim only takes queued posts."""
    if post.status == CANCELLED:
        return post
    if not lifecycle.move(post.id, CANCELLED, note=N_("cancelled")):
        status = _status_now(post)
        raise Conflict(
            _("a %(status)s post cannot be cancelled (it is being delivered right now)", status=label(status))
            if status == PUBLISHING
            else _("a %(status)s post cannot be cancelled", status=label(status)),
            {"status": status},
        )
    _withdraw_after_commit(post)
    return post


def _status_now(post: Post) -> str:
    """The status in the database, for a message about a move that lost a race."""
    return db.session.scalar(select(Post.status).where(Post.id == post.id)) or post.status


def _withdraw_after_commit(post: Post) -> None:
    """Off the calendar: its delivery job withdrawn, and what a service holds for it ahead of time."""
    post_id = post.id
    after_commit(lambda: runtime.queues().withdraw_delivery(post_id))
    handover.take_back(post)


@unit_of_work
def confirm_published(post: Post, url: str = "") -> Post:
    """For an unconfirmed post that a person checked: it did go out (at ``url``, an http(s) address)."""
    url = (url or "").strip()
    if url and not web_link(url):
        raise Invalid({"url": _("must be an http:// or https:// address")})
    if not lifecycle.move(
        post.id,
        "published",
        {UNCONFIRMED},
        note=N_("confirmed by hand"),
        published_at=clock.now(),
        remote_url=url[:2000],
    ):
        raise Conflict(
            _("only an unconfirmed post can be confirmed (this one is %(status)s)", status=label(_status_now(post)))
        )
    return post


def list_posts(args) -> list[Post]:
    reader = Reader(dict(args))
    query = select(Post).order_by(Post.scheduled_at.is_(None), Post.scheduled_at, Post.id)
    if reader.has("plan_id"):
        query = query.where(Post.plan_id == reader.integer("plan_id", minimum=1))
    if reader.has("channel"):
        query = query.where(Post.channel == reader.text("channel"))
    if reader.has("status"):
        statuses = [s for s in str(reader.data["status"]).split(",") if s]
        bad = [s for s in statuses if s not in lifecycle.STATUSES]
        if bad:
            reader.fail(
                "status",
                _(
                    "unknown status %(status)s; known: %(known)s",
                    status=repr(bad[0]),
                    known=", ".join(lifecycle.STATUSES),
                ),
            )
        query = query.where(Post.status.in_(statuses))
    if reader.has("from"):
        start = reader.instant("from")
        query = query.where(Post.scheduled_at >= start) if start else query
    if reader.has("to"):
        end = reader.instant("to")
        query = query.where(Post.scheduled_at < end) if end else query
    limit = reader.integer("limit", minimum=1, maximum=5000, required=False, default=1000)
    if reader.errors:
        raise Malformed(reader.errors)
    return list(db.session.scalars(query.limit(limit)))


def post_dict(post: Post) -> dict:
    return {
        "id": post.id,
        "plan_id": post.plan_id,
        "channel": post.channel,
        "title": post.title,
        "body": post.body,
        "link": post.link,
        "extra": post.extra or {},
        "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else None,
        "status": post.status,
        "on_theme": post.on_theme,
        "theme_match": {"matched": list(post.theme_matched or []), "source": post.theme_source},
        "problems": in_words(post),  # kept in English, said in the reader's language
        "notices": dict(getattr(post, "notices", None) or {}),
        "attempts": post.attempts,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "failure_reason": post.failure_reason or None,
        "remote_id": post.remote_id or None,
        "remote_url": post.remote_url or None,
        "recorded_by_hand": bool(post.recorded_by_hand),
        "hand_over_early": bool(post.hand_over_early),
        "handed_over_at": post.handed_over_at.isoformat() if post.handed_over_at else None,
        "adapted_from_post_id": post.adapted_from_post_id,
        "source_item_id": post.source_item_id,
        "set_id": post.set_id,
        "lineage": dict(post.lineage or {}) or None,
        "style_override": dict(post.style_override or {}) or None,
        "trusted_html": bool(post.trusted_html),
        "author": {"id": post.author.id, "name": post.author.display_name} if post.author else None,
        "reviews": [review_rules.review_dict(r) for r in post.reviews],
    }
