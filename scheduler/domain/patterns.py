"""The patterns behind top performers: "tweets linking to /guides/ get 2.3× the replies of other
tweets (n = 41)".

A team looking at its best items wants to know what they have in common, but with a few dozen
items per channel most apparent differences are luck. So a pattern is shown only with enough data:

- features of an item: the domain it links to (host without "www."), the first segment of the
  linked path ('/guides/'), its content type, whether it is on theme (when known), and the weekday
  and 3-hour slot it was published in, in the team's time zone;
- metrics, per item: replies, clicks, likes, shares, views and the engagement rate (engagements /
  exposures, as in ranking.engagement). An item missing a metric is left out of that comparison;
- for each channel, feature value and metric, the mean over the items with the value is compared
  with the mean over the channel's other items (for on/off theme: the items whose theme is known).
  The lift is their ratio. A pattern needs at least min_n items on each side, a lift of at least
  min_lift (or at most 1/min_lift: "get 0.4× the clicks"), and a t statistic beyond noise (over
  the larger of Welch's and the pooled standard error, see t_statistic): |t| >= 2, raised by a
  Bonferroni correction over the comparisons made on the channel (family-wise 5%, normal
  approximation), since a channel is tested dozens of ways and, at |t| >= 2 alone, some comparison
  on pure noise would pass. On simulated noise (60 to 300 items, Poisson counts, skewed rates) 1-3%
  of channels show any pattern;
- a feature with exactly two values (on/off theme, or every item one of two content types) is
  reported once, from the side that does better ("on-theme tweets get 2.0× the replies of
  off-theme tweets"), not also as its mirror image;
- patterns are ordered by strength, |log lift| weighted by the square root of the effective sample
  size n*n_other/(n+n_other). Each channel's feature value shows only its strongest metric, and
  two values that pick out exactly the same items (every link to example.com goes to /guides/) are
  shown once, by the first of FEATURES.

Group sums are taken with numpy bincount for every value of a feature at once, so the cost is a
pass over the items per feature and metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from statistics import NormalDist
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
from babel.numbers import format_decimal

from scheduler.domain.language import N_, _
from scheduler.domain.language import code as language_code
from scheduler.domain.ranking import ItemFacts, engagement

FEATURES = ("link_path", "link_domain", "content_type", "on_theme", "weekday", "hour")  # first wins a tie
PATTERN_METRICS = ("replies", "clicks", "likes", "shares", "views", "engagement_rate")
MIN_T = 2.0
_SEED = 0x5EED_2032
FAMILY_ALPHA = 0.05
HOURS_PER_SLOT = 3
# the values are the filters' (English, as the API takes them); the sentences say them translated
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
CHANNEL_NOUNS = {
    "twitter": N_("tweets"),
    "youtube": N_("videos"),
    "newsletter": N_("issues"),
    "blog": N_("blog posts"),
    "ppc": N_("ads"),
    "mastodon": N_("toots"),
    "bluesky": N_("posts"),
}
CONTENT_PHRASES = {
    "text": N_("text-only %(noun)s"),
    "link": N_("%(noun)s with a link"),
    "image": N_("%(noun)s with an image"),
    "video": N_("%(noun)s with a video"),
}
# each metric with its article, as "get 2.3× the replies of …" says it
METRIC_PHRASES = {
    "replies": N_("the replies"),
    "clicks": N_("the clicks"),
    "likes": N_("the likes"),
    "shares": N_("the shares"),
    "views": N_("the views"),
    "engagement_rate": N_("the engagement rate"),
}


@dataclass(frozen=True)
class Pattern:
    channel: str
    feature: str  # 'link_domain' | 'link_path' | 'content_type' | 'on_theme' | 'weekday' | 'hour'
    value: str  # e.g. '/guides/', 'example.com', 'video', 'on theme', 'Tuesday', '09:00–12:00'
    metric: str  # 'replies', 'clicks', ..., or 'engagement_rate'
    lift: float  # mean with / mean of the others
    n: int  # items with the feature
    n_other: int
    sentence: str  # "tweets linking to /guides/ get 2.3× the replies of other tweets (n = 41)"


@dataclass(frozen=True)
class _Comparison:
    """One feature value against the rest, on one metric, before the noise threshold is known."""

    feature: str
    value: str
    other_value: str | None  # the other side, when the feature has exactly two values
    metric: str
    lift: float
    n: int
    n_other: int
    t: float
    group_key: float  # the same for two feature values that pick out exactly the same items

    @property
    def strength(self) -> float:
        effective_n = self.n * self.n_other / (self.n + self.n_other)
        return abs(math.log(self.lift)) * math.sqrt(effective_n)


def find_patterns(
    items: Iterable[ItemFacts], *, min_n: int = 10, min_lift: float = 1.5, time_zone: str = "UTC", limit: int = 20
) -> list[Pattern]:
    """The strongest patterns over all channels, at most limit. See the module docstring."""
    by_channel: dict[str, list[ItemFacts]] = {}
    for item in items:
        by_channel.setdefault(item.channel, []).append(item)
    zone = ZoneInfo(time_zone)
    patterns = [
        pattern
        for channel in sorted(by_channel)
        for pattern in channel_patterns(channel, by_channel[channel], zone, min_n, min_lift)
    ]
    patterns.sort(key=lambda scored: -scored[0])
    return [pattern for _, pattern in patterns[: max(limit, 0)]]


def channel_patterns(
    channel: str, items: Sequence[ItemFacts], zone: ZoneInfo, min_n: int, min_lift: float
) -> list[tuple[float, Pattern]]:
    """(strength, Pattern) for one channel's items, one per feature value at most."""
    metrics = _metric_columns(items)
    comparisons = [
        comparison
        for feature in FEATURES
        for comparison in _compare_feature(feature, feature_values(feature, items, zone), metrics, min_n)
    ]
    threshold = noise_threshold(len(comparisons))
    passing = [
        comparison
        for comparison in comparisons
        if abs(comparison.t) >= threshold and _lifts_enough(comparison.lift, min_lift)
    ]
    passing.sort(key=lambda comparison: -comparison.strength)  # stable: FEATURES order breaks ties
    shown, seen_values, seen_groups = [], set(), set()
    for comparison in passing:
        value = (comparison.feature, comparison.value)
        if value in seen_values or comparison.group_key in seen_groups:
            continue  # a weaker metric of a value already shown, or the same items by another name
        seen_values.add(value)
        seen_groups.add(comparison.group_key)
        shown.append((comparison.strength, _pattern(channel, comparison)))
    return shown


