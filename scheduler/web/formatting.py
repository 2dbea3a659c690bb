"""How instants and shares read on a page: the pages' template filters, and the forms' time fields."""

from zoneinfo import ZoneInfo

from scheduler.domain import formats
from scheduler.domain.language import N_, _

FORM_TIME = "%Y-%m-%dT%H:%M"  # a datetime-local field's value
# the shapes pages ask for by their old strftime names: each is said as the reader's language says it
SHAPES = {
    "%a %d %b %Y, %H:%M": formats.INSTANT,
    "%H:%M": formats.TIME,
    "%d %b %H:%M": formats.DAY_AND_TIME,
    "%d %b %H:%M:%S": formats.DAY_AND_TIME_WITH_SECONDS,
    "%A %d %B %Y at %H:%M": formats.FULL,
    "%a %d %b": formats.DAY,
}


def local_time(instant, plan, fmt="%a %d %b %Y, %H:%M") -> str:
    """An instant on the plan's clock (every time a page shows is the plan's), in the reader's language;
    a form field's value (``FORM_TIME``, or any shape not named above) as strftime writes it."""
    if instant is None:
        return ""
    if fmt in SHAPES:
        return formats.instant(instant, plan.timezone, SHAPES[fmt])
    return instant.astimezone(ZoneInfo(plan.timezone)).strftime(fmt)


def percent(value) -> str:
    return formats.share(value)


# the audit trail names what changed as the forms do (never a column's name)
FIELD_LABELS = {
    "scheduled_at": N_("When"),
    "body": N_("Text"),
    "title": N_("Title"),
    "link": N_("Link"),
    "status": N_("Status"),
    "on_theme": N_("On theme"),
    "theme_source": N_("Theme decided by"),
    "extra": N_("Channel options"),
    "style_override": N_("Style override"),
    "trusted_html": N_("Trusted HTML"),
    "author_id": N_("Author"),
    "plan_id": N_("Plan"),
    "channel": N_("Channel"),
    "published_at": N_("Published at"),
    "remote_id": N_("Id at the service"),
    "remote_url": N_("Address at the service"),
    "recorded_by_hand": N_("Recorded by hand"),
    "failure_reason": N_("Why it failed"),
    "adapted_from_post_id": N_("Adapted from post"),
    "source_item_id": N_("From library item"),
    "lineage": N_("Where it came from"),
    "set_id": N_("One of the set"),
    "idea": N_("The idea"),
    "cancelled_at": N_("Cancelled at"),
    "key_message": N_("Key message"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "timezone": N_("Time zone"),
    "on_theme_min": N_("On-theme floor"),
    "one_note_max_share": N_("One-note ceiling"),
    "per": N_("Per"),
    "posts": N_("Posts"),
    "note": N_("Note"),
    "settings": N_("Settings"),
    "secrets": N_("Credentials"),
    "password_hash": N_("Password"),
    "totp_secret": N_("Two-step code"),
    "active": N_("May sign in"),
    "is_pattern": N_("Pattern"),
    "updated_by": N_("Edited by"),
    "deleted_at": N_("Deleted at"),
    "email": N_("Email"),
    "name": N_("Name"),
    "role": N_("Role"),
    "language": N_("Language"),
    "label": N_("Label"),
    "read_only": N_("Read only"),
    "revoked_at": N_("Revoked at"),
    "kind": N_("Kind"),
    "severity": N_("Severity"),
    "avoid": N_("Avoid"),
    "prefer": N_("Prefer"),
    "keywords": N_("Keywords"),
    "triggers": N_("Triggers"),
    "requires": N_("Requires"),
    "rule": N_("Rule"),
    "status_message": N_("What the service said"),
    "session_epoch": N_("Sessions"),
}


def field_label(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ").capitalize()
