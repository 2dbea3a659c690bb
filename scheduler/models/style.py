"""The style guide: its entries (scripts, guidelines, examples, term rules, topics) and their history."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


class StyleEntry(Base):
    """One piece of the style guide: a script, a guideline, an example, a term rule or a blog topic.

    ``search_title`` and ``search_body`` hold the text as the search index sees it (folded, Chinese cut
    into bigrams); the database's own full-text index is built on them (FTS5 on SQLite, a tsvector on
    PostgreSQL), kept in step by the database itself (triggers, a generated column)."""

    __tablename__ = "style_entries"
    __table_args__ = (Index("ix_style_kind_channel", "kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # script | guideline | example | term_rule | topic
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: every channel
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    avoid: Mapped[str] = mapped_column(Text, default="")
    prefer: Mapped[str] = mapped_column(String(300), default="")
    is_pattern: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str] = mapped_column(String(10), default="warning")
    rule: Mapped[str] = mapped_column(String(20), default="term")  # term | disclosure
    requires: Mapped[str] = mapped_column(String(100), default="")
    triggers: Mapped[list] = mapped_column(JSON, default=list)  # disclosure: words that make a post promotional
    keywords: Mapped[list] = mapped_column(JSON, default=list)  # topic: words that name it
    source_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id", ondelete="SET NULL"), nullable=True
    )  # an example taken from the library
    version: Mapped[int] = mapped_column(Integer, default=1)
    body_text: Mapped[str] = mapped_column(Text, default="")  # the Markdown's words, for search snippets
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")

    # a script's pattern of interactions (models.interactions.ScriptPattern), kept by services.guidance
    pattern: Mapped["ScriptPattern | None"] = relationship(viewonly=True, lazy="selectin", uselist=False)  # noqa: F821


class StyleEntryVersion(Base):
    """Every saved state of an entry, with who saved it and when: the guide's history."""

    __tablename__ = "style_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_style_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("style_entries.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(10), default="edit")  # create | edit | delete
    data: Mapped[dict] = mapped_column(JSON, default=dict)
