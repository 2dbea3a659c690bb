"""A post's statuses, where each may go, and what a person may do with a post in each.

Pure rules: ``services.lifecycle`` applies them in the database (one guarded ``UPDATE`` per change),
the pages and the API read them (which buttons to show, which edits to refuse). A status is a value
(the API's, the CSV's); people read it through ``label``, in their language.
"""

from scheduler.domain.language import N_, _

DRAFT, IN_REVIEW, SCHEDULED, QUEUED = "draft", "in_review", "scheduled", "queued"
PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED, CANCELLED = "publishing", "published", "failed", "unconfirmed", "cancelled"
STATUSES = (DRAFT, IN_REVIEW, SCHEDULED, QUEUED, PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED, CANCELLED)
# each status as people read it
LABELS = {
    DRAFT: N_("draft"),
    IN_REVIEW: N_("in review"),
    SCHEDULED: N_("scheduled"),
    QUEUED: N_("queued"),
    PUBLISHING: N_("publishing"),
    PUBLISHED: N_("published"),
    FAILED: N_("failed"),
    UNCONFIRMED: N_("unconfirmed"),
    CANCELLED: N_("cancelled"),
}

# where each status may go; anything else is refused
# in_review: waiting for a manager's approval (plans that require it). A creator's schedule puts a post
# there from wherever a schedule starts; an approved post a creator changes goes back there (scheduled,
# queued); approval makes it scheduled, asking for changes makes it a draft again.
# published from draft, in_review, scheduled, queued or failed: a person recorded that it went out
# elsewhere, with its link (services.recording); never while a worker holds it
TRANSITIONS = {
    DRAFT: frozenset({IN_REVIEW, SCHEDULED, CANCELLED, PUBLISHED}),
    IN_REVIEW: frozenset({SCHEDULED, DRAFT, CANCELLED, PUBLISHED}),
    SCHEDULED: frozenset({QUEUED, IN_REVIEW, DRAFT, CANCELLED, PUBLISHED}),
    QUEUED: frozenset({PUBLISHING, IN_REVIEW, SCHEDULED, DRAFT, CANCELLED, PUBLISHED}),
    # scheduled: its account was refused; queued: a retry, or a rate limit's pause
    PUBLISHING: frozenset({PUBLISHED, FAILED, UNCONFIRMED, QUEUED, SCHEDULED}),
    FAILED: frozenset({IN_REVIEW, SCHEDULED, DRAFT, CANCELLED, PUBLISHED}),
    # sent again as it was: whatever it said was approved before it went (or may have gone) out
    UNCONFIRMED: frozenset({PUBLISHED, SCHEDULED, CANCELLED}),
    PUBLISHED: frozenset(),
    # draft: brought back to work on; the others: a cancel undone within minutes (services.cancel_undo),
    # back where it was (a queued post comes back through scheduled, as a schedule puts it there)
    CANCELLED: frozenset({DRAFT, IN_REVIEW, SCHEDULED, FAILED, UNCONFIRMED}),
}

# a post whose text and time a person may still change: not while a worker holds it, not once it is out
EDITABLE = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})
# what may be (re)scheduled: sent again after a failure, or after a delivery nobody could confirm; a post
# in review too (a manager's schedule is their approval; a creator's leaves it waiting)
SCHEDULABLE = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})
# the buttons only a manager (or an owner) is offered: ``services.posts.actions`` leaves them out for others
MANAGERS_ONLY = frozenset({"approve", "request_changes", "review_link"})

# the editor's buttons, by status
ACTIONS = {
    DRAFT: ("save", "schedule", "cancel"),
    IN_REVIEW: ("save", "approve", "request_changes", "review_link", "unschedule", "cancel"),
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


def label(status: str | None) -> str:
    """A status as people read it, in their language (a value we do not know: as it is)."""
    return _(LABELS[status]) if status in LABELS else (status or "")
