"""The library: feeds of what the team published, the items read from them, and their metrics
(each reading, the CSV mappings remembered and the imports made)."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


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
