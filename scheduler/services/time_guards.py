"""A time already past is refused for scheduling, and the refusal offers the next free slot instead.

Scheduling is a promise about the future: a post put on the calendar for yesterday would go out at
once and fill yesterday's commitment after the fact. So every way onto the calendar (scheduling,
approving, moving the time of a post already on it, creating a post to schedule it at once, the
imports that schedule) asks ``refuse_past`` first. What is not scheduling is left alone: a draft may
keep a past time (it only says so, ``note_past``), a queued post whose time passes while it waits is
still delivered by the workers and the sweeper, a post that could not be confirmed may be sent again,
and a post that went out elsewhere is recorded as such (``services.recording``), with its evidence.

``GRACE`` forgives clocks that disagree by a little (a browser's, a script's host's); the slot offered
is at least ``LEAD`` ahead, so that it is still ahead once a person has read it and pressed the button.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from scheduler.domain import formats
from scheduler.domain.language import _
from scheduler.domain.periods import day_start_utc, local_day, local_to_utc, period_of, plan_periods
from scheduler.domain.slots import EVERY_DAY, WINDOW_START, Cadence, next_free_slot
from scheduler.domain.statuses import CANCELLED
from scheduler.models import Plan, Post
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services.errors import Invalid

GRACE = timedelta(seconds=60)  # a time this little past is still "now": clock skew, a slow form
LEAD = timedelta(minutes=5)  # how far ahead the offered slot is, at least
LOOK_AHEAD = timedelta(days=35)  # the posts read for the offer at first: a month or so is nearly always enough


def is_past(instant: datetime | None) -> bool:
    """Whether scheduling at ``instant`` is refused: more than ``GRACE`` before now."""
    return instant is not None and instant < clock.now() - GRACE


def cadence(plan: Plan, channel: str) -> Cadence:
    """The channel's cadence in the plan: its commitment, or one post a day without one."""
    commitment = next((c for c in plan.commitments if c.channel == channel), None)
    return Cadence(commitment.posts, commitment.per) if commitment else EVERY_DAY


def free_slot(plan: Plan, channel: str, *, leaving: int | None = None, on_day: date | None = None) -> datetime | None:
    """The channel's next free slot in the plan (``domain.slots``), at least ``LEAD`` from now and, with
    ``on_day``, not before that day; ``leaving``: a post that moves, whose own time holds no slot."""
    rhythm = cadence(plan, channel)
    not_before = clock.now() + LEAD
    if on_day is not None:
        not_before = max(not_before, day_start_utc(on_day, plan.timezone))
    first = max(local_day(not_before, plan.timezone), plan.starts_on)
    if first > plan.ends_on:
        return None
    periods = plan_periods(plan.starts_on, plan.ends_on, rhythm.per)
    since = period_of(first, periods).first_day
    window = min(max(first + LOOK_AHEAD, period_of(first, periods).last_day), plan.ends_on)
    for last_day in dict.fromkeys((window, plan.ends_on)):
        taken = _times(plan, channel, since, last_day, leaving)
        found = next_free_slot(plan.starts_on, plan.ends_on, plan.timezone, rhythm, taken, not_before, last_day)
        if found is not None:
            return found
    return None


def free_slots(
    plan: Plan, channel: str, *, from_day: date | None = None, days: int = 14, limit: int = 20
) -> list[datetime]:
    """The channel's free slots (``domain.slots``) over ``days`` local days from ``from_day`` (today by
    default), each at least ``LEAD`` from now, in order; at most ``limit``. What an agent drafting for
    the plan is offered: each slot found is taken before the next is looked for, as a post put there would."""
    rhythm = cadence(plan, channel)
    not_before = clock.now() + LEAD
    if from_day is not None:
        not_before = max(not_before, day_start_utc(from_day, plan.timezone))
    first = max(local_day(not_before, plan.timezone), plan.starts_on)
    last = min(first + timedelta(days=max(days, 1) - 1), plan.ends_on)
    if first > last:
        return []
    periods = plan_periods(plan.starts_on, plan.ends_on, rhythm.per)
    read_until = period_of(last, periods).last_day  # the last period's posts hold its slots, whichever day
    taken = _times(plan, channel, period_of(first, periods).first_day, read_until, None)
    found: list[datetime] = []
    while len(found) < limit:
        slot = next_free_slot(plan.starts_on, plan.ends_on, plan.timezone, rhythm, taken, not_before, read_until)
        if slot is None or local_day(slot, plan.timezone) > last:
            break
        found.append(slot)
        taken.append(slot)
    return found


def _times(plan: Plan, channel: str, first: date, last: date, leaving: int | None) -> list[datetime]:
    """The times of the channel's posts (any but cancelled: a draft means someone meant that time) from
    ``first`` to ``last``, local days of the plan."""
    query = select(Post.scheduled_at).where(
        Post.plan_id == plan.id,
        Post.channel == channel,
        Post.status != CANCELLED,
        Post.scheduled_at >= day_start_utc(first, plan.timezone),
        Post.scheduled_at < day_start_utc(last + timedelta(days=1), plan.timezone),
    )
    if leaving is not None:
        query = query.where(Post.id != leaving)
    return [at for at in db.session.scalars(query) if at is not None]


def refuse_past(post: Post) -> None:
    """Invalid (on ``scheduled_at``, with the next free slot suggested) when the post's time is past."""
    if not is_past(post.scheduled_at):
        return
    slot = free_slot(post.plan, post.channel, leaving=post.id)
    raise Invalid(
        {
            "scheduled_at": _(
                "is already past (%(time)s): %(offer)s",
                time=shown(post.scheduled_at, post.plan),
                offer=offer(slot, post.plan),
            )
        },
        message=_("a time already past cannot be scheduled"),
        suggested={"scheduled_at": slot.isoformat()} if slot else None,
    )


def note_past(post: Post) -> None:
    """A draft (or any post off the calendar) may keep a past time; the answer says what that means."""
    if not is_past(post.scheduled_at):
        return
    slot = free_slot(post.plan, post.channel, leaving=post.id)
    notices = dict(getattr(post, "notices", None) or {})
    said = _(
        "is already past: a draft may keep it, but the post cannot be scheduled then; %(offer)s",
        offer=offer(slot, post.plan),
    )
    notices["scheduled_at"] = "; ".join(filter(None, (notices.get("scheduled_at"), said)))
    post.notices = notices


def offer(slot: datetime | None, plan: Plan) -> str:
    if slot is None:
        return _("the plan has no free slot left on this channel: choose a time to come")
    return _("the next free slot is %(time)s", time=shown(slot, plan))


def shown(instant: datetime, plan: Plan) -> str:
    """On the plan's clock, as the pages show times (in the reader's language)."""
    return formats.instant(instant, plan.timezone)


def proposed_for_day(plan: Plan, channel: str, day: date) -> datetime | None:
    """What "+" on a calendar day proposes: the day's next free slot to come; when the day is over (or
    past), the next free slot after it; on a day to come whose slots are all taken, its first slot
    (the person chose that day). None when nothing can be proposed (the plan is over)."""
    slot = free_slot(plan, channel, on_day=day)
    if slot is not None and local_day(slot, plan.timezone) == day:
        return slot
    if day > clock.today(plan.timezone) and plan.starts_on <= day <= plan.ends_on:
        return local_to_utc(datetime.combine(day, WINDOW_START), plan.timezone)
    return slot
