"""The patterns' small server-side SVGs: a negative share with its interval, and a weekly sparkline.

Like ``charts``: no JavaScript, escaped text, numbers formatted here. Colours come from the
stylesheet's classes, so a flagged pattern's bar is drawn as the page says it is.
"""

from markupsafe import Markup, escape


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
    tip = escape(f"{share:.0%} negative; 95 % interval {low:.0%} to {high:.0%}")
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
        parts.append(
            f'<line x1="{x(overall):.1f}" x2="{x(overall):.1f}" y1="0" y2="{height}" class="overall">'
            f"<title>{escape(f'all interactions: {overall:.0%} negative')}</title></line>"
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
    label = escape(", ".join(f"week of {w.starts_on:%d %b}: {w.negative} of {w.count} negative" for w in weeks))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">'
    ]
    for index, week in enumerate(weeks):
        x = index * slot + (slot - bar) / 2
        total = height * week.count / most
        bad = height * week.negative / most
        tip = escape(f"week of {week.starts_on:%d %b}: {week.negative} of {week.count} negative")
        parts.append(
            f"<g><title>{tip}</title>"
            f'<rect x="{x:.1f}" y="{height - total:.1f}" width="{bar:.1f}" height="{total:.1f}" class="count"/>'
            f'<rect x="{x:.1f}" y="{height - bad:.1f}" width="{bar:.1f}" height="{bad:.1f}" class="negative"/></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
