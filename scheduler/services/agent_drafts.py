"""What an agent (an AI assistant acting with a person's token, through MCP) writes: drafts, library items
adapted to a channel, and drafts put on the calendar. Each is the use case a person runs in the editor
(``posts.create_post``, ``reuse.adapt_item``, ``posts.schedule_post``), so the agent meets the same
checks, the same approvals and the same refusals; what is added is a line in each draft's history
saying an agent drafted it (``post_history.note_drafted_by_agent``), in the same unit of work.
"""

from __future__ import annotations

import channels.registry as channel_registry
from scheduler.models import Post
from scheduler.services import items, plans, post_history, posts, reuse, time_guards
from scheduler.services.post_checks import blocking_errors, in_words
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader

# the fields a draft takes from an agent: the editor's, without the manager's marks (trusted HTML) or
# the channel's options (an agent writes words; a person sets the rest in the editor)
DRAFT_FIELDS = ("plan_id", "channel", "body", "title", "link", "scheduled_at")


@unit_of_work
def create_draft(data, through: str) -> Post:
    """A draft, as ``POST /posts`` makes it (its findings kept on it), marked as an agent's in its history;
    in the channel's next free slot (``time_guards.free_slot``) when no time is given."""
    fields = {name: value for name, value in Reader(data).data.items() if name in DRAFT_FIELDS and value is not None}
    if "scheduled_at" not in fields:
        slot = _free_slot(fields.get("plan_id"), fields.get("channel"))
        if slot is not None:
            fields["scheduled_at"] = slot.isoformat()
    post = posts.create_post(fields)
    post_history.note_drafted_by_agent(post, through)
    return post


@unit_of_work
def adapt_item(item_id, data, through: str) -> Post:
    """A library item made a draft on another channel, as ``POST /library/items/<id>/adapt`` makes it
    (in the channel's next free slot when no time is given; in the current plan when none is named),
    marked as an agent's in its history."""
    data = dict(Reader(data).data)
    if data.get("plan_id") is None:
        current = plans.current_plan()
        data["plan_id"] = current.id if current else None  # none: refused on plan_id, as the API refuses it
    post = reuse.adapt_item(items.get_item(item_id), data)
    post_history.note_drafted_by_agent(post, through)
    return post


@unit_of_work
def schedule(post_id, scheduled_at: str | None = None) -> Post:
    """``POST /posts/<id>/schedule``, at ``scheduled_at`` when given (the time is saved first, as the
    editor's Schedule saves the form): a creator's post waits for approval where the plan asks for it."""
    post = posts.get_post(post_id)
    if scheduled_at is not None:
        posts.update_post(post, {"scheduled_at": scheduled_at}, scheduling=True)
    return posts.schedule_post(post)


def why_not_scheduled(post_id) -> list[dict]:
    """The findings that keep a post off the calendar (with their codes), as kept on the post: what a
    refusal to schedule it says in one sentence, spelled out for an agent to fix one by one."""
    post = posts.get_post(post_id)
    return in_words(post, blocking_errors(post))


def _free_slot(plan_id, channel):
    """The channel's next free slot in the plan, when both are ones Refrain knows (else the draft's own
    checks say what is wrong with them)."""
    plan = plans.find_plan(plan_id)
    if plan is None or channel not in channel_registry.names():
        return None
    return time_guards.free_slot(plan, channel)
