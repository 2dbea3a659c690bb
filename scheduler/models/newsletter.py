"""The newsletter: staff referral codes, subscribers, and each issue mailed with its sends."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.models.base import Base, UTCDateTime, utcnow


class ReferralCode(Base):
    """A staff member's code for the newsletter's signup form (``/newsletter/signup?ref=CODE``): each
    signup remembers the code it came with, so contests can count who brought whom."""

    __tablename__ = "referral_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # stored lower-cased
    staff_name: Mapped[str] = mapped_column(String(200))
    # the person the code is for, when the team knows them: contests count their signups by it
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_referral_codes_user"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscriber(Base):
    """A newsletter reader, with double opt-in: ``pending`` until the emailed link is followed, then
    ``confirmed``; ``unsubscribed`` for good (signing up again starts a new opt-in)."""

    __tablename__ = "subscribers"
    __table_args__ = (Index("ix_subscribers_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased, so unique case-insensitively
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | confirmed | unsubscribed
    referral_code: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(40), default="signup")  # signup | import | ...
    # changes with each opt-in request: a confirmation link only works for the request it was sent for
    token_nonce: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirm_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NewsletterIssue(Base):
    """A newsletter post being mailed: the rendered issue as it was when delivery started (every
    recipient gets the same one), and how its batches went."""

    __tablename__ = "newsletter_issues"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    batches: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")


class NewsletterSend(Base):
    """One issue to one subscriber: the database's record of whether that mail went out.

    pending → sending (claimed by a batch job, ``claim`` names the claim) → sent | failed | skipped."""

    __tablename__ = "newsletter_sends"
    __table_args__ = (
        UniqueConstraint("post_id", "subscriber_id", name="uq_newsletter_send_post_subscriber"),
        Index("ix_newsletter_sends_batch", "post_id", "batch_no", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    batch_no: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    claim: Mapped[str] = mapped_column(String(40), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
