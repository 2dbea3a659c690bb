"""One idea, many channels: the composer's sets of posts (one unit of work per action).

A set is one idea (text, title, link, media) and a post per chosen channel, each shaped by that
channel's adapter the way the library's "Use on…" shapes an item (``reuse.adapted_fields``), each a
normal post that anyone may edit, schedule or cancel on its own. The set adds what only makes sense
for all of them at once (rules in ``domain.post_sets``):

- a change of the idea re-adapts the posts nobody edited by hand (``set_digest`` says which), and
  puts its new link on the others where they still carry the old one;
- a shift of every post not yet out by the same time;
- cancelling the set cancels every post not yet out, and keeps the ones that went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

import channels.registry as channel_registry
from channels.base import PostContent, media_problems
from scheduler.domain import post_sets as rules
from scheduler.domain.language import _
from scheduler.domain.links import web_link
from scheduler.domain.statuses import label as status_label
from scheduler.models import Plan, Post, PostSet
from scheduler.models.database import db
from scheduler.services import actor, clock, posts
from scheduler.services.errors import Conflict, Invalid, NotFound
from scheduler.services.plans import slug
from scheduler.services.reuse import adapted_fields, next_free_slot
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

# An idea is read as an article, the fullest source every adapter knows how to cut down: X makes a
# thread of its headline and key sentences, the newsletter a feature section, the ad its headlines.
IDEA_SOURCE = "blog"
MOST_CHANNELS = 20
IDEA_FIELDS = ("body", "title", "link", "media")


def get_set(set_id) -> PostSet:
    post_set = db.session.get(PostSet, set_id) if is_id(set_id) else None
    if post_set is None:
        raise NotFound("post set", _("post set %(id)s not found", id=set_id))
    return post_set


def members(post_set: PostSet) -> list[Post]:
    """The set's posts, in the order they were made (read now: a status may have moved meanwhile)."""
    return list(db.session.scalars(select(Post).where(Post.set_id == post_set.id).order_by(Post.id)))


def sets_of(plan: Plan, limit: int = 50) -> list[PostSet]:
    return list(
        db.session.scalars(select(PostSet).where(PostSet.plan_id == plan.id).order_by(PostSet.id.desc()).limit(limit))
    )


def idea_content(idea: dict, plan: Plan, scheduled_at) -> PostContent:
    """The idea as the post every adapter reshapes (``Channel.adapt``)."""
    return PostContent(
        channel=IDEA_SOURCE,
        body=idea.get("body", ""),
        title=idea.get("title", ""),
        link=idea.get("link", ""),
        extra={"media": list(idea.get("media") or [])},
        campaign=slug(plan),
        scheduled_at=scheduled_at,
    )


def digest_of(post: Post) -> str:
    return rules.content_digest(post.title, post.body, post.link, post.extra)


def untouched(post: Post) -> bool:
    """Whether the post still says what the composer wrote for it."""
    return bool(post.set_digest) and digest_of(post) == post.set_digest


@unit_of_work
def compose(data) -> PostSet:
    """A set: the idea and one draft per channel, each at ``scheduled_at``, or at its channel's next
    free slot in the plan when no time is given."""
    reader = Reader(data)
    plan = posts.plan_field(reader)
    idea = _idea(reader, {})
    chosen = _channels(reader)
    scheduled_at = reader.instant("scheduled_at", required=False, time_zone=plan.timezone if plan else None)
    reader.done()
    post_set = PostSet(plan=plan, idea=idea, author_id=actor.current().id, created_at=clock.now())
    db.session.add(post_set)
    db.session.flush()
    for channel in chosen:
        at = scheduled_at or next_free_slot(plan, channel)
        fields = _fields(idea, plan, channel, at)
        post = _refused_as_channel(channel, lambda fields=fields: posts.create_post(fields))
        post.set_id, post.set_digest = post_set.id, digest_of(post)
    db.session.flush()
    return post_set


def _fields(idea: dict, plan: Plan, channel: str, at) -> dict:
    fields = adapted_fields(idea_content(idea, plan, at), channel, plan, at)
    if not fields["body"].strip():  # an adapter with nothing to say (a headline-only ad): the idea's text
        fields["body"] = idea.get("body", "")
    return fields


