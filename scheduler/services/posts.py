"""Writing, checking, scheduling and cancelling posts."""

from datetime import datetime, timezone

from sqlalchemy import select

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain.periods import local_day
from scheduler.domain.themes import decide_theme
from scheduler.infra import queue
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import clock, lifecycle, style
from scheduler.services.lifecycle import CANCELLED, DRAFT, EDITABLE, FAILED, QUEUED, SCHEDULED, UNCONFIRMED
from scheduler.services.plans import slug
from scheduler.services.validation import Conflict, Invalid, NotFound, Reader, is_id

TEXT_LIMIT = 100_000


def get_post(post_id) -> Post:
    post = db.session.get(Post, post_id) if is_id(post_id) else None
    if post is None:
        raise NotFound(f"post {post_id}")
    return post


def content_of(post: Post, plan: Plan | None = None) -> PostContent:
    plan = plan or post.plan
    return PostContent(
        channel=post.channel,
        body=post.body or "",
        title=post.title or "",
        link=post.link or "",
        extra=dict(post.extra or {}),
        id=post.id,
        campaign=slug(plan) if plan else "",
        scheduled_at=post.scheduled_at,
    )


def theme_text(content: PostContent) -> str:
    """Everything a reader sees: title, body and the channel's own text fields (headlines, tags...)."""
    parts = [content.title, content.body]
    for value in content.extra.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(item for item in value if isinstance(item, str))
            parts.extend(str(item.get("alt") or "") for item in value if isinstance(item, dict))
    return "\n".join(part for part in parts if part)


def theme_of(plan: Plan, content: PostContent, manual: bool | None):
    """On or off the plan's theme, and why: the one place this is decided, for saved posts and the editor."""
    return decide_theme(theme_text(content), plan.keywords or [], manual)


def check_post(post: Post):
    """Decide the theme (unless set by hand) and record the channel's findings on the post.

    Returns the channel's validation (with its draft), so a caller about to deliver needs no second pass.
    """
    plan = post.plan
    content = content_of(post, plan)
    manual = post.on_theme if post.theme_source == "manual" else None
    match = theme_of(plan, content, manual)
    if (post.on_theme, post.theme_matched, post.theme_source) != (match.on_theme, list(match.matched), match.source):
        post.on_theme, post.theme_matched, post.theme_source = match.on_theme, list(match.matched), match.source
    validation = channel_registry.get(post.channel).validate(content)
    problems = style.merged_problems([p.to_dict() for p in validation.problems], style.style_findings(content))
    if post.scheduled_at and not _inside_plan(post.scheduled_at, plan):
        problems.append(
            {
                "code": "outside_plan",
                "severity": "warning",
                "message": f"scheduled outside the plan's dates ({plan.starts_on} to {plan.ends_on}); "
                "it will not count in the compliance report",
            }
        )
    if post.problems != problems:
        post.problems = problems
    return validation


def blocking_errors(post: Post) -> list[dict]:
    """Errors that stop scheduling and delivery: all of them, but for the style findings a manager
    overrode (by their message, so an edit that brings a new finding needs a new decision)."""
    overridden = set((post.style_override or {}).get("findings") or [])
    return [
        p
        for p in post.problems or []
        if p.get("severity") == "error"
        and not (str(p.get("code", "")).startswith("style.") and p.get("message") in overridden)
    ]


def override_style(post: Post, data) -> Post:
    """A manager schedules despite the guide's errors, and says why; the reason is kept on the post."""
    reader = Reader(data)
    reason = reader.text("reason", max_length=1000)
    by = reader.text("by", required=False, max_length=100) or "unknown"
    reader.done()
    if post.status not in EDITABLE:
        raise Conflict(f"a {post.status} post cannot be changed", {"status": post.status})
    findings = [
        p["message"]
        for p in post.problems or []
        if p.get("severity") == "error" and str(p.get("code", "")).startswith("style.")
    ]
    if not findings:
        raise Conflict("the post has no style errors to override")
    post.style_override = {"reason": reason, "by": by, "at": clock.now().isoformat(), "findings": findings}
    db.session.commit()
    return post


def _inside_plan(instant: datetime, plan: Plan) -> bool:
    return plan.starts_on <= local_day(instant, plan.timezone) <= plan.ends_on


def create_post(data) -> Post:
    reader = Reader(data)
    plan = _plan_field(reader)
    channel = _channel_field(reader)
    post = Post(plan=plan, channel=channel or "", status=DRAFT, extra={})
    _apply_fields(post, reader, partial=False)
    reader.done()
    check_post(post)
    db.session.add(post)
    db.session.commit()
    return post


def update_post(post: Post, data) -> Post:
    if post.status not in EDITABLE:
        raise Conflict(f"a {post.status} post cannot be changed", {"status": post.status})
    reader = Reader(data)
    for name in ("plan_id", "channel"):
        if reader.has(name) and data[name] != getattr(post, name):
            reader.fail(name, "cannot be changed; write a new post (or adapt this one) instead")
    old_time = post.scheduled_at
    _apply_fields(post, reader, partial=True)
    reader.done()
    check_post(post)
    db.session.commit()
    if post.status in (SCHEDULED, QUEUED) and post.scheduled_at != old_time:
        _requeue(post)
    return post


