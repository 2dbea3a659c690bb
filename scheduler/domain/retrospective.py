"""The last quarter, looked back on before the next is planned: did its theme pay, and what did well.

Two questions, each answered with its evidence and never more firmly than the evidence allows:

* **Did on-theme posts do better than the rest?** Per channel, the mean of the library's score
  (``domain.ranking``: a percentile within the channel, 0–100) of the on-theme posts minus that of the
  others, with the 95 % interval of the difference by Welch's t (two samples, variances not assumed
  equal, Welch–Satterthwaite degrees of freedom). Above zero: on theme did better; below: worse;
  spanning zero: no clear difference. With fewer than ``MIN_PER_SIDE`` scored posts on either side
  there is nothing to compute an interval from: "too few to say", as the pattern report says of a
  handful of angry messages.
* **What did the best posts talk about?** The terms that set the top quarter of posts by score apart
  from the others (``distinctive_terms``: folded as theme keywords are, Dunning's G²), each with the
  figures behind it: in how many of the best and of the others, and the mean score of the posts holding
  it. They are offered as the next plan's keywords.

Student's t quantile is computed here (no statistics package is needed for one number): the
Cornish–Fisher expansion of the t quantile around the normal one, four terms, which is within 0.004 of
the exact value from 3 degrees of freedom up (Welch's degrees of freedom are at least
``MIN_PER_SIDE - 1``); 1 and 2 degrees of freedom have closed forms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from scheduler.domain.distinctive_terms import TermCounts, comment_terms, distinctive_terms

MIN_PER_SIDE = 5  # scored posts on theme, and off it, before an interval means anything
CONFIDENCE = 0.95
TOP_SHARE = 0.25  # "the best posts": the top quarter by score
MIN_POSTS_FOR_TOPICS = 8  # fewer scored posts: no top quarter worth the name
TOPICS = 8

BETTER, WORSE, NO_CLEAR_DIFFERENCE, TOO_FEW = "better", "worse", "no_clear_difference", "too_few"


@dataclass(frozen=True)
class Comparison:
    """On-theme posts against the rest, on one channel; the means and interval are in score points."""

    on_theme: int
    rest: int
    on_theme_mean: float | None
    rest_mean: float | None
    difference: float | None  # on_theme_mean - rest_mean
    low: float | None  # the 95 % interval of the difference; None when too few to say
    high: float | None
    verdict: str  # better, worse, no_clear_difference, too_few

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.low is None else (self.low, self.high)


@dataclass(frozen=True)
class Topic:
    """A term of the best posts, and the figures behind suggesting it."""

    term: str  # folded, as matched
    shown: str  # as the posts write it most often: the keyword to suggest
    g2: float
    in_top: int  # of the best posts, how many hold it
    top_posts: int
    in_rest: int  # of the other scored posts, how many hold it
    rest_posts: int
    mean_score: float  # of every scored post holding it
    post_ids: tuple[int, ...]  # the best posts holding it


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (see the module docstring)."""
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    z3, z5, z7, z9 = z**3, z**5, z**7, z**9
    return (
        z
        + (z3 + z) / (4 * df)
        + (5 * z5 + 16 * z3 + 3 * z) / (96 * df**2)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df**3)
        + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df**4)
    )


def _mean_and_variance(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, variance


def welch_interval(
    a: Sequence[float], b: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """(difference of means a − b, low, high) by Welch's t; both samples need two values or more.
    Samples without any spread give an interval of width zero."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each sample needs at least two values")
    mean_a, var_a = _mean_and_variance(a)
    mean_b, var_b = _mean_and_variance(b)
    difference = mean_a - mean_b
    share_a, share_b = var_a / len(a), var_b / len(b)
    standard_error = math.sqrt(share_a + share_b)
    if standard_error == 0:
        return difference, difference, difference
    total = share_a + share_b  # Welch–Satterthwaite, written in shares of the total so tiny spreads cannot underflow
    df = 1 / ((share_a / total) ** 2 / (len(a) - 1) + (share_b / total) ** 2 / (len(b) - 1))
    margin = t_quantile(0.5 + confidence / 2, df) * standard_error
    return difference, difference - margin, difference + margin


def compare(on_theme: Sequence[float], rest: Sequence[float], min_per_side: int = MIN_PER_SIDE) -> Comparison:
    """On-theme posts' scores against the others' (see the module docstring)."""
    on_mean = _mean_and_variance(on_theme)[0] if on_theme else None
    rest_mean = _mean_and_variance(rest)[0] if rest else None
    difference = on_mean - rest_mean if on_mean is not None and rest_mean is not None else None
    if len(on_theme) < max(min_per_side, 2) or len(rest) < max(min_per_side, 2):
        return Comparison(len(on_theme), len(rest), on_mean, rest_mean, difference, None, None, TOO_FEW)
    difference, low, high = welch_interval(on_theme, rest)
    verdict = BETTER if low > 0 else WORSE if high < 0 else NO_CLEAR_DIFFERENCE
    return Comparison(len(on_theme), len(rest), on_mean, rest_mean, difference, low, high, verdict)


def top_topics(
    posts: Sequence[tuple[int, str, float]],
    *,
    top_share: float = TOP_SHARE,
    top: int = TOPICS,
    min_posts: int = MIN_POSTS_FOR_TOPICS,
) -> list[Topic]:
    """The terms of the best posts ((id, text, score) each; the top ``top_share`` by score) that set
    them apart from the others, best first; none when fewer than ``min_posts`` posts were scored."""
    if len(posts) < min_posts:
        return []
    ranked = sorted(posts, key=lambda post: (-post[2], post[0]))
    cut = max(2, math.ceil(len(ranked) * top_share))
    best, others = ranked[:cut], ranked[cut:]
    terms_of = {post_id: comment_terms(text) for post_id, text, _ in ranked}
    reference = TermCounts.of(terms_of[post_id] for post_id, _, _ in others)
    found = distinctive_terms([(post_id, text) for post_id, text, _ in best], reference, top=top)
    topics = []
    for term in found:
        holding = [score for post_id, _, score in ranked if term.term in terms_of[post_id]]
        topics.append(
            Topic(
                term=term.term,
                shown=term.shown,
                g2=term.g2,
                in_top=term.in_pattern,
                top_posts=len(best),
                in_rest=term.in_reference,
                rest_posts=len(others),
                mean_score=math.fsum(holding) / len(holding),
                post_ids=term.comment_ids,
            )
        )
    return topics