def _refused_as_channel(channel: str, action):
    """A channel's refusal, said of the channel it was for (the fields are the adapted post's)."""
    try:
        return action()
    except Invalid as error:
        label = channel_registry.get(channel).label
        said = "; ".join(f"{name} {problem}" for name, problem in error.fields.items()) or error.message
        raise Invalid(
            {"channels": f"{label}: {said}"}, message=_("the %(channel)s post could not be made", channel=label)
        ) from None


@dataclass
class Changes:
    """What a change of the set did to each of its posts (shown on the page, answered by the API)."""

    readapted: list[int] = field(default_factory=list)
    relinked: list[int] = field(default_factory=list)
    shifted: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    kept: list[dict] = field(default_factory=list)  # {"post_id", "why"}

    def to_dict(self) -> dict:
        return {
            "readapted": self.readapted,
            "relinked": self.relinked,
            "shifted": self.shifted,
            "cancelled": self.cancelled,
            "kept": self.kept,
        }


@unit_of_work
def change_set(post_set: PostSet, data) -> Changes:
    """``idea``: its fields given replace the old ones, and reach the posts that follow it;
    ``shift_minutes``: every post not yet out moves by that much."""
    if post_set.cancelled_at is not None:
        raise Invalid({"idea": _("the set was cancelled: its posts can still be edited one by one")})
    reader = Reader(data)
    new_idea = _idea(reader, post_set.idea or {}) if reader.has("idea") else None
    shift = reader.integer(
        "shift_minutes", minimum=-rules.SHIFT_MOST_MINUTES, maximum=rules.SHIFT_MOST_MINUTES, required=False
    )
    reader.done()
    changes = Changes()
    if new_idea is not None and new_idea != post_set.idea:
        _follow(post_set, new_idea, changes)
    if shift:
        _shift(post_set, timedelta(minutes=shift), changes)
    return changes


def _follow(post_set: PostSet, idea: dict, changes: Changes) -> None:
    old, plan = dict(post_set.idea or {}), post_set.plan
    post_set.idea = idea
    for post in members(post_set):
        if rules.follows_the_idea(post.status, digest_of(post), post.set_digest):
            fields = _fields(idea, plan, post.channel, post.scheduled_at)
            declared = channel_registry.get(post.channel).extra_fields
            extra = {name: fields["extra"].get(name) for name in declared}  # None: no longer there
            change = {"title": fields["title"], "body": fields["body"], "link": fields["link"], "extra": extra}
            _refused_as_channel(post.channel, lambda post=post, change=change: posts.update_post(post, change))
            post.set_digest = digest_of(post)
            changes.readapted.append(post.id)
        elif post.status in rules.FOLLOWS_THE_IDEA and old.get("link") != idea.get("link"):
            if _relink(post, old, idea):
                changes.relinked.append(post.id)
            else:
                changes.kept.append({"post_id": post.id, "why": _("edited by hand")})
        else:
            why = _("edited by hand") if post.status in rules.FOLLOWS_THE_IDEA else status_label(post.status)
            changes.kept.append({"post_id": post.id, "why": why})


def _relink(post: Post, old: dict, idea: dict) -> bool:
    """The shared link, changed on a post edited by hand: where it still carries the link the old idea
    gave it (in its link field, and in its text), the new idea's link for its channel."""
    plan = post.plan
    was = _fields(old, plan, post.channel, post.scheduled_at)["link"]
    now = _fields(idea, plan, post.channel, post.scheduled_at)["link"]
    if not was or post.link != was:
        return False
    change = {"link": now}
    if was in post.body:
        change["body"] = post.body.replace(was, now) if now else post.body
    _refused_as_channel(post.channel, lambda: posts.update_post(post, change))
    return True


