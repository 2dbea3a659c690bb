"""Server-side SVG charts (the compliance report, the library): no JavaScript, printable, escaped.

Every piece of text that reaches the SVG goes through ``escape``; numbers are formatted here.
"""

from markupsafe import Markup, escape

from scheduler.domain.formats import share as pct
from scheduler.domain.language import N_, _
from scheduler.web.chart_numbers import numbers_table

BAND_WORDS = {
    "below_floor": N_("below the floor"),
    "in_band": N_("in the band"),
    "above_ceiling": N_("above the one-note ceiling"),
    None: N_("no posts"),
}
# the charts' names and tooltips (marked here: a sentence inside an f-string is not found by extraction)
COVERAGE_CHART = N_("theme coverage by channel")
BAND_TIP = N_("floor %(floor)s to ceiling %(ceiling)s")
BAR_TIP = N_("coverage %(share)s: %(said)s")
TOO_EARLY = N_("too early")
WEEKLY_CHART = N_("posts per week")
WEEK_BAND_TIP = N_("coverage band: floor %(floor)s to ceiling %(ceiling)s")
SCORE_CHART = N_("scores of the top performers")
SCORE_TIP = N_("%(title)s: score %(score)s")
METRICS_CHART = N_("metrics over time")
COVERAGE_LEGEND = N_(
    "bar: share of posts on theme; shaded band: from the floor (solid line) to the one-note ceiling (dashed line)"
)
SCORE_LEGEND = N_(
    "bar: the score, 0 to 100, of each item within its channel (so a tweet and a video compare); colour: its channel"
)


