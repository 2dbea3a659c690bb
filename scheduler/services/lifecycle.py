"""The post status machine, guarded in the database.

Every change of status is one ``UPDATE ... WHERE id = :id AND status IN (:allowed)``: when two
processes race (a worker claiming a post while a manager cancels it), exactly one of them wins and
the other sees that it lost. Each change that happens is written to the post's history.
"""
from sqlalchemy import insert, update

from ..extensions import db
from ..models import Post, PostEvent, utcnow

DRAFT, SCHEDULED, QUEUED, PUBLISHING, PUBLISHED = "draft", "scheduled", "queued", "publishing", "published"
FAILED, UNCONFIRMED, CANCELLED = "failed", "unconfirmed", "cancelled"
STATUSES = (DRAFT, SCHEDULED, QUEUED, PUBLISHING, PUBLISHED, FAILED, UNCONFIRMED, CANCELLED)

# where each status may go; anything else is refused
TRANSITIONS = {
    DRAFT: {SCHEDULED, CANCELLED},
    SCHEDULED: {QUEUED, DRAFT, CANCELLED},
    QUEUED: {PUBLISHING, SCHEDULED, DRAFT, CANCELLED},
    PUBLISHING: {PUBLISHED, FAILED, UNCONFIRMED, QUEUED, SCHEDULED},  # scheduled: its account was refused
    FAILED: {SCHEDULED, DRAFT, CANCELLED},
    UNCONFIRMED: {PUBLISHED, SCHEDULED, CANCELLED},
    PUBLISHED: set(),
    CANCELLED: {DRAFT},
}
EDITABLE = {DRAFT, SCHEDULED, QUEUED, FAILED, UNCONFIRMED}


def sources_of(target: str) -> set[str]:
    return {source for source, targets in TRANSITIONS.items() if target in targets}


def move(post_id: int, to: str, allowed_from=None, note: str = "", **values) -> bool:
    """Change a post's status if, and only if, it is still in one of ``allowed_from``; commits.

    Returns whether this call made the change.
    """
    allowed = set(allowed_from) if allowed_from is not None else sources_of(to)
    allowed &= sources_of(to)
    session = db.session
    if len(allowed) == 1:  # the hot path (a worker's claim and its result): no need to read first
        (current,) = allowed
    else:
        current = session.scalar(Post.__table__.select().with_only_columns(Post.status).where(Post.id == post_id))
        if current is None or current not in allowed:
            session.rollback()
            return False
    result = session.execute(
        update(Post)
        .where(Post.id == post_id, Post.status == current)
        .values(status=to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        return False
    session.execute(insert(PostEvent).values(post_id=post_id, at=utcnow(), from_status=current, to_status=to,
                                             note=note[:2000]))
    session.commit()
    return True