def _shift(post_set: PostSet, delta: timedelta, changes: Changes) -> None:
    for post in members(post_set):
        if post.status not in rules.FOLLOWS_THE_IDEA or post.scheduled_at is None:
            if post.status not in rules.FOLLOWS_THE_IDEA:
                changes.kept.append({"post_id": post.id, "why": status_label(post.status)})
            continue
        when = (post.scheduled_at + delta).isoformat()
        try:
            posts.update_post(post, {"scheduled_at": when})
        except Invalid as error:
            label = channel_registry.get(post.channel).label
            said = "; ".join(f"{name} {problem}" for name, problem in error.fields.items()) or error.message
            raise Invalid(
                {
                    "shift_minutes": _(
                        "the %(channel)s post would move to %(time)s: %(problem)s",
                        channel=label,
                        time=when,
                        problem=said,
                    )
                }
            ) from None
        changes.shifted.append(post.id)


@unit_of_work
def cancel_set(post_set: PostSet) -> Changes:
    """Every post not yet out is cancelled (never delivered); the ones out, or on their way, stay."""
    changes = Changes()
    for post in members(post_set):
        if post.status in rules.CANCELLABLE:
            try:
                posts.cancel_post(post)
            except Conflict as error:  # it moved meanwhile (a worker took it): it stays as it is
                changes.kept.append({"post_id": post.id, "why": error.message})
                continue
            changes.cancelled.append(post.id)
        elif post.status != rules.CANCELLED:
            changes.kept.append({"post_id": post.id, "why": status_label(post.status)})
    post_set.cancelled_at = clock.now()
    return changes


def to_cancel(post_set: PostSet) -> list[Post]:
    """The posts cancelling the set would cancel: what the confirmation lists."""
    return [post for post in members(post_set) if post.status in rules.CANCELLABLE]


def summary(post_set: PostSet, found: list[Post] | None = None) -> rules.Summary:
    return rules.summary(
        rules.Member(
            channel=post.channel,
            status=post.status,
            errors=sum(1 for p in post.problems or [] if p.get("severity") == "error"),
            warnings=sum(1 for p in post.problems or [] if p.get("severity") == "warning"),
        )
        for post in (members(post_set) if found is None else found)
    )


def set_dict(post_set: PostSet) -> dict:
    found = members(post_set)
    glance = summary(post_set, found)
    return {
        "id": post_set.id,
        "plan_id": post_set.plan_id,
        "idea": dict(post_set.idea or {}),
        "status": {
            "state": glance.state,
            "words": glance.words,
            "counts": glance.counts,
            "errors": glance.errors,
            "warnings": glance.warnings,
        },
        "posts": [{**posts.post_dict(post), "edited_by_hand": not untouched(post)} for post in found],
        "author": {"id": post_set.author.id, "name": post_set.author.display_name} if post_set.author else None,
        "cancelled_at": post_set.cancelled_at.isoformat() if post_set.cancelled_at else None,
        "created_at": post_set.created_at.isoformat() if post_set.created_at else None,
    }


# --- reading what was sent ------------------------------------------------------------------------


def _idea(reader: Reader, before: dict) -> dict:
    """The idea's fields: those given replace ``before``'s (a new idea starts from nothing)."""
    given = reader.data.get("idea")
    if not isinstance(given, dict):
        reader.fail("idea", _("must be an object with a body (and a title, a link, media if you like)"))
        return dict(before)
    inner = Reader({**before, **given})
    idea = {
        "body": inner.text("body", max_length=posts.TEXT_LIMIT),
        "title": inner.text("title", required=False, max_length=300),
        "link": inner.text("link", required=False, max_length=2000),
        "media": inner.data.get("media") or [],
    }
    if idea["link"] and not web_link(idea["link"]):
        inner.fail("link", _("must be an http:// or https:// address"))
    wrong = [p.message for p in media_problems("media", idea["media"]) if p.severity == "error"]
    if wrong:
        inner.fail("media", wrong[0])
    for name, problem in inner.errors.items():
        reader.fail(f"idea.{name}", problem)
    return idea


def _channels(reader: Reader) -> list[str]:
    chosen = reader.string_list("channels", max_items=MOST_CHANNELS, max_length=40)
    if "channels" in reader.errors:
        return []
    if not chosen:
        reader.fail("channels", _("choose at least one channel"))
    unknown = [name for name in chosen if channel_registry.why_unknown(name)]
    if unknown:
        reader.fail("channels", channel_registry.why_unknown(unknown[0]))
    return [name for name in chosen if name not in unknown]
