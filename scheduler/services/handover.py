"""Handing a post to its service ahead of its time, and taking it back.

Some services hold a post until its time and publish it by themselves (WordPress ``future``, YouTube
``publishAt``: ``Channel.schedules_ahead``). A post marked ``hand_over_early`` is given to such a
service as soon as it is on the calendar, so it goes out even if Refrain is down at its time. The
hand-over is a copy, not the delivery: the post stays ``scheduled`` or ``queued``, and its delivery job
still runs at its time, through the same adapter, which finds the service's id on the post and updates
that object; the post then becomes ``published`` with the service's final address (or, when Refrain
was down at that time, the late job only confirms what the service already did).

Hence the rules here:

- a hand-over never fails the post: what goes wrong is noted in its history and tried again later
  (while its time is still far enough), and the delivery at its time is the safety net;
- the result is written by a guarded ``UPDATE`` on a post still on the calendar
  (``lifecycle.note_in_place``), so a worker's claim or a person's cancel wins cleanly; a hand-over
  that loses to a cancel takes back what it has just given;
- an edit hands the post over again (an update at the stored id); a time moved too close is left to
  the delivery; taking the post off the calendar (cancelled, back to draft or to review, or the option
  unticked) withdraws it from the service, and when the service won't let go, the post's history and
  page say so plainly, with its link;
- one call about a post at a time (a Redis lock), so two hand-overs never make two objects.
"""

import logging
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

import channels.registry as channel_registry
from channels.base import Account, Outcome
from scheduler.domain.language import _
from scheduler.domain.links import web_link
from scheduler.infra import ratelimits
from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import accounts, lifecycle, runtime
from scheduler.services.clock import now
from scheduler.services.lifecycle import CANCELLED, DRAFT, FAILED, IN_REVIEW, QUEUED, SCHEDULED
from scheduler.services.live_context import live_context
from scheduler.services.post_checks import blocking_errors, check_post, content_of
from scheduler.services.unit_of_work import after_commit, unit_of_work

log = logging.getLogger(__name__)
MARGIN = timedelta(minutes=2)  # closer to its time than this, the delivery job does the work
MAX_ATTEMPTS = 6  # hand-over calls for one change of a post (the delivery at its time still follows)
MAX_WITHDRAWALS = 5
LOCK_MS = 150_000  # longer than a job may run (DELIVERY_JOB_TIMEOUT): a dead worker's lock expires
BUSY = "busy"  # another call about the post is under way: the job comes back in a few seconds
HELD = frozenset({SCHEDULED, QUEUED})  # on the calendar: what a service may hold ahead of time
OFF_CALENDAR = frozenset({DRAFT, IN_REVIEW, CANCELLED, FAILED})

_POST_WITH_PLAN = select(Post).options(joinedload(Post.plan)).where(Post.id == bindparam("post_id"))


# --- what is offered ---------------------------------------------------------------------------------


def why_not_offered(channel: str) -> str:
    """ "" when a post of ``channel`` may be handed over ahead of its time, else why not, in words."""
    if channel not in channel_registry.names():
        return _("%(channel)s is not a channel", channel=repr(channel))
    adapter = channel_registry.get(channel)
    label = adapter.label
    if runtime.settings().delivery != "live":
        return _(
            "posts reach %(channel)s only in live delivery (REFRAIN_DELIVERY=live), so nothing can be handed over",
            channel=label,
        )
    if not adapter.account_fields:  # a service that holds posts for later holds them for an account
        return _("%(channel)s cannot hold a post until its time", channel=label)
    stored = accounts.for_channel(channel)
    if stored is None:
        return _("connect a %(channel)s account first (Accounts page)", channel=label)
    if stored.status == accounts.UNAUTHORIZED:
        return _("the %(channel)s account must be reconnected first (Accounts page)", channel=label)
    # judged on the account's settings: its secrets are not opened to answer a question
    account = Account(stored.id, stored.channel, stored.name, dict(stored.settings or {}))
    if not adapter.schedules_ahead(account):
        return _("%(channel)s cannot hold a post until its time", channel=label)
    return ""


def offered(channel: str) -> bool:
    return not why_not_offered(channel)