def _plan_field(reader: Reader) -> Plan | None:
    plan_id = reader.integer("plan_id", minimum=1)
    if plan_id is None or "plan_id" in reader.errors:
        return None
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        reader.fail("plan_id", f"no plan with id {plan_id}")
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


def _link(reader: Reader) -> str:
    link = reader.text("link", required=False, max_length=2000)
    if link and not link.lower().startswith(("http://", "https://")):
        reader.fail("link", "must be an http:// or https:// address")
    return link


def _extra_fields(post: Post, reader: Reader) -> dict:
    """Channel-specific fields (ppc headlines, youtube tags, images...), given at the top level or
    under ``extra``; the channel's adapter says what each must hold."""
    adapter = channel_registry.get(post.channel)
    declared = adapter.extra_fields
    extra = dict(post.extra or {})
    nested = reader.data.get("extra")
    if nested is not None and not isinstance(nested, dict):
        reader.fail("extra", "must be an object")
        nested = None
    given = {**(nested or {}), **{k: v for k, v in reader.data.items() if k in declared}}
    for name, value in given.items():
        if name not in declared:
            reader.fail(
                f"extra.{name}",
                f"is not a field of {post.channel} posts; known: {', '.join(sorted(declared)) or 'none'}",
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


def schedule_post(post: Post) -> Post:
    """Put the post on the calendar and hand Redis a reminder; idempotent.

    The database says ``queued`` before Redis hears of the post: if this process dies in between,
    the sweeper finds a queued post without a job and enqueues it.
    """
    if post.status not in (DRAFT, SCHEDULED, QUEUED, FAILED, UNCONFIRMED):
        raise Conflict(f"a {post.status} post cannot be scheduled", {"status": post.status})
    if post.scheduled_at is None:
        raise Invalid({"scheduled_at": "is required before the post can be scheduled"})
    check_post(post)
    db.session.commit()
    errors = blocking_errors(post)
    if errors:
        raise Invalid(
            {"body": "; ".join(p["message"] for p in errors)},
            message="the post has problems to fix before it can be scheduled",
        )
    if post.status != QUEUED:
        lifecycle.move(
            post.id, SCHEDULED, {DRAFT, FAILED, UNCONFIRMED, SCHEDULED}, note="scheduled", failure_reason="", attempts=0
        )  # sent again: a fresh count for the backoff
    _requeue(post)
    db.session.refresh(post)
    return post


def _requeue(post: Post) -> None:
    lifecycle.move(post.id, QUEUED, {SCHEDULED}, note="handed to the queue")
    try:
        queue.enqueue_delivery(post.id, post.scheduled_at)
    except Exception as error:  # Redis down: the post stays on the calendar and the sweeper retries
        lifecycle.move(post.id, SCHEDULED, {QUEUED}, note=f"queue unavailable: {error}")
    db.session.refresh(post)


def unschedule_post(post: Post) -> Post:
    """Back to draft: off the calendar, still editable."""
    if not lifecycle.move(post.id, DRAFT, {SCHEDULED, QUEUED, FAILED, CANCELLED}, note="unscheduled"):
        raise Conflict(f"a {post.status} post cannot go back to draft", {"status": post.status})
    queue.withdraw_delivery(post.id)
    db.session.refresh(post)
    return post


def cancel_post(post: Post) -> Post:
    """A cancelled post is never delivered: the worker's claim only takes queued posts."""
    if post.status == CANCELLED:
        return post
    if not lifecycle.move(post.id, CANCELLED, note="cancelled"):
        db.session.refresh(post)
        raise Conflict(
            f"a {post.status} post cannot be cancelled"
            + (" (it is being delivered right now)" if post.status == "publishing" else ""),
            {"status": post.status},
        )
    queue.withdraw_delivery(post.id)
    db.session.refresh(post)
    return post


def confirm_published(post: Post, url: str = "") -> Post:
    """For an unconfirmed post that a person checked: it did go out."""
    if not lifecycle.move(
        post.id, "published", {UNCONFIRMED}, note="confirmed by hand", published_at=clock.now(), remote_url=url[:2000]
    ):
        raise Conflict(f"only an unconfirmed post can be confirmed (this one is {post.status})")
    db.session.refresh(post)
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
            reader.fail("status", f"unknown status {bad[0]!r}; known: {', '.join(lifecycle.STATUSES)}")
        query = query.where(Post.status.in_(statuses))
    if reader.has("from"):
        start = reader.instant("from")
        query = query.where(Post.scheduled_at >= start) if start else query
    if reader.has("to"):
        end = reader.instant("to")
        query = query.where(Post.scheduled_at < end) if end else query
    limit = reader.integer("limit", minimum=1, maximum=5000, required=False, default=1000)
    if reader.errors:
        raise Invalid(reader.errors, status=400)
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
        "problems": list(post.problems or []),
        "notices": dict(getattr(post, "notices", None) or {}),
        "attempts": post.attempts,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "failure_reason": post.failure_reason or None,
        "remote_id": post.remote_id or None,
        "remote_url": post.remote_url or None,
        "adapted_from_post_id": post.adapted_from_post_id,
        "source_item_id": post.source_item_id,
        "lineage": dict(post.lineage or {}) or None,
        "style_override": dict(post.style_override or {}) or None,
    }
