"""The plain inputs of the domain core.

The reports and matchers work on these frozen records rather than on ORM rows, so they can be
tested without a database and fed from any storage. Callers convert their rows into these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

COUNTED_STATUSES = frozenset({"scheduled", "queued", "publishing", "published", "unconfirmed"})


@dataclass(frozen=True)
class PlanFacts:
    id: int
    name: str
    theme: str
    key_message: str
    keywords: tuple[str, ...]
    starts_on: date
    ends_on: date  # inclusive
    timezone: str


@dataclass(frozen=True)
class CommitmentFacts:
    channel: str
    posts: int
    per: str  # 'day' | 'week' | 'month' | 'quarter'
    on_theme_min: int
    one_note_max_share: float


@dataclass(frozen=True)
class PostFacts:
    id: int
    channel: str
    scheduled_at: datetime  # tz-aware UTC
    status: str
    on_theme: bool
    text: str = ""  # title + body, for repetition
    adapted_from_post_id: int | None = None
    source_item_id: int | None = None
    set_id: int | None = None  # one idea composed for several channels: its posts are adaptations
    recorded_by_hand: bool = False  # published elsewhere, recorded by a person with its link
