"""Edits in a post's own history: the list of what happened to it that its page shows under "History".

Status moves write their lines there as they happen (``lifecycle``); an edit is not a move, so without
this a queued post changed an hour before its time showed nothing in its history, though what goes
out is not what was approved or first scheduled. Each saved edit adds one line, in the status the post
stays in, naming who changed which fields (the before and after of each are in the audit trail beside it).
"""

from sqlalchemy import insert, inspect

from scheduler.models import Post, PostEvent
from scheduler.models.base import utcnow
from scheduler.models.database import db
from scheduler.services import actor

# the fields a person edits, as the history names them; derived columns (problems, theme matches) and the
# status (its moves have lines of their own) are left out
EDITED_FIELDS = {
    "title": "title",
    "body": "text",
    "link": "link",
    "scheduled_at": "time",
    "extra": "channel options",
    "theme_source": "theme",
    "on_theme": "theme",  # only when set by hand: the keywords' verdict is worked out again on each save
    "hand_over_early": "hand-over",
    "trusted_html": "trusted HTML",
}


def changed_fields(post: Post) -> list[str]:
    """What an edit not yet written to the database changes, in the history's words, in form order."""
    state = inspect(post)
    named = []
    for name, said in EDITED_FIELDS.items():
        if name == "on_theme" and post.theme_source != "manual":
            continue
        history = state.attrs[name].history
        if history.has_changes() and list(history.deleted or [None]) != list(history.added or [None]):
            if said not in named:
                named.append(said)
    return named


def note_edit(post: Post) -> bool:
    """One line of history for an edit of ``post`` (before the session writes it), in the caller's unit of
    work; nothing when nothing a person edits changed. Returns whether a line was written."""
    named = changed_fields(post)
    if not named or post.id is None:
        return False
    _line(post, f"edited by {actor.current().name}: {', '.join(named)}")
    return True


def note_drafted_by_agent(post: Post, through: str) -> None:
    """One line saying the post was drafted by an agent (an AI assistant) acting for the person whose token
    it holds, ``through`` the way it came (``MCP``): a reader of the post's history, or a reviewer, knows a
    person did not write it word by word. In the caller's unit of work, after the post is flushed."""
    _line(post, f"drafted by an agent for {actor.current().name} through {through}")


def _line(post: Post, note: str) -> None:
    """A line in the status the post stays in, written at once (the post's own changes are not flushed
    by it); the post's loaded history is dropped so the page reads it again."""
    db.session.connection().execute(
        insert(PostEvent.__table__).values(
            post_id=post.id, at=utcnow(), from_status=post.status, to_status=post.status, note=note[:2000]
        )
    )
    if "events" in post.__dict__:
        db.session.expire(post, ["events"])
