"""The team's friendly contests: who did best in a window of days, and the ideas put to the test."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


class Contest(Base):
    """A friendly competition over a window of days: people ranked by their published posts' metric
    (or their referral signups), or, in an ideas contest, ideas ranked by the posts that tried them.

    ``participants`` holds people's ids (empty: everyone who published); ``figures`` the follows a
    manager entered per post (``{post id: count}``) for follower growth. Once the contest is over its
    result is computed as of the end and kept in ``result`` (``frozen_at`` says when): later readings
    of the posts' metrics do not change it."""

    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="posts")  # posts | ideas
    metric: Mapped[str] = mapped_column(String(40))
    channels: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    participants: Mapped[list] = mapped_column(JSON, default=list)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_contests_created_by"), nullable=True
    )
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    ideas: Mapped[list["ContestIdea"]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="ContestIdea.id"
    )


class ContestIdea(Base):
    """An idea put forward in an ideas contest, and the posts a manager linked as having tried it."""

    __tablename__ = "contest_ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_contest_ideas_author"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    post_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contest: Mapped[Contest] = relationship(back_populates="ideas")
    author: Mapped["User | None"] = relationship()  # noqa: F821 - models/people.py
