"""The media library: images and videos the team uploaded, kept under a name made of their content."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.models.base import Base, UTCDateTime, utcnow


class MediaFile(Base):
    """One uploaded medium. ``name`` is what its stored file is called (its SHA-256 and extension, so the
    same picture uploaded twice is one row); ``content_type`` and ``kind`` were judged from its bytes,
    never from ``file_name``, which is only the name it had on the uploader's computer. Images carry their
    size in pixels and a thumbnail (``thumbnail``, another stored name); a video has neither."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    thumbnail: Mapped[str | None] = mapped_column(String(100), nullable=True, unique=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alt: Mapped[str] = mapped_column(Text, default="")
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    uploader_name: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
