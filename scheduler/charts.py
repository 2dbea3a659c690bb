"""Server-side SVG charts for the compliance report: no JavaScript, printable, escaped.

Every piece of text that reaches the SVG goes through ``escape``; numbers are formatted here.
"""
from markupsafe import Markup, escape

STATUS_COLOURS = {"ok": "#2e7d32", "behind": "#ef6c00", "below_floor": "#c62828", "one_note": "#6a1b9a"}


def coverage_chart(rows: list[dict], width: int = 640, labels: dict | None = None) -> Markup:
    """One bar per channel: its coverage ratio, over the band between floor and ceiling."""
    labels = labels or {}
    label_width, bar_height, gap, top = 150, 18, 14, 24
    scale = width - label_width - 60
    height = top + len(rows) * (bar_height + gap) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="theme coverage by channel">',
             f'<text x="{label_width}" y="14" class="axis">0%</text>',
             f'<text x="{label_width + scale - 24}" y="14" class="axis">100%</text>']
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        floor_x = label_width + row["floor"] * scale
        ceiling_x = label_width + row["ceiling"] * scale
        parts.append(f'<text x="0" y="{y + 13}" class="label">{escape(_short(labels.get(row["channel"], row["channel"])))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{scale}" height="{bar_height}" class="track"/>')
        parts.append(f'<rect x="{floor_x:.1f}" y="{y - 3}" width="{max(ceiling_x - floor_x, 1):.1f}" '
                     f'height="{bar_height + 6}" class="band"><title>floor {row["floor"]:.0%} to ceiling '
                     f'{row["ceiling"]:.0%}</title></rect>')
        coverage = row["coverage_ratio"]
        if coverage is not None:
            colour = STATUS_COLOURS.get(row["status"], "#555")
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{coverage * scale:.1f}" '
                         f'height="{bar_height - 8}" fill="{colour}"><title>coverage {coverage:.0%}</title></rect>')
        parts.append(f'<line x1="{floor_x:.1f}" x2="{floor_x:.1f}" y1="{y - 4}" y2="{y + bar_height + 4}" '
                     f'class="floor"/>')
        parts.append(f'<line x1="{ceiling_x:.1f}" x2="{ceiling_x:.1f}" y1="{y - 4}" y2="{y + bar_height + 4}" '
                     f'class="ceiling"/>')
        text = "no posts" if coverage is None else f"{coverage:.0%}"
        parts.append(f'<text x="{label_width + scale + 6}" y="{y + 13}" class="value">{text}</text>')
    parts.append(f'<text x="0" y="{height - 6}" class="legend">bar: share of posts on theme; '
                 'shaded band: from the floor (solid line) to the one-note ceiling (dashed line)</text></svg>')
    return Markup("".join(parts))


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def weekly_chart(weeks: list[dict], width: int = 640, height: int = 160) -> Markup:
    """Per ISO week: what was committed (outline), scheduled (light) and published (dark)."""
    if not weeks:
        return Markup("")
    top, bottom, left = 10, 28, 30
    plot = height - top - bottom
    most = max(max(w["committed"], w["posts"]) for w in weeks) or 1
    slot = (width - left) / len(weeks)
    bar = max(slot * 0.6, 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="posts per week">',
             f'<text x="0" y="{top + 8}" class="axis">{most:g}</text>',
             f'<line x1="{left}" x2="{width}" y1="{top + plot}" y2="{top + plot}" class="baseline"/>']
    for index, week in enumerate(weeks):
        x = left + index * slot + (slot - bar) / 2

        def bar_height(value):
            return plot * value / most

        tip = escape(f"week of {week['week_start']}: committed {week['committed']:g}, scheduled {week['posts']}, "
                     f"published {week['published']}")
        parts.append(f'<g><title>{tip}</title>')
        parts.append(f'<rect x="{x:.1f}" y="{top + plot - bar_height(week["posts"]):.1f}" width="{bar:.1f}" '
                     f'height="{bar_height(week["posts"]):.1f}" class="scheduled"/>')
        parts.append(f'<rect x="{x:.1f}" y="{top + plot - bar_height(week["published"]):.1f}" width="{bar:.1f}" '
                     f'height="{bar_height(week["published"]):.1f}" class="published"/>')
        parts.append(f'<rect x="{x:.1f}" y="{top + plot - bar_height(week["committed"]):.1f}" width="{bar:.1f}" '
                     f'height="{bar_height(week["committed"]):.1f}" class="committed"/></g>')
        if index % max(1, len(weeks) // 7) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" class="axis">{escape(week["week_start"][5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
