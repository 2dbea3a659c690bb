"""Top performers: one score per published item, comparable between a tweet and a video.

Raw counts cannot be compared across channels (a video's views dwarf a tweet's likes) and raw
rates cannot be trusted on small samples (a tweet seen once and clicked once has a 100% rate). So:

- an item's *exposures* are the channel's own "seen" count: impressions, else views, else opens
  (the first present, not the largest). Its *engagements* are clicks + likes + replies + shares +
  conversions, whichever are present. A missing metric is unknown, not zero; an item with no
  exposure figure (or a zero one) has no rate and gets no score;
- the rate is shrunk toward what is typical for its channel (empirical Bayes, beta-binomial): the
  channel's prior mean m and strength k are estimated from its items published in the trailing
  window, and adjusted_rate = (engagements + k*m) / (exposures + k). An item needs many exposures
  before its own rate outweighs the channel's, so a lucky 1/1 stays near the channel's typical rate
  while a solid 500/5000 keeps most of its own;
- the score is the percentile (0-100, ties at their midrank) of the adjusted rate among the same
  channel's items published in the trailing window [as_of - trailing_days, as_of]. A percentile
  means the same thing on every channel ("better than 95% of what we published there lately"),
  which is what makes a tweet's score comparable to a video's even when tweets engage at 1% and
  videos at 10%. Items outside the window are scored against that same reference set.

Prior estimation (method of moments, exposure-weighted): m is the pooled rate (total engagements /
total exposures); the spread of the items' rates around m, weighted by exposures, is the prior's
variance plus binomial noise, roughly m(1-m) * items / total exposures, which is subtracted. The
prior's variance is m(1-m)/(k+1), which gives k. k is clamped to [MIN_STRENGTH, MAX_STRENGTH] (all
of the spread being noise gives MAX_STRENGTH) and m to [MIN_MEAN, MAX_MEAN]. With fewer than
MIN_ITEMS_FOR_PRIOR items the spread says little, so k is FALLBACK_STRENGTH (m is still the pooled
rate, or, with no exposures in the window at all, the channel's all-time rate, else the rate over
every channel).

Everything runs on numpy arrays (items grouped by channel, sorted once, percentiles by
searchsorted), so 100,000 items rank in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

METRICS = ("impressions", "clicks", "likes", "replies", "shares", "views", "opens", "conversions")
EXPOSURE_METRICS = ("impressions", "views", "opens")  # in order of preference
ENGAGEMENT_METRICS = ("clicks", "likes", "replies", "shares", "conversions")

MIN_ITEMS_FOR_PRIOR = 10  # fewer items in the window: the prior's strength is not estimated
FALLBACK_STRENGTH = 100.0  # worth 100 exposures at the channel's typical rate
MIN_STRENGTH = 50.0  # keeps a 1/1 below a 500/5000 whenever the channel's typical rate is under 8%
MAX_STRENGTH = 100_000.0  # items that barely differ: rank on their excess over the typical rate
MIN_MEAN, MAX_MEAN = 1e-6, 1.0 - 1e-6


@dataclass(frozen=True)
class ItemFacts:
    id: int
    channel: str
    published_at: datetime  # aware UTC
    metrics: Mapping[str, float]  # latest totals; a missing key means unknown, not zero
    link: str = ""
    content_type: str = ""  # 'text', 'link', 'image', 'video', 'article', 'email', 'ad'
    on_theme: bool | None = None


@dataclass(frozen=True)
class Ranked:
    item_id: int
    channel: str
    score: float | None  # 0..100, comparable across channels; None when the item has no exposure figure
    engagement_rate: float | None  # raw engagements / exposures
    adjusted_rate: float | None  # after shrinkage toward the channel's typical rate
    exposures: float
    engagements: float


def engagement(metrics: Mapping[str, float]) -> tuple[float, float]:
    """(engagements, exposures) of one item's metrics.

    Exposures are impressions, else views, else opens: the first one present (a value of None
    counts as absent), 0.0 when none is. Engagements are the sum of clicks, likes, replies, shares
    and conversions, whichever are present (0.0 when none is).
    """
    get = metrics.get
    exposures = get("impressions")
    if exposures is None:
        exposures = get("views")
        if exposures is None:
            exposures = get("opens")
    engagements = (
        (get("clicks") or 0.0)
        + (get("likes") or 0.0)
        + (get("replies") or 0.0)
        + (get("shares") or 0.0)
        + (get("conversions") or 0.0)
    )
    return float(engagements), float(exposures or 0.0)


def rank_items(items: Iterable[ItemFacts], *, as_of: datetime, trailing_days: int = 90) -> list[Ranked]:
    """Every item Ranked, best first (score, then adjusted rate, then exposures, then id); items
    without a score come last. See the module docstring for the rules."""
    items = list(items)
    if not items:
        return []
    ids = np.fromiter((item.id for item in items), dtype=np.int64, count=len(items))
    channel_names, channels = np.unique([item.channel for item in items], return_inverse=True)
    counts = np.array([engagement(item.metrics) for item in items], dtype=float).reshape(-1, 2)
    engagements, exposures = counts[:, 0], counts[:, 1]
    published = np.fromiter((item.published_at.timestamp() for item in items), dtype=float, count=len(items))
    window_start = (as_of - timedelta(days=trailing_days)).timestamp()
    in_window = (published >= window_start) & (published <= as_of.timestamp())
    scored = exposures > 0

    raw_rate = np.full(len(items), np.nan)
    raw_rate[scored] = engagements[scored] / exposures[scored]
    adjusted = np.full(len(items), np.nan)
    score = np.full(len(items), np.nan)
    overall_mean = _pooled_rate(engagements[scored], exposures[scored], default=0.0)
    for code in range(len(channel_names)):
        channel = (channels == code) & scored
        reference = channel & in_window
        mean, strength = channel_prior(
            engagements[reference],
            exposures[reference],
            fallback_mean=_pooled_rate(engagements[channel], exposures[channel], default=overall_mean),
        )
        adjusted[channel] = (engagements[channel] + strength * mean) / (exposures[channel] + strength)
        reference_rates = adjusted[reference] if reference.any() else adjusted[channel]
        score[channel] = percentile_of(adjusted[channel], reference_rates)

    order = np.lexsort(
        (ids, -exposures, -np.nan_to_num(adjusted, nan=-np.inf), -np.nan_to_num(score, nan=-np.inf), ~scored)
    )
    return _ranked_list(order, ids, channel_names[channels], score, raw_rate, adjusted, exposures, engagements)


def top(ranked: Iterable[Ranked], n: int, channel: str | None = None) -> list[Ranked]:
    """The n best scored items, of one channel or of all; unscored items are never top."""
    candidates = [r for r in ranked if r.score is not None and (channel is None or r.channel == channel)]
    candidates.sort(key=lambda r: -r.score)  # stable: keeps rank_items' tie-breaks
    return candidates[: max(n, 0)]


def channel_prior(engagements: np.ndarray, exposures: np.ndarray, *, fallback_mean: float) -> tuple[float, float]:
    """(mean, strength) of the beta prior over one channel's rates, from its reference items
    (all with exposures > 0). See the module docstring."""
    total_exposures = float(exposures.sum())
    if total_exposures <= 0:
        return _clamp(fallback_mean, MIN_MEAN, MAX_MEAN), FALLBACK_STRENGTH
    mean = _clamp(float(engagements.sum()) / total_exposures, MIN_MEAN, MAX_MEAN)
    if len(exposures) < MIN_ITEMS_FOR_PRIOR:
        return mean, FALLBACK_STRENGTH
    rates = engagements / exposures
    spread = float(np.sum(exposures * (rates - mean) ** 2)) / total_exposures
    binomial_noise = mean * (1 - mean) * len(exposures) / total_exposures
    prior_variance = spread - binomial_noise
    if prior_variance <= 0:
        return mean, MAX_STRENGTH
    strength = mean * (1 - mean) / prior_variance - 1
    return mean, _clamp(strength, MIN_STRENGTH, MAX_STRENGTH)


def percentile_of(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Percentile (0-100) of each value among the reference values, ties counted at their midrank:
    (reference values below + half of those equal) / reference size. Empty reference: nan."""
    if len(reference) == 0:
        return np.full(len(values), np.nan)
    ordered = np.sort(reference)
    below = np.searchsorted(ordered, values, side="left")
    equal = np.searchsorted(ordered, values, side="right") - below
    return 100.0 * (below + 0.5 * equal) / len(ordered)


def _pooled_rate(engagements: np.ndarray, exposures: np.ndarray, *, default: float) -> float:
    total = float(exposures.sum())
    return float(engagements.sum()) / total if total > 0 else default


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _ranked_list(
    order: np.ndarray,
    ids: np.ndarray,
    channels: np.ndarray,
    score: np.ndarray,
    raw_rate: np.ndarray,
    adjusted: np.ndarray,
    exposures: np.ndarray,
    engagements: np.ndarray,
) -> list[Ranked]:
    columns: Sequence[list] = [_optional(column[order]) for column in (score, raw_rate, adjusted)]
    return [
        Ranked(item_id, channel, item_score, rate, adjusted_rate, exposed, engaged)
        for item_id, channel, item_score, rate, adjusted_rate, exposed, engaged in zip(
            ids[order].tolist(),
            channels[order].tolist(),
            *columns,
            exposures[order].tolist(),
            engagements[order].tolist(),
        )
    ]


def _optional(column: np.ndarray) -> list[float | None]:
    """The column as Python floats, nan as None."""
    values = column.astype(object)
    values[np.isnan(column)] = None
    return values.tolist()