def noise_threshold(comparisons: int) -> float:
    """The |t| a difference needs to pass for real among this many comparisons: MIN_T, or the
    two-sided Bonferroni bound at FAMILY_ALPHA when that is higher."""
    if comparisons <= 1:
        return MIN_T
    return max(MIN_T, NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * comparisons)))


def t_statistic(
    mean_a: np.ndarray, var_a: np.ndarray, n_a: np.ndarray, mean_b: np.ndarray, var_b: np.ndarray, n_b: np.ndarray
) -> np.ndarray:
    """The t statistic of a - b, element-wise, over the larger of Welch's standard error and the
    pooled one. Welch's alone trusts a small group's own variance, which for counts shrinks with
    its mean (ten items with few shares look very sure of having few), and for skewed rates is
    small whenever the group happens to miss the tail; the pooled one alone trusts a group with
    one viral item too much. Zero standard error: +-inf, or 0 when the means are equal."""
    welch = var_a / n_a + var_b / n_b
    pooled = ((n_a - 1) * var_a + (n_b - 1) * var_b) / (n_a + n_b - 2) * (1 / n_a + 1 / n_b)
    standard_error = np.sqrt(np.maximum(welch, pooled))
    difference = mean_a - mean_b
    with np.errstate(divide="ignore", invalid="ignore"):
        t = difference / standard_error
    return np.where(standard_error > 0, t, np.where(difference == 0, 0.0, np.copysign(np.inf, difference)))


def _lifts_enough(lift: float, min_lift: float) -> bool:
    return lift >= min_lift or lift <= 1 / min_lift


# Features ---------------------------------------------------------------------------------------