def coverage_chart(rows: list[dict], width: int = 640, labels: dict | None = None) -> Markup:
    """One bar per channel: its coverage ratio, over the band between floor and ceiling. The bar's
    colour says where the ratio sits against the band (``domain.compliance.coverage_band``: below the
    floor, in the band, above the ceiling), never the channel's volume; a channel too early to judge
    (fewer posts than one period's commitment) gets a neutral bar. The page's legend names the colours."""
    labels = labels or {}
    label_width, bar_height, gap, top = 150, 18, 14, 24
    scale = width - label_width - 110
    height = top + len(rows) * (bar_height + gap) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_(COVERAGE_CHART))}">',
        f'<text x="{label_width}" y="14" class="axis">{pct(0)}</text>',
        f'<text x="{label_width + scale - 24}" y="14" class="axis">{pct(1)}</text>',
    ]
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        floor_x = label_width + row["floor"] * scale
        ceiling_x = label_width + row["ceiling"] * scale
        label = escape(_short(labels.get(row["channel"], row["channel"])))
        parts.append(f'<text x="0" y="{y + 13}" class="label">{label}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{scale}" height="{bar_height}" class="track"/>')
        parts.append(
            f'<rect x="{floor_x:.1f}" y="{y - 3}" width="{max(ceiling_x - floor_x, 1):.1f}" '
            f'height="{bar_height + 6}" class="band"><title>'
            f"{escape(_(BAND_TIP, floor=pct(row['floor']), ceiling=pct(row['ceiling'])))}"
            "</title></rect>"
        )
        coverage, judged = row["coverage_ratio"], row.get("judged", True)
        band = row.get("coverage_band")
        if coverage is not None:
            kind = band if judged else "early"
            if judged:
                said = _(BAND_WORDS[band]) if band in BAND_WORDS else ""
            else:
                said = _("too early to judge")
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{coverage * scale:.1f}" '
                f'height="{bar_height - 8}" class="bar {kind}"><title>'
                f"{escape(_(BAR_TIP, share=pct(coverage), said=said))}</title></rect>"
            )
        parts.append(
            f'<line x1="{floor_x:.1f}" x2="{floor_x:.1f}" y1="{y - 4}" y2="{y + bar_height + 4}" class="floor"/>'
        )
        parts.append(
            f'<line x1="{ceiling_x:.1f}" x2="{ceiling_x:.1f}" y1="{y - 4}" y2="{y + bar_height + 4}" class="ceiling"/>'
        )
        text = escape(_("no posts")) if coverage is None else pct(coverage)
        parts.append(f'<text x="{label_width + scale + 6}" y="{y + 13}" class="value">{text}</text>')
        if coverage is not None and not judged:
            parts.append(
                f'<text x="{label_width + scale + 42}" y="{y + 13}" class="early">{escape(_(TOO_EARLY))}</text>'
            )
    parts.append(f'<text x="0" y="{height - 6}" class="legend">' + str(escape(_(COVERAGE_LEGEND))) + "</text></svg>")
    numbers = [
        [
            labels.get(row["channel"], row["channel"]),
            pct(row["coverage_ratio"]),
            pct(row["floor"]),
            pct(row["ceiling"]),
            _(BAND_WORDS.get(row.get("coverage_band"), "")) if row.get("judged", True) else _("too early to judge"),
        ]
        for row in rows
    ]
    headers = [
        _("Channel"),
        _("Coverage"),
        _("Floor"),
        _("Ceiling"),
        _("Where it stands"),
    ]
    return Markup("".join(parts)) + numbers_table(_("Theme coverage by channel"), headers, numbers)


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def weekly_chart(
    weeks: list[dict], width: int = 640, height: int = 170, floor: float | None = None, ceiling: float | None = None
) -> Markup:
    """Per ISO week: volume (committed as an outline, scheduled light, published dark, on the left
    scale) and, beside it, coverage (a dot per week on the right scale, 0-100 %, over the band between
    ``floor`` and ``ceiling``, coloured as the coverage bars are). Weeks to come are drawn as planned
    (faded, their dots hollow): nothing in them has failed yet."""
    if not weeks:
        return Markup("")
    top, bottom, left, right = 10, 28, 30, 40
    plot = height - top - bottom
    most = max(max(w["committed"], w["posts"]) for w in weeks) or 1
    slot = (width - left - right) / len(weeks)
    bar = max(slot * 0.6, 2)

    def bar_height(value):
        return plot * value / most

    def share_y(value):
        return top + plot - plot * value

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_(WEEKLY_CHART))}">',
        f'<text x="0" y="{top + 8}" class="axis">{most:g}</text>',
        f'<text x="{width - right + 4}" y="{top + 8}" class="axis">{pct(1)}</text>',
        f'<text x="{width - right + 4}" y="{top + plot}" class="axis">{pct(0)}</text>',
    ]
    if floor is not None and ceiling is not None:
        parts.append(
            f'<rect x="{left}" y="{share_y(ceiling):.1f}" width="{width - left - right}" '
            f'height="{max(share_y(floor) - share_y(ceiling), 1):.1f}" class="band week-band">'
            f"<title>{escape(_(WEEK_BAND_TIP, floor=pct(floor), ceiling=pct(ceiling)))}"
            "</title></rect>"
        )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot}" y2="{top + plot}" class="baseline"/>')
    parts.extend(_coverage_lines(weeks, lambda index: left + index * slot + slot / 2, share_y))
    for index, week in enumerate(weeks):
        x = left + index * slot + (slot - bar) / 2
        when = week.get("timing", "past")
        coverage = week.get("coverage_ratio")
        share = _("no posts") if coverage is None else _("coverage %(share)s", share=pct(coverage))
        figures = {
            "week": week["week_start"],
            "committed": f"{week['committed']:g}",
            "scheduled": week["posts"],
            "published": week["published"],
            "share": share,
        }
        if when == "future":
            tip = _("week of %(week)s (planned): committed %(committed)s, scheduled %(scheduled)s, "
                    "published %(published)s; %(share)s", **figures)  # fmt: skip
        else:
            tip = _("week of %(week)s: committed %(committed)s, scheduled %(scheduled)s, "
                    "published %(published)s; %(share)s", **figures)  # fmt: skip
        tip = escape(tip)
        parts.append(f'<g class="week {when}"><title>{tip}</title>')
        for value, kind in ((week["posts"], "scheduled"), (week["published"], "published")):
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot - bar_height(value):.1f}" width="{bar:.1f}" '
                f'height="{bar_height(value):.1f}" class="{kind}"/>'
            )
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot - bar_height(week["committed"]):.1f}" width="{bar:.1f}" '
            f'height="{bar_height(week["committed"]):.1f}" class="committed"/>'
        )
        if coverage is not None:
            parts.append(
                f'<circle cx="{x + bar / 2:.1f}" cy="{share_y(coverage):.1f}" r="4.5" '
                f'class="share {week.get("coverage_band") or ""}"/>'
            )
        parts.append("</g>")
        if index % max(1, len(weeks) // 7) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" class="axis">{escape(week["week_start"][5:])}</text>')
    parts.append("</svg>")
    headers = [
        _("Week of"),
        _("Committed"),
        _("Scheduled"),
        _("Published"),
        _("Coverage"),
    ]
    numbers = [
        [
            week["week_start"] + (" " + _("(planned)") if week.get("timing") == "future" else ""),
            f"{week['committed']:g}",
            week["posts"],
            week["published"],
            pct(week.get("coverage_ratio")),
        ]
        for week in weeks
    ]
    return Markup("".join(parts)) + numbers_table(_("Posts per week"), headers, numbers)


def _coverage_lines(weeks: list[dict], x_of, y_of) -> list[str]:
    """The weeks' coverage joined up, a line per run of weeks that have posts (a week without posts has
    no coverage: the line breaks there rather than dropping to 0 %)."""
    lines, run = [], []
    for index, week in enumerate([*weeks, {"coverage_ratio": None}]):
        if week.get("coverage_ratio") is not None:
            run.append(f"{x_of(index):.1f},{y_of(week['coverage_ratio']):.1f}")
            continue
        if len(run) > 1:
            lines.append(f'<polyline points="{" ".join(run)}" class="share-line"/>')
        run = []
    return lines


CHANNEL_COLOURS = ("#3451b2", "#c2185b", "#00838f", "#ef6c00", "#6a1b9a", "#2e7d32", "#5d4037", "#455a64")


def channel_colour(channel: str, channels: list[str]) -> str:
    return CHANNEL_COLOURS[channels.index(channel) % len(CHANNEL_COLOURS)] if channel in channels else "#555"


def score_chart(ranked: list, width: int = 640, labels: dict | None = None) -> Markup:
    """Top performers side by side: each item's score (0–100, comparable across channels), coloured
    by channel. ``ranked`` holds (item, Ranked) pairs, best first."""
    ranked = [(item, r) for item, r in ranked if r is not None and r.score is not None]
    if not ranked:
        return Markup("")
    label_width, bar_height, gap, top = 260, 14, 6, 6
    scale = width - label_width - 40
    channels = sorted({item.channel for item, _ in ranked})
    legend_top = top + len(ranked) * (bar_height + gap) + 8
    per_row = 4
    height = legend_top + (-(-len(channels) // per_row)) * 18 + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_(SCORE_CHART))}">'
    ]
    for index, (item, r) in enumerate(ranked):
        y = top + index * (bar_height + gap)
        label = escape(_short(f"{(labels or {}).get(item.channel, item.channel)} · {item.title or item.link}", 40))
        parts.append(f'<text x="0" y="{y + 11}" class="label">{label}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{r.score / 100 * scale:.1f}" height="{bar_height}" '
            f'fill="{channel_colour(item.channel, channels)}"><title>'
            f"{escape(_(SCORE_TIP, title=item.title or item.link, score=f'{r.score:.0f}'))}"
            "</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + r.score / 100 * scale + 4:.1f}" y="{y + 11}" class="value">{r.score:.0f}</text>'
        )
    parts.append(_channel_legend(channels, labels or {}, legend_top, width // per_row, per_row))
    parts.append(f'<text x="0" y="{height - 6}" class="legend">' + str(escape(_(SCORE_LEGEND))) + "</text></svg>")
    numbers = [
        [item.title or item.link, (labels or {}).get(item.channel, item.channel), f"{r.score:.0f}"]
        for item, r in ranked
    ]
    headers = [_("Item"), _("Channel"), _("Score (0 to 100)")]
    return Markup("".join(parts)) + numbers_table(_("Scores of the top performers"), headers, numbers)


def _channel_legend(channels: list[str], labels: dict, top: int, column: int, per_row: int) -> str:
    """A swatch and a name per channel, in the colours the bars use: the chart's legend."""
    parts = ['<g class="legend-keys">']
    for index, channel in enumerate(channels):
        x, y = (index % per_row) * column, top + (index // per_row) * 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{channel_colour(channel, channels)}"/>')
        label = escape(_short(labels.get(channel, channel), 24))
        parts.append(f'<text x="{x + 17}" y="{y + 10}" class="legend">{label}</text>')
    parts.append("</g>")
    return "".join(parts)


def metric_series_chart(series: list[dict], width: int = 560, height: int = 150) -> Markup:
    """Each metric's readings over time, one line each, scaled to its own largest value (the shapes
    matter here, not the sizes, which the table beside it gives)."""
    by_metric: dict[str, list] = {}
    for reading in series:
        for name, value in reading["values"].items():
            by_metric.setdefault(name, []).append((reading["observed_on"], value))
    days = sorted({reading["observed_on"] for reading in series})
    if len(days) < 2:
        return Markup("")
    left, top, bottom = 10, 10, 22
    plot_w, plot_h = width - left - 120, height - top - bottom
    x_of = {day: left + plot_w * n / (len(days) - 1) for n, day in enumerate(days)}
    names = sorted(by_metric)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(_(METRICS_CHART))}">',
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" class="baseline"/>',
        f'<text x="{left}" y="{height - 6}" class="axis">{escape(days[0])}</text>',
        f'<text x="{left + plot_w - 70}" y="{height - 6}" class="axis">{escape(days[-1])}</text>',
    ]
    for index, name in enumerate(names):
        points = sorted(by_metric[name])
        most = max(value for _, value in points) or 1
        colour = CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)]
        path = " ".join(f"{x_of[day]:.1f},{top + plot_h - plot_h * value / most:.1f}" for day, value in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
        parts.append(
            f'<text x="{left + plot_w + 10}" y="{top + 12 + index * 15}" fill="{colour}" class="label">'
            f"{escape(name)} {points[-1][1]:g}</text>"
        )
    parts.append("</svg>")
    values = {(name, day): value for name in names for day, value in by_metric[name]}
    numbers = [[day, *(f"{values[name, day]:g}" if (name, day) in values else "–" for name in names)] for day in days]
    return Markup("".join(parts)) + numbers_table(_("Metrics over time"), [_("Day"), *names], numbers)
