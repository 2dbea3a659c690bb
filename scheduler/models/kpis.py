"""The indicators a plan chose (sales, bounce rate...), month by month: what was hoped for and what came."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.models.base import Base, UTCDateTime, utcnow


class Kpi(Base):
    """One indicator a plan chose (sales, bounce rate...), with a target and an actual per month.

    The months are ``YYYY-MM`` keys of small JSON objects: a plan has three or so, and they are always
    read and written together. ``sources`` says where each actual came from (typed, a CSV file, or
    computed from Refrain's own data). ``alerting`` is the alert as it was last told to the managers:
    they hear of it when it turns on, not at every figure entered while it stays on."""

    __tablename__ = "kpis"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_kpi_plan_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))  # as the team wrote it ("Site traffic")
    key: Mapped[str] = mapped_column(String(60))  # folded: domain.kpis.key_of
    unit: Mapped[str] = mapped_column(String(20), default="")
    better: Mapped[str] = mapped_column(String(10), default="higher")  # higher | lower
    targets: Mapped[dict] = mapped_column(JSON, default=dict)
    actuals: Mapped[dict] = mapped_column(JSON, default=dict)
    sources: Mapped[dict] = mapped_column(JSON, default=dict)  # month -> typed | csv | computed
    alerting: Mapped[bool] = mapped_column(Boolean, default=False)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped["Plan"] = relationship()  # noqa: F821 - models/plans.py
