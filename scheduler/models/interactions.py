"""Customer interactions: each one logged or imported, the team's kinds of them, the help desk mappings
remembered, and the style guide's scripts linked to the pattern they answer."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


class InteractionKind(Base):
    """One of the team's kinds of interaction (complaint, question, praise, refund request...): a
    managed list, so a rename follows every interaction already logged."""

    __tablename__ = "interaction_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interaction(Base):
    """A customer interaction on some channel, positive or negative, as a person logged it or a help desk
    exported it.

    ``occurred_on`` is ``occurred_at``'s UTC day, kept beside it because the pattern report counts by
    day: ``ix_interactions_patterns`` holds every column that count reads, in the order of its GROUP
    BY, so a quarter is counted from the index alone. ``source`` and ``source_key`` name an imported
    row (the mapping's name, and the ticket id or a digest of the row), so importing the same export
    again updates it; both are empty for an interaction logged by hand."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_interaction_source_key"),
        Index("ix_interactions_patterns", "occurred_on", "channel", "kind_id", "negative"),
        Index("ix_interactions_time", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    kind_id: Mapped[int] = mapped_column(ForeignKey("interaction_kinds.id"), index=True)
    negative: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    customer: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(254), default="")
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    source_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    kind: Mapped[InteractionKind] = relationship(lazy="joined")


class InteractionMapping(Base):
    """How one help desk's export maps to interactions, remembered for its next export."""

    __tablename__ = "interaction_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScriptPattern(Base):
    """The pattern a script of the style guide answers: interactions of this kind on this channel."""

    __tablename__ = "script_patterns"

    entry_id: Mapped[int] = mapped_column(ForeignKey("style_entries.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    kind_id: Mapped[int] = mapped_column(ForeignKey("interaction_kinds.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kind: Mapped[InteractionKind] = relationship(lazy="joined")