def label_of(channel: str) -> str:
    return channel_registry.get(channel).label if channel in channel_registry.names() else channel


# --- the hooks the posts' use cases call, inside their unit of work --------------------------------------


def offer(post_id: int, when: datetime | None, wanted: bool) -> None:
    """A post was put on the calendar, moved, or changed: once that is committed, it is handed over (or
    over again: an update at the stored id) if it asked to be and its time is far enough."""
    if wanted and _far_enough(when):
        after_commit(lambda: runtime.queues().enqueue_hand_over(post_id))


def take_back(post: Post) -> None:
    """A post taken off the calendar (or no longer to be handed over): once that is committed, the
    service it was handed to is asked to withdraw it."""
    if post.handed_over_at is not None and post.remote_id:
        post_id = post.id
        after_commit(lambda: _enqueue_withdrawal(post_id))


def _enqueue_withdrawal(post_id: int, when: datetime | None = None, attempt: int = 0) -> None:
    try:
        runtime.queues().enqueue_withdrawal(post_id, when, attempt)
    except Exception as error:  # noqa: BLE001 - Redis away: the service keeps the post; say so on it
        log.warning("could not queue the withdrawal of post %s: %s", post_id, type(error).__name__)
        with unit_of_work():
            post = db.session.get(Post, post_id)
            _cannot_withdraw(post, label_of(post.channel), _("the queue could not be reached to ask for it"))


def _far_enough(when: datetime | None) -> bool:
    return when is not None and when - MARGIN > now()


# --- the hand-over job ------------------------------------------------------------------------------------


def hand_over(post_id: int, attempt: int = 0) -> str:
    """Give the post to its service with its future time, if it still asks for that; returns what
    happened, for the job's result (``BUSY``: another call about this post is under way)."""
    with _one_at_a_time(post_id) as mine:
        return _hand_over(post_id, attempt) if mine else BUSY


def _hand_over(post_id: int, attempt: int) -> str:
    with unit_of_work():
        post = db.session.execute(_POST_WITH_PLAN, {"post_id": post_id}).scalar_one_or_none()
        if post is None:
            return "missing"
        why = _why_not_now(post)
        if why:
            return f"skipped: {why}"
        adapter = channel_registry.get(post.channel)
        context, refusal = _prepare(post, adapter, asks_schedules_ahead=True)
        validation = check_post(post)  # checked again: the guide or the channel's rules may have changed
        blocking = blocking_errors(post)
        if blocking and refusal is None:
            refusal = Outcome.rejected("; ".join(p["message"] for p in blocking))
        content = content_of(post)
        facts = _Facts(post, adapter.label)
    outcome = refusal or _call(adapter.deliver, validation.draft, content, context, facts)
    with unit_of_work():
        return _record_hand_over(facts, outcome, attempt)


def _why_not_now(post: Post) -> str:
    if post.status not in HELD:
        return f"it is {post.status}"
    if not post.hand_over_early:
        return "it is not to be handed over"
    if not _far_enough(post.scheduled_at):
        return "its time is too close: its delivery does it"
    return ""


class _Facts:
    """What the record of a call needs from the post as it was read (the call runs outside any unit)."""

    def __init__(self, post: Post, label: str):
        self.post_id, self.channel, self.label, self.remote_id = post.id, post.channel, label, post.remote_id or ""
        self.remote_url, self.scheduled_at = post.remote_url or "", post.scheduled_at
        zone = post.plan.timezone if post.plan else "UTC"
        local = post.scheduled_at.astimezone(ZoneInfo(zone)) if post.scheduled_at else None
        self.when = f"{local:%Y-%m-%d %H:%M} ({zone})" if local else _("its time")


