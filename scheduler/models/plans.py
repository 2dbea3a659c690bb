"""Plans, their per-channel commitments, posts and each post's status history.

The database is the source of truth for every post; Redis only holds reminders of when to act."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200))
    key_message: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    # a creator's schedule waits for a manager's approval (in_review); a commitment may say otherwise
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Commitment.id"
    )


class Commitment(Base):
    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("plan_id", "channel", name="uq_commitment_plan_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(40))
    posts: Mapped[int] = mapped_column(Integer)
    per: Mapped[str] = mapped_column(String(10))
    on_theme_min: Mapped[int] = mapped_column(Integer, default=0)
    one_note_max_share: Mapped[float] = mapped_column(Float, default=1.0)
    note: Mapped[str] = mapped_column(Text, default="")
    # None: as the plan says; True/False: this channel's own rule (e.g. only the newsletter is reviewed)
    approval_required: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    plan: Mapped[Plan] = relationship(back_populates="commitments")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # covers the compliance report's GROUP BY: it never has to read the posts' rows
        Index("ix_posts_report", "plan_id", "channel", "status", "scheduled_at", "on_theme"),
        Index("ix_posts_status_time", "status", "scheduled_at"),
        # the posts adapted from a given one: what a search around an edit asks of its changed posts
        Index("ix_posts_adapted_from", "adapted_from_post_id"),
        Index("ix_posts_set", "set_id"),
        # the posts list's pages, by time, by channel and by status (services.post_pages: keyset, no OFFSET)
        Index("ix_posts_list_time", "plan_id", "scheduled_at", "id"),
        Index("ix_posts_list_channel", "plan_id", "channel", "scheduled_at", "id"),
        Index("ix_posts_list_status", "plan_id", "status", "scheduled_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    on_theme: Mapped[bool] = mapped_column(Boolean, default=False)
    theme_source: Mapped[str] = mapped_column(String(10), default="keywords")
    theme_matched: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    adapted_from_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), nullable=True)
    source_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_items.id", ondelete="SET NULL", name="fk_posts_source_item", use_alter=True), nullable=True
    )
    # one idea composed for several channels (``PostSet``); set_digest: the content as the composer last
    # adapted it, so a post still equal to it is "untouched" and re-adapted when the idea changes
    set_id: Mapped[int | None] = mapped_column(
        ForeignKey("post_sets.id", name="fk_posts_set", use_alter=True), nullable=True
    )
    set_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # where a reused post came from, as it stood then: {item_id, channel, title, link, score, at}
    lineage: Mapped[dict] = mapped_column(JSON, default=dict)
    # a manager's decision to schedule despite style errors: {reason, by, at}; empty when none
    style_override: Mapped[dict] = mapped_column(JSON, default=dict)
    # who wrote it: the signed-in person who created it (None: made by Refrain itself, or before people)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_posts_author"), nullable=True
    )
    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821 - models/people.py
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    # a manager's word that the post's raw HTML may reach its channel unsanitised (audited)
    trusted_html: Mapped[bool] = mapped_column(Boolean, default=False)
    # handed to a service that schedules by itself (WordPress future, YouTube publishAt) once scheduled,
    # so it goes out even if Refrain is down at its time; handed_over_at: when the service last got it
    hand_over_early: Mapped[bool] = mapped_column(Boolean, default=False)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # a person recorded that it went out elsewhere (remote_url: the link they gave as evidence)
    recorded_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship()
    events: Mapped[list["PostEvent"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostEvent.id"
    )
    reviews: Mapped[list["PostReview"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostReview.id"
    )


class PostSet(Base):
    """One idea (text, title, link, media) composed for several channels: each channel's post is a normal
    post adapted from it by the channel's adapter, kept together so that a change to the idea reaches the
    posts nobody edited by hand, and the set's status reads at a glance (``services.post_sets``)."""

    __tablename__ = "post_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # {body, title, link, media: [{url, type, alt}]}
    idea: Mapped[dict] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_post_sets_author"), nullable=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship()
    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821 - models/people.py
    posts: Mapped[list["Post"]] = relationship(order_by="Post.id", foreign_keys="Post.set_id", viewonly=True)


class PostEvent(Base):
    """One status change of a post: the history the UI shows, including why a delivery failed."""

    __tablename__ = "post_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    post: Mapped[Post] = relationship(back_populates="events")


class PostReview(Base):
    """One verdict on a post in review: approved, or changes asked for with a comment. A reviewer from
    outside the team (by link) has no account: ``reviewer_id`` is then None and ``reviewer_name`` is the
    name they typed. ``digest`` is what the verdict was given on (``services.approvals.digest``): a
    creator's later schedule of the very same post needs no second approval, a changed one does."""

    __tablename__ = "post_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verdict: Mapped[str] = mapped_column(String(20))  # approved | changes_requested
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_post_reviews_reviewer"), nullable=True
    )
    reviewer_name: Mapped[str] = mapped_column(String(254), default="")
    by_link: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[str] = mapped_column(String(64), default="")

    post: Mapped[Post] = relationship(back_populates="reviews")