def feature_values(feature: str, items: Sequence[ItemFacts], zone: ZoneInfo) -> list[str | None]:
    """Each item's value of the feature, None when it has none (no link, no content type, theme
    unknown). Items without a value are among "the others", except for on_theme, where they are
    left out of the comparison."""
    value_of: Callable[[ItemFacts], str | None] = {
        "link_domain": lambda item: link_domain(item.link),
        "link_path": lambda item: link_path(item.link),
        "content_type": lambda item: item.content_type.strip().lower() or None,
        "on_theme": lambda item: None if item.on_theme is None else ("on theme" if item.on_theme else "off theme"),
        "weekday": lambda item: WEEKDAYS[item.published_at.astimezone(zone).weekday()],
        "hour": lambda item: _hour_slot(item.published_at.astimezone(zone)),
    }[feature]
    return [value_of(item) for item in items]


def link_domain(link: str) -> str | None:
    """The linked host, lower case, without "www."; None without a link."""
    parts = _split_link(link)
    return parts[0] if parts else None


def link_path(link: str) -> str | None:
    """The first segment of the linked path, lower case: '/guides/' for /guides/setup, '/pricing'
    for /pricing; None for a home page or without a link."""
    parts = _split_link(link)
    if not parts:
        return None
    first, slash, _ = parts[1].lstrip("/").partition("/")
    return f"/{first.lower()}{slash}" if first else None


@lru_cache(maxsize=65536)
def _split_link(link: str) -> tuple[str, str] | None:
    """(host without www., path) of an absolute link ("example.com/x" counts), None otherwise."""
    link = link.strip()
    if not link or " " in link or ("://" not in link and ":" in link.split("/")[0]):
        return None  # not a web link (mailto:, tel:) or not a link at all
    try:
        parts = urlsplit(link if "://" in link else f"//{link}")
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    return (host, parts.path) if "." in host else None


def _hour_slot(local: datetime) -> str:
    start = local.hour - local.hour % HOURS_PER_SLOT
    return f"{start:02d}:00–{start + HOURS_PER_SLOT:02d}:00"


# Comparisons ------------------------------------------------------------------------------------


def _metric_columns(items: Sequence[ItemFacts]) -> dict[str, np.ndarray]:
    """Each metric as a float column over the items, nan where unknown."""
    columns = {
        metric: np.array([_known(item.metrics.get(metric)) for item in items], dtype=float)
        for metric in PATTERN_METRICS
        if metric != "engagement_rate"
    }
    rates = []
    for item in items:
        engagements, exposures = engagement(item.metrics)
        rates.append(engagements / exposures if exposures > 0 else math.nan)
    columns["engagement_rate"] = np.array(rates, dtype=float)
    return columns