def _prepare(post: Post, adapter, asks_schedules_ahead: bool):
    """(the live context, None), or (None, the outcome that stands for the call, made without it)."""
    label = adapter.label
    if runtime.settings().delivery != "live":
        return None, Outcome.rejected(_("live delivery is off (REFRAIN_DELIVERY), so nothing reaches the service"))
    account = accounts.for_channel(post.channel) if adapter.account_fields else None
    if account is None:
        return None, Outcome.rejected(_("no %(channel)s account is connected", channel=label))
    if account.status == accounts.UNAUTHORIZED:
        return None, Outcome.rejected(
            _("the %(channel)s account must be reconnected (%(why)s)", channel=label, why=account.status_message)
        )
    paused = ratelimits.paused_for(runtime.queues().connection, account.id)
    if paused:
        return None, Outcome.retry(
            _("the account rests for %(seconds)s s (rate limit)", seconds=round(paused)), retry_after=paused
        )
    try:
        account_data = accounts.as_adapter_account(account)
    except UnreadableSecrets as error:
        accounts.mark_unauthorized(account.id, str(error))
        return None, Outcome.rejected(str(error))
    if asks_schedules_ahead and not adapter.schedules_ahead(account_data):
        return None, Outcome.rejected(
            _("%(channel)s cannot hold a post until its time with this account", channel=label)
        )
    return live_context(account_data, post_id=post.id), None


def _call(method, *arguments) -> Outcome:
    """The adapter's call, outside any transaction; an adapter's bug is an outcome like any other."""
    *given, facts = arguments
    try:
        return method(*given)
    except Exception as error:  # noqa: BLE001 - never leave a job half done for an adapter's bug
        log.error("the %s adapter raised %s for post %s", facts.label, type(error).__name__, facts.post_id)
        return Outcome.unconfirmed(
            _("the %(channel)s adapter failed (%(error)s)", channel=facts.label, error=type(error).__name__)
        )


def _record_hand_over(facts: _Facts, outcome: Outcome, attempt: int) -> str:
    label, post_id = facts.label, facts.post_id
    if outcome.status == "published":
        values = {
            "remote_id": outcome.remote_id or facts.remote_id,
            "remote_url": web_link(outcome.url) or facts.remote_url,  # a service's answer: http(s) only
            "handed_over_at": now(),
        }
        note = _("handed over to %(channel)s, to go out at %(when)s", channel=label, when=facts.when)
        if lifecycle.note_in_place(post_id, HELD, note, **values):
            return "handed over"
        # it left the calendar while the service was being asked: take back what was just given
        taken_off = _("%(note)s, as it was taken off the calendar: withdrawing it", note=note)
        if lifecycle.note_in_place(post_id, OFF_CALENDAR, taken_off, **values):
            after_commit(lambda: _enqueue_withdrawal(post_id))
            return "handed over, then withdrawn"
        log.warning("post %s was handed over as its delivery began; the delivery's record stands", post_id)
        return "handed over as it was being delivered"
    if outcome.status == "unauthorized":
        account = accounts.for_channel(facts.channel)
        if account is not None:
            accounts.mark_unauthorized(account.id, outcome.message)
    then = _("Refrain delivers it at its time")
    if outcome.status in ("retry", "unconfirmed"):
        delay = outcome.retry_after or min(60 * 2**attempt, 3600)
        later = now() + timedelta(seconds=delay)
        if attempt + 1 < MAX_ATTEMPTS and facts.scheduled_at and later < facts.scheduled_at - MARGIN:
            if lifecycle.note_in_place(
                post_id,
                HELD,
                _(
                    "could not hand it over to %(channel)s (%(said)s); trying again in %(seconds)s s",
                    channel=label,
                    said=outcome.message,
                    seconds=round(delay),
                ),
            ):
                after_commit(lambda: runtime.queues().enqueue_hand_over(post_id, later, attempt + 1))
            return f"will try again: {outcome.status}"
        lifecycle.note_in_place(
            post_id,
            HELD,
            _(
                "could not hand it over to %(channel)s (%(said)s); %(then)s",
                channel=label,
                said=outcome.message,
                then=then,
            ),
        )
        return f"not handed over: {outcome.status}"
    lifecycle.note_in_place(
        post_id,
        HELD,
        _(
            "not handed over to %(channel)s: %(said)s; %(then)s",
            channel=label,
            said=outcome.message or outcome.status,
            then=then,
        ),
    )
    return f"not handed over: {outcome.status}"


# --- the withdrawal job -----------------------------------------------------------------------------------


