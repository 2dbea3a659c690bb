"""Friendly competition: each person's published posts in a window, scored so a tweet and a video
can be weighed against each other, and ranked.

An *entry* is one published post of a participant, on one of the contest's channels, published inside
the window. Its *figure* is the contest's metric as of the moment that counts (the end of the contest
once it is over: later readings do not change a finished contest):

- ``clicks_comments_likes``: clicks + replies + likes (whichever are known; none known: no figure);
- ``likes``, ``views``: that counter;
- ``follower_growth``: the follows the post brought, as a manager entered them from the channel's
  analytics (Refrain reads no follower counts from the channels);
- ``signups``: not per post: the confirmed newsletter subscribers who came through the person's
  referral code in the window (one channel, counted as they are).

Raw figures cannot be compared across channels (a video's views dwarf a tweet's likes), so each entry
is scored the way the library scores its top performers (``ranking.percentile_of``): the percentile,
0–100, ties at their midrank, of its figure among its channel's reference figures (what the team
published there in the trailing window, the entries included). "Better than 80 % of what we posted on
that channel lately" means the same on every channel. An entry without a figure scores nothing.

A person's score is the sum of their entries' scores: each good post adds to it. In an *ideas*
contest an idea's score is the mean score of the posts that tried it (an idea is judged by how well it
works, not by how often it was tried). Scores are rounded to one decimal, and equal rounded scores
share a rank (1, 1, 3: standard competition ranking); among equals, fewer entries come first (the
same points from fewer posts), then the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.domain.language import N_
from scheduler.domain.ranking import percentile_of

METRICS = {  # each metric's label, translated where it is shown
    "clicks_comments_likes": N_("Clicks + comments + likes"),
    "likes": N_("Likes"),
    "views": N_("Views"),
    "follower_growth": N_("Follower growth"),
    "signups": N_("Newsletter signups by referral code"),
}
PARTS = {"clicks_comments_likes": ("clicks", "replies", "likes"), "likes": ("likes",), "views": ("views",)}
ALIASES = {
    "engagement": "clicks_comments_likes",
    "clicks+comments+likes": "clicks_comments_likes",
    "clicks_likes_comments": "clicks_comments_likes",
    "interactions": "clicks_comments_likes",
    "followers": "follower_growth",
    "follows": "follower_growth",
    "newsletter_signups": "signups",
    "referrals": "signups",
    "referral_signups": "signups",
}
KINDS = ("posts", "ideas")
SCORE_DECIMALS = 1


def metric_named(name) -> str | None:
    """The metric a name means (its own name or a common alias), None when none."""
    if not isinstance(name, str):
        return None
    folded = name.strip().casefold().replace(" ", "_").replace("-", "_")
    folded = ALIASES.get(folded, folded)
    return folded if folded in METRICS else None


def window(starts_on: date, ends_on: date, time_zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the contest: from the first day's midnight to the midnight after the last day,
    on the contest's clock."""
    zone = ZoneInfo(time_zone)
    return (
        datetime.combine(starts_on, time(0), zone),
        datetime.combine(ends_on + timedelta(days=1), time(0), zone),
    )


def figure(metrics: Mapping[str, float], metric: str) -> float | None:
    """A post's figure for a per-post metric from its counters; None when none of its parts is known."""
    known = [metrics[part] for part in PARTS.get(metric, ()) if metrics.get(part) is not None]
    return float(sum(known)) if known else None


def values_as_of(readings: Iterable[tuple[object, Mapping[str, float]]]) -> dict[str, float]:
    """An item's counters from its readings, each ``(when, values)``: later readings override earlier
    ones, counter by counter (readings from different sources each hold some of them)."""
    merged: dict[str, float] = {}
    for _when, values in sorted(readings, key=lambda reading: reading[0]):
        merged.update({name: value for name, value in values.items() if value is not None})
    return merged


@dataclass(frozen=True)
class Entry:
    post_id: int
    person_id: int
    channel: str
    figure: float | None


@dataclass(frozen=True)
class ScoredEntry:
    entry: Entry
    score: float | None  # 0..100 within its channel; None without a figure


def score_entries(entries: list[Entry], references: Mapping[str, list[float]]) -> list[ScoredEntry]:
    """Each entry's percentile among its channel's reference figures (the entries' own figures are
    added to them, so a channel with no reference still compares its entries with each other)."""
    scored: dict[int, float | None] = {}
    for channel in sorted({e.channel for e in entries}):
        here = [e for e in entries if e.channel == channel and e.figure is not None]
        if not here:
            continue
        own = {e.post_id: e.figure for e in here}
        reference = np.array([*references.get(channel, ()), *own.values()], dtype=float)
        values = np.array([e.figure for e in here], dtype=float)
        for e, score in zip(here, percentile_of(values, reference).tolist()):
            scored[e.post_id] = score
    return [ScoredEntry(e, scored.get(e.post_id)) for e in entries]


@dataclass(frozen=True)
class Standing:
    rank: int
    key: object  # a person's id, or an idea's
    entries: int
    score: float


def total(scores: Iterable[float | None]) -> float:
    return round(sum(s for s in scores if s is not None), SCORE_DECIMALS)


def mean(scores: Iterable[float | None]) -> float:
    known = [s for s in scores if s is not None]
    return round(sum(known) / len(known), SCORE_DECIMALS) if known else 0.0


def standings(rows: Mapping[object, tuple[int, float]], names: Mapping[object, str] | None = None) -> list[Standing]:
    """Ranked from ``{key: (entries, score)}``: best score first; equal scores share the rank of the
    first of them (1, 1, 3), listed by fewer entries, then name."""
    names = names or {}

    def order(key):
        entries, score = rows[key]
        return (-round(score, SCORE_DECIMALS), entries, str(names.get(key, "")).casefold(), str(key))

    ranked: list[Standing] = []
    for position, key in enumerate(sorted(rows, key=order), start=1):
        entries, score = rows[key]
        score = round(score, SCORE_DECIMALS)
        rank = ranked[-1].rank if ranked and ranked[-1].score == score else position
        ranked.append(Standing(rank, key, entries, score))
    return ranked
