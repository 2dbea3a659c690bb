"""One idea composed for several channels: the rules of a set of posts, over plain values.

- **Untouched or edited by hand.** When the composer adapts the idea for a channel it keeps a digest
  of what it wrote (``content_digest``). A post whose content still has that digest is untouched and
  follows the idea when it changes; one a person edited keeps its words. An edit undone by hand is
  untouched again, which is what it is.
- **What a change of the idea may reach.** Only posts not yet out (``FOLLOWS_THE_IDEA``): a post being
  delivered, delivered, possibly delivered (``unconfirmed``) or cancelled keeps what it said.
- **Its status at a glance** (``summary``): how many posts stand where, the problems to fix, and one
  word for the whole set.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scheduler.domain.language import N_, _
from scheduler.domain.statuses import (
    CANCELLED,
    DRAFT,
    FAILED,
    IN_REVIEW,
    PUBLISHED,
    PUBLISHING,
    QUEUED,
    SCHEDULED,
    STATUSES,
    UNCONFIRMED,
)

FOLLOWS_THE_IDEA = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED})
# what cancelling a set cancels: everything not out, not on its way out and not cancelled already
CANCELLABLE = frozenset({DRAFT, IN_REVIEW, SCHEDULED, QUEUED, FAILED, UNCONFIRMED})
ON_THE_CALENDAR = frozenset({SCHEDULED, QUEUED, PUBLISHING})
SHIFT_MOST_MINUTES = 366 * 24 * 60  # a year either way: further is a new post, not a shift


def content_digest(title: str, body: str, link: str, extra: Mapping | None) -> str:
    """What a post says, as one value: equal digests, equal content (the order of ``extra``'s keys aside)."""
    canonical = json.dumps(
        [title or "", body or "", link or "", dict(extra or {})], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def follows_the_idea(status: str, digest_now: str, digest_adapted: str) -> bool:
    """Whether a change of the idea rewrites this post: not yet out, and nobody edited it since."""
    return status in FOLLOWS_THE_IDEA and bool(digest_adapted) and digest_now == digest_adapted


@dataclass(frozen=True)
class Member:
    """One post of a set, as the summary reads it."""

    channel: str
    status: str
    errors: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class Summary:
    state: str  # empty | cancelled | published | failed | drafts | in_review | scheduled | partly_published | mixed
    counts: dict  # status -> posts, in the statuses' order
    errors: int
    warnings: int
    posts: int

    @property
    def words(self) -> str:
        return _(STATE_WORDS[self.state])


STATE_WORDS = {
    "empty": N_("no posts"),
    "cancelled": N_("cancelled"),
    "published": N_("all published"),
    "failed": N_("a delivery failed"),
    "attention": N_("a delivery needs checking"),
    "drafts": N_("drafts"),
    "in_review": N_("waiting for approval"),
    "scheduled": N_("all scheduled"),
    "partly_published": N_("partly published"),
    "mixed": N_("partly scheduled"),
}


def summary(members: Iterable[Member]) -> Summary:
    """The set at a glance: a failure or an unconfirmed delivery first (someone must act), then what
    all its live posts have in common, else "partly"."""
    members = list(members)
    counts = Counter(m.status for m in members)
    live = [m for m in members if m.status != CANCELLED]
    state = "mixed"
    if not members:
        state = "empty"
    elif not live:
        state = "cancelled"
    elif counts[FAILED]:
        state = "failed"
    elif counts[UNCONFIRMED]:
        state = "attention"
    elif all(m.status == PUBLISHED for m in live):
        state = "published"
    elif all(m.status == DRAFT for m in live):
        state = "drafts"
    elif all(m.status == IN_REVIEW for m in live):
        state = "in_review"
    elif all(m.status in ON_THE_CALENDAR for m in live):
        state = "scheduled"
    elif counts[PUBLISHED] or counts[PUBLISHING]:
        state = "partly_published"
    return Summary(
        state=state,
        counts={status: counts[status] for status in STATUSES if counts[status]},
        errors=sum(m.errors for m in live),
        warnings=sum(m.warnings for m in live),
        posts=len(members),
    )
