"""How instants and shares read on a page: the pages' template filters, and the forms' time fields."""

from zoneinfo import ZoneInfo

FORM_TIME = "%Y-%m-%dT%H:%M"  # a datetime-local field's value


def local_time(instant, plan, fmt="%a %d %b %Y, %H:%M") -> str:
    """An instant on the plan's clock (every time a page shows is the plan's)."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(plan.timezone)).strftime(fmt)


def percent(value) -> str:
    return "–" if value is None else f"{value:.0%}"


# the audit trail names what changed as the forms do (never a column's name)
FIELD_LABELS = {
    "scheduled_at": "When",
    "body": "Text",
    "title": "Title",
    "link": "Link",
    "status": "Status",
    "on_theme": "On theme",
    "theme_source": "Theme decided by",
    "extra": "Channel options",
    "style_override": "Style override",
    "trusted_html": "Trusted HTML",
    "author_id": "Author",
    "plan_id": "Plan",
    "channel": "Channel",
    "published_at": "Published at",
    "remote_id": "Id at the service",
    "remote_url": "Address at the service",
    "recorded_by_hand": "Recorded by hand",
    "failure_reason": "Why it failed",
    "adapted_from_post_id": "Adapted from post",
    "source_item_id": "From library item",
    "lineage": "Where it came from",
    "set_id": "One of the set",
    "idea": "The idea",
    "cancelled_at": "Cancelled at",
    "key_message": "Key message",
    "starts_on": "Starts on",
    "ends_on": "Ends on",
    "timezone": "Time zone",
    "on_theme_min": "On-theme floor",
    "one_note_max_share": "One-note ceiling",
    "per": "Per",
    "posts": "Posts",
    "note": "Note",
    "settings": "Settings",
    "secrets": "Credentials",
    "password_hash": "Password",
    "totp_secret": "Two-step code",
    "active": "May sign in",
    "is_pattern": "Pattern",
    "updated_by": "Edited by",
    "deleted_at": "Deleted at",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()
