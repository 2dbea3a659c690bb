"""The retrospective's server-side SVG: per channel, how far on-theme posts' mean score stood from the
rest's, with its 95 % interval, around a line at zero (no difference).

Like ``charts``: no JavaScript, escaped text, numbers formatted here, colours from the stylesheet's
classes (a difference surely above zero is drawn as "better", surely below as "worse").
"""

import math

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from scheduler.domain import language
from scheduler.domain.language import N_, _
from scheduler.web.chart_numbers import numbers_table


def _signed(value: float) -> str:
    """``+3.2``, ``−1,5``: one decimal, signed, as the reader's language writes decimals."""
    if language.code() == language.DEFAULT:
        return f"{value:+.1f}"
    return format_decimal(value, "+0.0;-0.0", locale=language.code())


def _whole(value: float) -> str:
    return f"{value:.0f}" if language.code() == language.DEFAULT else format_decimal(value, "0", locale=language.code())


TITLE = N_("On-theme posts against the rest, per channel: difference of mean scores, 95 % interval")
SIDES = {"better": "better", "worse": "worse", "no_clear_difference": "unclear"}


def difference_chart(rows: list[dict], labels: dict | None = None, width: int = 560) -> Markup:
    """One row per channel of the retrospective (``services.retrospective``): a dot at the difference
    of means, a whisker over its interval; "too few to say" where there is none."""
    labels = labels or {}
    label_width, row_height, top, right = 130, 26, 22, 16
    reach = [abs(v) for row in rows for v in (row["interval"] or [row["difference"] or 0])]
    half = min(100, max(20, math.ceil(max(reach, default=0) / 10) * 10))
    scale = (width - label_width - right) / 2
    zero = label_width + scale
    height = top + len(rows) * row_height + 40

    def x(value: float) -> float:
        return zero + max(-half, min(half, value)) / half * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart retro-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(_(TITLE))}">',
        f'<text x="{label_width}" y="12" class="axis">−{half}</text>',
        f'<text x="{zero - 3:.1f}" y="12" class="axis">0</text>',
        f'<text x="{width - right - 24}" y="12" class="axis">+{half}</text>',
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top - 6}" y2="{top + len(rows) * row_height}" class="zero"/>',
    ]
    for index, row in enumerate(rows):
        y = top + index * row_height + row_height / 2
        name = labels.get(row["channel"], row["channel"])
        parts.append(f'<text x="0" y="{y + 4:.1f}" class="label">{escape(name)}</text>')
        if row["interval"] is None:
            too_few = escape(_("too few to say"))
            parts.append(f'<text x="{zero + 6:.1f}" y="{y + 4:.1f}" class="muted">{too_few}</text>')
            continue
        low, high = row["interval"]
        side = SIDES.get(row["verdict"], "unclear")
        tip = escape(
            _(
                "%(channel)s: on theme %(on_theme)s vs the rest %(rest)s "
                "(%(difference)s points; 95 %% interval %(low)s to %(high)s)",
                channel=name,
                on_theme=_whole(row["on_theme"]["mean"]),
                rest=_whole(row["rest"]["mean"]),
                difference=_signed(row["difference"]),
                low=_signed(low),
                high=_signed(high),
            )
        )
        parts.append(
            f'<g class="difference {side}" data-channel="{escape(row["channel"])}"><title>{tip}</title>'
            f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y:.1f}" y2="{y:.1f}" class="whisker"/>'
            f'<line x1="{x(low):.1f}" x2="{x(low):.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}" class="whisker"/>'
            f'<line x1="{x(high):.1f}" x2="{x(high):.1f}" y1="{y - 5:.1f}" y2="{y + 5:.1f}" class="whisker"/>'
            f'<circle cx="{x(row["difference"]):.1f}" cy="{y:.1f}" r="4.5" class="dot"/></g>'
        )
    legend = _("dot: on-theme posts’ mean score minus the rest’s; whisker: its 95 % interval.")
    reading = _("Right of the dashed line: on theme did better; an interval across it: the quarter cannot tell.")
    parts.append(
        f'<text x="0" y="{height - 20}" class="legend">{escape(legend)}</text>'
        f'<text x="0" y="{height - 5}" class="legend">{escape(reading)}</text></svg>'
    )
    headers = [
        _("Channel"),
        _("On theme, mean score"),
        _("The rest, mean score"),
        _("Difference"),
        _("95 % interval"),
    ]
    numbers = [[labels.get(row["channel"], row["channel"]), *_figures(row)] for row in rows]
    return Markup("".join(parts)) + numbers_table(_("On-theme posts against the rest, per channel"), headers, numbers)


def _figures(row: dict) -> list[str]:
    if row["interval"] is None:
        return ["–", "–", _("too few to say"), "–"]
    low, high = row["interval"]
    return [
        f"{row['on_theme']['mean']:.0f}",
        f"{row['rest']['mean']:.0f}",
        f"{row['difference']:+.1f}",
        f"{low:+.1f} to {high:+.1f}",
    ]