def withdraw(post_id: int, attempt: int = 0) -> str:
    """Ask the service to let go of a post handed over, now off the calendar; returns what happened."""
    with _one_at_a_time(post_id) as mine:
        return _withdraw(post_id, attempt) if mine else BUSY


def _withdraw(post_id: int, attempt: int) -> str:
    with unit_of_work():
        post = db.session.execute(_POST_WITH_PLAN, {"post_id": post_id}).scalar_one_or_none()
        if post is None:
            return "missing"
        if post.handed_over_at is None or not post.remote_id:
            return "nothing to withdraw"
        if post.status in HELD and post.hand_over_early:
            return "skipped: on the calendar again (its hand-over updates what the service holds)"
        if post.status not in HELD | OFF_CALENDAR:
            return f"skipped: {post.status}"
        adapter = channel_registry.get(post.channel)
        context, refusal = _prepare(post, adapter, asks_schedules_ahead=False)
        content = content_of(post)
        facts = _Facts(post, adapter.label)
    outcome = refusal or _call(adapter.withdraw, content, context, facts)
    with unit_of_work():
        return _record_withdrawal(facts, outcome, attempt)


def _record_withdrawal(facts: _Facts, outcome: Outcome, attempt: int) -> str:
    label, post_id = facts.label, facts.post_id
    where = HELD | OFF_CALENDAR
    if outcome.status == "published":
        if outcome.message:
            note = _("withdrawn from %(channel)s: %(said)s", channel=label, said=outcome.message)
        else:
            note = _("withdrawn from %(channel)s", channel=label)
        lifecycle.note_in_place(post_id, where, note, handed_over_at=None, failure_reason="")
        return "withdrawn"
    if outcome.status == "unauthorized":
        account = accounts.for_channel(facts.channel)
        if account is not None:
            accounts.mark_unauthorized(account.id, outcome.message)
    if outcome.status in ("retry", "unconfirmed"):
        delay = outcome.retry_after or min(30 * 2**attempt, 1800)
        later = now() + timedelta(seconds=delay)
        if attempt + 1 < MAX_WITHDRAWALS and (facts.scheduled_at is None or later < facts.scheduled_at):
            again = _(
                "could not withdraw it from %(channel)s yet (%(said)s); trying again in %(seconds)s s",
                channel=label,
                said=outcome.message,
                seconds=round(delay),
            )
            if lifecycle.note_in_place(post_id, where, again):
                after_commit(lambda: _enqueue_withdrawal(post_id, later, attempt + 1))
            return f"will try again: {outcome.status}"
    post = db.session.get(Post, post_id)
    _cannot_withdraw(post, label, outcome.message or outcome.status)
    return f"not withdrawn: {outcome.status}"


def _cannot_withdraw(post: Post | None, label: str, why: str) -> None:
    """Said plainly on the post (its history and its page): the service still holds it, and where."""
    if post is None:
        return
    if post.remote_url:
        reason = _(
            "%(channel)s still holds this post as scheduled at %(where)s, and it goes out there at its time unless "
            "you remove it there: Refrain could not withdraw it (%(why)s)",
            channel=label,
            where=post.remote_url,
            why=why,
        )
    else:
        reason = _(
            "%(channel)s still holds this post as scheduled (its id there: %(id)s), and it goes out there at its "
            "time unless you remove it there: Refrain could not withdraw it (%(why)s)",
            channel=label,
            id=post.remote_id,
            why=why,
        )
    lifecycle.note_in_place(post.id, HELD | OFF_CALENDAR, reason, failure_reason=reason[:2000])


# --- one call about a post at a time --------------------------------------------------------------------


@contextmanager
def _one_at_a_time(post_id: int):
    """A Redis lock per post for hand-overs and withdrawals: two calls at once could each create an
    object on the service. A lock a dead worker left expires after ``LOCK_MS``."""
    queues = runtime.queues()
    key, token = queues.key(f"hand-over:{post_id}"), uuid.uuid4().hex
    mine = bool(queues.connection.set(key, token, nx=True, px=LOCK_MS))
    try:
        yield mine
    finally:
        if mine and queues.connection.get(key) == token.encode():
            queues.connection.delete(key)
