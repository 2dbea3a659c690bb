"""The indicators' chart, server-side SVG like the report's (``charts.py``): per month, the actual as a
bar (red when it missed its target by more than 10 %), the target as a dashed line, the previous
plan's same month as a dotted line; a legend says which is which. No JavaScript, printable, escaped;
colours are presentation attributes, since the CSP allows no inline style."""

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from scheduler.domain import formats, language
from scheduler.domain.language import N_, _
from scheduler.web.chart_numbers import numbers_table

ACTUAL, MISSED, TARGET, PREVIOUS = "#3451b2", "#c62828", "#1d2330", "#8a94a6"


def figure_text(value: float) -> str:
    """A figure with two decimals at most, grouped as the reader's language groups thousands."""
    return format_decimal(value, "#,##0.##", locale=language.code())


_number = figure_text


def signed_share(value: float) -> str:
    """A gap as a signed percentage with one decimal ("+12.5%", "−3,0 %")."""
    if language.code() == language.DEFAULT:
        return f"{value:+.1%}"
    return ("+" if value >= 0 else "-") + formats.share(abs(value), 1)


def kpi_chart(kpi: dict, width: int = 560, height: int = 210) -> Markup:
    """``kpi`` as ``services.kpis.kpi_dict`` gives it."""
    months = kpi["months"]
    if not months:
        return Markup("")
    left, right, top, bottom = 56, 12, 12, 58
    title = _("%(kpi)s: actual, target and previous plan by month", kpi=kpi.get("label") or kpi["name"])
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [m[k] for m in months for k in ("target", "actual", "previous") if m[k] is not None]
    high, low = max([0.0, *values]), min([0.0, *values])
    span = (high - low) or 1.0
    slot = plot_w / len(months)
    bar = max(min(slot * 0.45, 48), 3)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / span

    def centre(index: int) -> float:
        return left + slot * index + slot / 2

    unit = escape(kpi.get("unit") or "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart kpi-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="{top + 8}" class="axis">{escape(_number(high))}</text>',
        f'<text x="0" y="{top + plot_h}" class="axis">{escape(_number(low))}</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="baseline" stroke="#c8ccd4"/>',
    ]
    for index, month in enumerate(months):
        x = centre(index)
        if month["actual"] is not None:
            top_y, base_y = sorted((y(month["actual"]), y(0)))
            colour = MISSED if month.get("missed") else ACTUAL
            said = _("%(month)s: actual %(figure)s", month=month["month"], figure=_number(month["actual"]))
            tip = escape(f"{said} {kpi.get('unit') or ''}".strip())
            parts.append(
                f'<rect class="actual{" missed" if month.get("missed") else ""}" x="{x - bar / 2:.1f}" '
                f'y="{top_y:.1f}" width="{bar:.1f}" height="{max(base_y - top_y, 1):.1f}" fill="{colour}">'
                f"<title>{tip}</title></rect>"
            )
        parts.append(f'<text x="{x - 20:.1f}" y="{top + plot_h + 16}" class="axis">{escape(month["month"])}</text>')
    parts += _line(months, "target", TARGET, "4 3", centre, y, unit)
    parts += _line(months, "previous", PREVIOUS, "1 3", centre, y, unit)
    parts.append(_legend(left, height - 14))
    parts.append("</svg>")
    headers = [_("Month"), _("Actual"), _("Target"), _("Previous plan")]
    numbers = [
        [m["month"], *("–" if m[key] is None else _number(m[key]) for key in ("actual", "target", "previous"))]
        for m in months
    ]
    caption = f"{kpi.get('label') or kpi['name']}" + (f" ({kpi['unit']})" if kpi.get("unit") else "")
    return Markup("".join(parts)) + numbers_table(caption, headers, numbers)


def _line(months, key, colour, dashes, centre, y, unit) -> list[str]:
    """A dashed (or dotted) line through the months that have the figure, a dot on each."""
    points = [(centre(i), y(m[key]), m) for i, m in enumerate(months) if m[key] is not None]
    if not points:
        return []
    path = " ".join(f"{x:.1f},{py:.1f}" for x, py, _ in points)
    said = N_("%(month)s: target %(figure)s") if key == "target" else N_("%(month)s: previous plan %(figure)s")
    parts = [
        f'<polyline class="{key}" points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
        f'stroke-dasharray="{dashes}"/>'
    ]
    for x, py, month in points:
        tip = escape(f"{_(said, month=month['month'], figure=_number(month[key]))} {unit}".strip())
        parts.append(
            f'<circle class="{key}" cx="{x:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{tip}</title></circle>'
        )
    return parts


def _legend(x: float, y: float) -> str:
    actual, missed = escape(_("Actual")), escape(_("Missed by more than 10 %"))
    target, previous = escape(_("Target")), escape(_("Previous plan"))
    return (
        f'<g class="legend-keys">'
        f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{ACTUAL}"/>'
        f'<text x="{x + 16}" y="{y}" class="legend">{actual}</text>'
        f'<rect x="{x + 70}" y="{y - 9}" width="12" height="10" fill="{MISSED}"/>'
        f'<text x="{x + 86}" y="{y}" class="legend">{missed}</text>'
        f'<line x1="{x + 250}" x2="{x + 274}" y1="{y - 4}" y2="{y - 4}" stroke="{TARGET}" stroke-width="2" '
        f'stroke-dasharray="4 3"/><text x="{x + 280}" y="{y}" class="legend">{target}</text>'
        f'<line x1="{x + 335}" x2="{x + 359}" y1="{y - 4}" y2="{y - 4}" stroke="{PREVIOUS}" stroke-width="2" '
        f'stroke-dasharray="1 3"/><text x="{x + 365}" y="{y}" class="legend">{previous}</text></g>'
    )