def _known(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _compare_feature(
    feature: str, values: list[str | None], metrics: dict[str, np.ndarray], min_n: int
) -> list[_Comparison]:
    """Every value of the feature against the rest, on every metric, where both sides have at
    least min_n items."""
    names, codes = _encode(values)
    if len(names) == 0:
        return []
    in_population = codes >= 0 if feature == "on_theme" else np.ones(len(codes), dtype=bool)
    binary = len(names) == 2 and bool(np.all(codes[in_population] >= 0))
    group_keys = _group_keys(codes, len(names))
    comparisons = []
    for metric, column in metrics.items():
        known = in_population & ~np.isnan(column)
        comparisons += _compare_groups(feature, names, codes[known], column[known], metric, min_n, binary, group_keys)
    return comparisons


def _group_keys(codes: np.ndarray, size: int) -> np.ndarray:
    """Per value, the sum of a random weight per item (the same weights for every feature of a
    channel): equal sums mean, barring a 1-in-2^50 accident, the same items."""
    weights = np.random.default_rng(_SEED).random(len(codes))
    grouped = codes >= 0
    return np.bincount(codes[grouped], weights=weights[grouped], minlength=size)


def _encode(values: list[str | None]) -> tuple[list[str], np.ndarray]:
    """The distinct values (sorted) and each item's index among them, -1 for None."""
    names = sorted({value for value in values if value is not None})
    index = {name: position for position, name in enumerate(names)}
    return names, np.array([-1 if value is None else index[value] for value in values], dtype=np.int64)


def _compare_groups(
    feature: str,
    names: list[str],
    codes: np.ndarray,
    column: np.ndarray,
    metric: str,
    min_n: int,
    binary: bool,
    group_keys: np.ndarray,
) -> list[_Comparison]:
    """Group statistics of every value at once (bincount over values centred on the overall mean,
    for precision), the rest being the total minus the group."""
    if len(column) == 0:
        return []
    centre = float(column.mean())
    centred = column - centre
    grouped = codes >= 0
    size = len(names)
    n = np.bincount(codes[grouped], minlength=size).astype(float)
    total = np.bincount(codes[grouped], weights=centred[grouped], minlength=size)
    squares = np.bincount(codes[grouped], weights=centred[grouped] ** 2, minlength=size)
    n_other = len(column) - n
    total_other = centred.sum() - total
    squares_other = float(np.sum(centred**2)) - squares
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, mean_other = total / n, total_other / n_other
        variance = np.maximum(squares - n * mean**2, 0) / (n - 1)
        variance_other = np.maximum(squares_other - n_other * mean_other**2, 0) / (n_other - 1)
        t = t_statistic(mean, variance, n, mean_other, variance_other, n_other)
        lift = (mean + centre) / (mean_other + centre)
    eligible = (n >= min_n) & (n_other >= min_n) & np.isfinite(lift) & (lift > 0)
    if binary:
        eligible &= lift > 1  # the mirror image (lift < 1) says the same from the other side
    return [
        _Comparison(
            feature,
            names[i],
            names[1 - i] if binary else None,
            metric,
            float(lift[i]),
            int(n[i]),
            int(n_other[i]),
            float(t[i]),
            float(group_keys[i]),
        )
        for i in np.flatnonzero(eligible)
    ]


# Sentences --------------------------------------------------------------------------------------


def _pattern(channel: str, comparison: _Comparison) -> Pattern:
    noun = _(CHANNEL_NOUNS[channel]) if channel in CHANNEL_NOUNS else _("%(channel)s posts", channel=channel)
    group = _group_phrase(comparison.feature, comparison.value, noun)
    others = (
        _("other %(noun)s", noun=noun)
        if comparison.other_value is None
        else _group_phrase(comparison.feature, comparison.other_value, noun)
    )
    metric = (
        _(METRIC_PHRASES[comparison.metric])
        if comparison.metric in METRIC_PHRASES
        else _("the %(metric)s", metric=comparison.metric)
    )
    sentence = _(
        "%(group)s get %(lift)s %(metric)s of %(others)s (n = %(n)s)",
        group=group,
        lift=_format_lift(comparison.lift),
        metric=metric,
        others=others,
        n=comparison.n,
    )
    return Pattern(
        channel,
        comparison.feature,
        comparison.value,
        comparison.metric,
        comparison.lift,
        comparison.n,
        comparison.n_other,
        sentence,
    )


def _group_phrase(feature: str, value: str, noun: str) -> str:
    if feature in ("link_domain", "link_path"):
        return _("%(noun)s linking to %(value)s", noun=noun, value=value)
    if feature == "content_type":
        if value in CONTENT_PHRASES:
            return _(CONTENT_PHRASES[value], noun=noun)
        return _("%(value)s %(noun)s", value=value, noun=noun)
    if feature == "on_theme":
        return _("on-theme %(noun)s", noun=noun) if value == "on theme" else _("off-theme %(noun)s", noun=noun)
    if feature == "weekday":
        return _("%(noun)s published on %(day)s", noun=noun, day=_(value))
    return _("%(noun)s published %(hours)s", noun=noun, hours=value)


def _format_lift(lift: float) -> str:
    if language_code() == "en":
        return f"{lift:.1f}×" if lift >= 0.05 else "<0.1×"
    spoken = language_code()
    return (
        f"{format_decimal(lift, '0.0', locale=spoken)}×"
        if lift >= 0.05
        else f"<{format_decimal(0.1, '0.0', locale=spoken)}×"
    )
