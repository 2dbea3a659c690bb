"""The database schema: plans, their per-channel commitments, posts and each post's status history.

The database is the source of truth for every post; Redis only holds reminders of when to act.
Times are stored as UTC and always come back time-zone aware.
"""

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


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

    plan: Mapped[Plan] = relationship(back_populates="commitments")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # covers the compliance report's GROUP BY: it never has to read the posts' rows
        Index("ix_posts_report", "plan_id", "channel", "status", "scheduled_at", "on_theme"),
        Index("ix_posts_status_time", "status", "scheduled_at"),
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
    # where a reused post came from, as it stood then: {item_id, channel, title, link, score, at}
    lineage: Mapped[dict] = mapped_column(JSON, default=dict)
    # a manager's decision to schedule despite style errors: {reason, by, at}; empty when none
    style_override: Mapped[dict] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship()
    events: Mapped[list["PostEvent"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostEvent.id"
    )


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


class Feed(Base):
    """A feed of what the team published on one channel; refreshed by RQ, never fetched in a request."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    channel: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")  # new | importing | ok | error
    last_error: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[list] = mapped_column(JSON, default=list)  # what the last import skipped or doubted
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    refresh_minutes: Mapped[int] = mapped_column(Integer, default=60)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentItem(Base):
    """Something that was published (read from a feed), whatever tool published it."""

    __tablename__ = "content_items"
    __table_args__ = (
        UniqueConstraint("channel", "remote_id", name="uq_item_channel_remote"),
        Index("ix_items_channel_time", "channel", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"), nullable=True)
    # the Refrain post this item is, when Refrain published it
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), nullable=True, unique=True)
    channel: Mapped[str] = mapped_column(String(40))
    remote_id: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    link_key: Mapped[str] = mapped_column(String(2000), default="", index=True)  # the link as CSV rows name it
    summary_html: Mapped[str] = mapped_column(Text, default="")  # sanitised when stored
    summary_text: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(20), default="text")
    media: Mapped[list] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the latest value of each metric, kept in step with item_metrics so ranking reads one row per item;
    # plain columns, not JSON: ranking 100k items must not decode 100k documents
    impressions: Mapped[float | None] = mapped_column(Float, nullable=True)
    clicks: Mapped[float | None] = mapped_column(Float, nullable=True)
    likes: Mapped[float | None] = mapped_column(Float, nullable=True)
    replies: Mapped[float | None] = mapped_column(Float, nullable=True)
    shares: Mapped[float | None] = mapped_column(Float, nullable=True)
    views: Mapped[float | None] = mapped_column(Float, nullable=True)
    opens: Mapped[float | None] = mapped_column(Float, nullable=True)
    conversions: Mapped[float | None] = mapped_column(Float, nullable=True)
    evergreen: Mapped[bool] = mapped_column(Boolean, default=False)
    cooldown_days: Mapped[int] = mapped_column(Integer, default=60)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    feed: Mapped[Feed | None] = relationship()

    @property
    def metrics(self) -> dict:
        """The known metrics (a missing one is unknown, not zero), whole numbers as such."""
        return {name: as_number(value) for name in METRIC_NAMES if (value := getattr(self, name)) is not None}

    @metrics.setter
    def metrics(self, values: dict) -> None:
        for name in METRIC_NAMES:
            setattr(self, name, values.get(name))


METRIC_NAMES = ("impressions", "clicks", "likes", "replies", "shares", "views", "opens", "conversions")


def as_number(value: float):
    return int(value) if float(value).is_integer() else value


class ItemMetric(Base):
    """One reading of an item's counters: a time series, one row per item, source and day."""

    __tablename__ = "item_metrics"
    __table_args__ = (UniqueConstraint("item_id", "source", "observed_on", name="uq_metric_item_source_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(60))  # 'feed' or 'csv:<mapping name>'
    observed_on: Mapped[date] = mapped_column(Date)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    values: Mapped[dict] = mapped_column(JSON, default=dict)


class MetricMapping(Base):
    """How one kind of CSV export maps to our metrics, remembered for the next upload of the same kind."""

    __tablename__ = "metric_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    channel: Mapped[str] = mapped_column(String(40))
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MetricImport(Base):
    """One uploaded CSV: what was kept and which rows were refused, and why."""

    __tablename__ = "metric_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[int | None] = mapped_column(ForeignKey("metric_mappings.id", ondelete="SET NULL"), nullable=True)
    channel: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(300), default="")
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class ChannelAccount(Base):
    """A connected account on a channel. Secrets are stored encrypted (``scheduler.secrets``) and
    never sent back; an account the service refused is marked until someone reconnects it."""

    __tablename__ = "channel_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    secrets: Mapped[str] = mapped_column(Text, default="")  # a Fernet token of a JSON object
    status: Mapped[str] = mapped_column(String(20), default="connected")  # connected | unauthorized
    status_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReferralCode(Base):
    """A staff member's code for the newsletter's signup form (``/newsletter/signup?ref=CODE``): each
    signup remembers the code it came with, so contests can count who brought whom."""

    __tablename__ = "referral_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # stored lower-cased
    staff_name: Mapped[str] = mapped_column(String(200))
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


class PostCount(Base):
    """The counted posts (COUNTED_STATUSES, with a time) of one plan and channel in one UTC quarter
    hour, kept in step with ``posts`` by database triggers (migration 0007), so that whatever writes
    a post (the ORM, lifecycle's guarded UPDATEs, bulk inserts, a cascade) updates it too.

    A quarter hour, because every UTC offset in use is a multiple of 15 minutes: any time zone's
    local days are unions of whole buckets, so the report of a quarter reads at most
    ~8,800 rows per channel instead of every post. ``revision`` only ever grows: it is bumped when a
    post starts or stops counting in the bucket, or a counted one changes what repeated-message
    detection reads (text, time, lineage; not a delivery's status steps), so a plan's sum of
    revisions tells whether the stored groups are still current. Rows are
    never deleted (a bucket emptied keeps its revision), or that sum could go back to an old value.
    """

    __tablename__ = "post_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # the primary key is the table: one B-tree to scan

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(40), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # epoch // 900
    posts: Mapped[int] = mapped_column(Integer, default=0)
    on_theme: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


class RepetitionResult(Base):
    """The last repeated-message groups found for a plan, and the fingerprint of what they were found
    from (see ``services.reports``): detection takes seconds at 100k posts, a report must not."""

    __tablename__ = "repetition_results"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    fingerprint: Mapped[str] = mapped_column(String(200))
    groups: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
