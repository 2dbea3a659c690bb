"""A post's statuses, where each may go, and what a person may do with a post in each.

Pure rules: ``services.lifecycle`` applies them in the database (one guarded ``UPDATE`` per change),
the pages and the API read them (which buttons to show, which edits to refuse).
"""

DRAFT, SCHEDULED, QUEUED = "draft", "scheduled", "queued"
PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED, CANCELLED = "publishing", "published", "failed", "unconfirmed", "cancelled"
STATUSES = (DRAFT, SCHEDULED, QUEUED, PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED, CANCELLED)

# where each status may go; anything else is refused
TRANSITIONS = {
    DRAFT: frozenset({SCHEDULED, CANCELLED}),
    SCHEDULED: frozenset({QUEUED, DRAFT, CANCELLED}),
    QUEUED: frozenset({PUBLISHING, SCHEDULED, DRAFT, CANCELLED}),
    # scheduled: its account was refused; queued: a retry, or a rate limit's pause
    PUBLISHING: frozenset({PUBLISHED, FAILED, UNCONFIRMED, QUEUED, SCHEDULED}),
    FAILED: frozenset({SCHEDULED, DRAFT, CANCELLED}),
    UNCONFIRMED: frozenset({PUBLISHED, SCHEDULED, CANCELLED}),
    PUBLISHED: frozenset(),
    CANCELLED: frozenset({DRAFT}),
}

# a post whose text and time a person may still change: not while a worker holds it, not once it is out
EDITABLE = frozenset({DRAFT, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})
# what may be (re)scheduled: sent again after a failure, or after a delivery nobody could confirm
SCHEDULABLE = frozenset({DRAFT, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})

# the editor's buttons, by status
ACTIONS = {
    DRAFT: ("save", "schedule", "cancel"),
    SCHEDULED: ("save", "unschedule", "cancel"),
    QUEUED: ("save", "unschedule", "cancel"),
    PUBLISHING: (),
    PUBLISHED: (),
    FAILED: ("save", "schedule", "cancel"),
    UNCONFIRMED: ("save", "confirm", "send_again", "cancel"),
    CANCELLED: (),
}


def sources_of(target: str) -> frozenset[str]:
    """Every status a post may come to ``target`` from."""
    return frozenset(source for source, targets in TRANSITIONS.items() if target in targets)


def actions_for(status: str | None) -> tuple[str, ...]:
    """What a person may do with a post in ``status`` (None: a post not saved yet)."""
    return ("save", "schedule") if status is None else ACTIONS.get(status, ())


def is_editable(status: str) -> bool:
    return status in EDITABLE
