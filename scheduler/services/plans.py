"""Plans and their per-channel commitments: create, change, read."""

from datetime import timedelta

from sqlalchemy import select

import channels.registry as channel_registry
from channels.shaping import ascii_slug
from scheduler.domain import formats
from scheduler.domain.language import N_, _
from scheduler.models import Commitment, Plan
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services.errors import NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

PERIODS = ("day", "week", "month", "quarter")
# a period as a choice names it (translated where shown)
PERIOD_WORDS = {"day": N_("day"), "week": N_("week"), "month": N_("month"), "quarter": N_("quarter")}
LONGEST_PLAN = timedelta(days=400)


def get_plan(plan_id) -> Plan:
    plan = db.session.get(Plan, plan_id) if is_id(plan_id) else None
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    return plan


def find_plan(plan_id) -> Plan | None:
    """The plan, or None; an id given as text (a form's) is read as a number."""
    if isinstance(plan_id, str) and plan_id.strip().isdigit():
        plan_id = int(plan_id)
    return db.session.get(Plan, plan_id) if is_id(plan_id) else None


def all_plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.starts_on.desc(), Plan.id.desc())))


def current_plan() -> Plan | None:
    """The plan running today, else the one that ends last: where "Use on…" puts a draft unless told
    otherwise."""
    every = all_plans()
    running = [p for p in every if p.starts_on <= clock.today(p.timezone) <= p.ends_on]
    return (running or sorted(every, key=lambda p: p.ends_on, reverse=True) or [None])[0]


@unit_of_work
def create_plan(data) -> Plan:
    plan = Plan()
    _apply_plan_fields(plan, Reader(data), partial=False)
    db.session.add(plan)
    db.session.flush()
    return plan


@unit_of_work
def update_plan(plan: Plan, data) -> Plan:
    _apply_plan_fields(plan, Reader(data), partial=True)
    return plan


def _apply_plan_fields(plan: Plan, reader: Reader, partial: bool) -> None:
    def wanted(name):
        return not partial or reader.has(name)

    values = {}
    if wanted("name"):
        values["name"] = reader.text("name", max_length=200)
    if wanted("theme"):
        values["theme"] = reader.text("theme", max_length=200)
    if wanted("key_message"):
        values["key_message"] = reader.text("key_message", required=False, max_length=2000)
    if wanted("keywords"):
        values["keywords"] = reader.string_list("keywords", required=False)
    if wanted("starts_on"):
        values["starts_on"] = reader.day("starts_on")
    if wanted("ends_on"):
        values["ends_on"] = reader.day("ends_on")
    if wanted("timezone"):
        values["timezone"] = reader.time_zone("timezone")
    if reader.has("approval_required"):  # omitted (or null) on a new plan: no approval
        values["approval_required"] = bool(reader.boolean_or_none("approval_required"))
    starts_on = values.get("starts_on", plan.starts_on)
    ends_on = values.get("ends_on", plan.ends_on)
    if starts_on and ends_on and not {"starts_on", "ends_on"} & set(reader.errors):
        if ends_on < starts_on:
            reader.fail("ends_on", _("must be on or after the first day"))
        elif ends_on - starts_on > LONGEST_PLAN:
            reader.fail("ends_on", _("a plan may last at most %(days)s days", days=LONGEST_PLAN.days))
    reader.done()
    for name, value in values.items():
        setattr(plan, name, value)


@unit_of_work
def set_commitment(plan: Plan, channel: str, data) -> tuple[Commitment, bool]:
    """Create or replace the plan's commitment on one channel; returns it and whether it is new."""
    reader = Reader(data)
    if channel_registry.why_unknown(channel):
        why = channel_registry.why_unknown(channel)
        raise NotFound(f"channel {channel}", why, {"channel": why})
    posts = reader.integer("posts", minimum=1, maximum=10000)
    per = reader.choice("per", PERIODS)
    on_theme_min = reader.integer("on_theme_min", minimum=0, maximum=10000, required=False, default=0)
    ceiling = reader.fraction("one_note_max_share", required=False, default=1.0)
    note = reader.text("note", required=False, max_length=2000)
    approval = reader.boolean_or_none("approval_required")  # null or omitted: as the plan says
    if not reader.errors:
        if on_theme_min > posts:
            reader.fail("on_theme_min", _("cannot be more than the posts per period (%(posts)s)", posts=posts))
        elif on_theme_min / posts > ceiling:
            reader.fail(
                "one_note_max_share",
                _(
                    "must be at least the floor (%(share)s, %(floor)s of %(posts)s on theme): "
                    "no period could be both on theme enough and not one-note",
                    share=formats.share(on_theme_min / posts),
                    floor=on_theme_min,
                    posts=posts,
                ),
            )
    reader.done()
    commitment = next((c for c in plan.commitments if c.channel == channel), None)
    created = commitment is None
    if created:
        commitment = Commitment(channel=channel)
        plan.commitments.append(commitment)
    commitment.posts, commitment.per = posts, per
    commitment.on_theme_min, commitment.one_note_max_share, commitment.note = on_theme_min, ceiling, note
    commitment.approval_required = approval
    return commitment, created


@unit_of_work
def remove_commitment(plan: Plan, channel: str) -> None:
    commitment = next((c for c in plan.commitments if c.channel == channel), None)
    if commitment is None:
        raise NotFound("commitment", _("no commitment on %(channel)s", channel=channel))
    plan.commitments.remove(commitment)


def slug(plan: Plan) -> str:
    """The plan's name as a UTM campaign name: ASCII, lower case, dashes."""
    return ascii_slug(plan.name) or f"plan-{plan.id}"


def commitment_dict(commitment: Commitment) -> dict:
    return {
        "channel": commitment.channel,
        "posts": commitment.posts,
        "per": commitment.per,
        "on_theme_min": commitment.on_theme_min,
        "one_note_max_share": commitment.one_note_max_share,
        "note": commitment.note,
        "approval_required": commitment.approval_required,
    }


def plan_dict(plan: Plan) -> dict:
    return {
        "id": plan.id,
        "name": plan.name,
        "theme": plan.theme,
        "key_message": plan.key_message,
        "keywords": list(plan.keywords or []),
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "timezone": plan.timezone,
        "approval_required": bool(plan.approval_required),
        "commitments": [commitment_dict(c) for c in plan.commitments],
        "created_at": plan.created_at.isoformat() if plan.created_at else None,
    }
