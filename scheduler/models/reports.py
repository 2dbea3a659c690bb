"""What the report reads instead of every post: the rollup of counted posts, and the stored
repeated-message groups."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.models.base import Base, UTCDateTime, utcnow


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
    from (see ``services.repeated_messages``): detection takes seconds at 100k posts, a report must not."""

    __tablename__ = "repetition_results"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    fingerprint: Mapped[str] = mapped_column(String(200))
    groups: Mapped[list] = mapped_column(JSON, default=list)
    # the links and the rollup's revisions the groups were found from (services.repeated_messages), so
    # that an edit is searched around instead of the whole plan; None: found again in full next time
    state: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
