"""The patterns' small server-side SVGs: a negative share with its interval, and a weekly sparkline.

Like ``charts``: no JavaScript, escaped text, numbers formatted here. Colours come from the
stylesheet's classes, so a flagged pattern's bar is drawn as the page says it is.
"""

from markupsafe import Markup, escape

from scheduler.domain import formats
from scheduler.domain.language import _

WEEK = ("dd MMM", "MMMd", "")


def _week(week) -> str:
    return _(
        "week of %(day)s: %(negative)s of %(count)s negative",
        day=formats.day(week.starts_on, WEEK),
        negative=week.negative,
        count=week.count,
    )


def share_bar(
    share: float,
    low: float,
    high: float,
    overall: float | None = None,
    *,
    flagged: bool = False,
    width: int = 160,
    height: int = 18,
) -> Markup:
    """The negative share as a bar over 0–100 %, its 95 % interval as a whisker, and (a tick) the share
    of every interaction in the window that a pattern must surely exceed to be flagged."""
    pad = 2
    scale = width - 2 * pad

    def x(value: float) -> float:
        return pad + max(0.0, min(1.0, value)) * scale

    middle = height / 2
    tip = escape(
        _(
            "%(share)s negative; 95 %% interval %(low)s to %(high)s",
            share=formats.share(share),
            low=formats.share(low),
            high=formats.share(high),
        )
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart share-bar" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{tip}"><title>{tip}</title>',
        f'<rect x="{pad}" y="{middle - 4}" width="{scale}" height="8" class="track"/>',
        f'<rect x="{pad}" y="{middle - 4}" width="{x(share) - pad:.1f}" height="8" '
        f'class="{"share flagged" if flagged else "share"}"/>',
        f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{middle}" y2="{middle}" class="whisker"/>',
        f'<line x1="{x(low):.1f}" x2="{x(low):.1f}" y1="{middle - 5}" y2="{middle + 5}" class="whisker"/>',
        f'<line x1="{x(high):.1f}" x2="{x(high):.1f}" y1="{middle - 5}" y2="{middle + 5}" class="whisker"/>',
    ]
    if overall is not None:
        said = escape(_("all interactions: %(share)s negative", share=formats.share(overall)))
        parts.append(
            f'<line x1="{x(overall):.1f}" x2="{x(overall):.1f}" y1="0" y2="{height}" class="overall">'
            f"<title>{said}</title></line>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(weeks, *, width: int = 120, height: int = 26) -> Markup:
    """Per week: how many interactions (light) and how many of them negative (dark)."""
    if not weeks:
        return Markup("")
    most = max(w.count for w in weeks) or 1
    slot = width / len(weeks)
    bar = max(slot * 0.7, 1)
    label = escape(_(", ").join(_week(w) for w in weeks))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">'
    ]
    for index, week in enumerate(weeks):
        x = index * slot + (slot - bar) / 2
        total = height * week.count / most
        bad = height * week.negative / most
        tip = escape(_week(week))
        parts.append(
            f"<g><title>{tip}</title>"
            f'<rect x="{x:.1f}" y="{height - total:.1f}" width="{bar:.1f}" height="{total:.1f}" class="count"/>'
            f'<rect x="{x:.1f}" y="{height - bad:.1f}" width="{bar:.1f}" height="{bad:.1f}" class="negative"/></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
