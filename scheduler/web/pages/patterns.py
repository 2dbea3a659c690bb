"""The insight view: patterns of interactions per channel × kind, flagged ones first, each with its share
and interval, its weekly trend, the words its comments share, and the script that answers it (or the
link to write one); and one pattern's own page, whose terms each list the comments that hold them."""

from datetime import timedelta

from flask import flash, render_template, request

from scheduler.domain.language import _
from scheduler.services import guidance, interaction_patterns, interactions
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.highlight import highlight
from scheduler.web import pattern_charts
from scheduler.web.forms.interactions import WindowForm
from scheduler.web.pages import blueprint

TERMS_ON_THE_LIST = 5


def _window(form: WindowForm):
    try:
        return interaction_patterns.window(form.since.data, form.until.data)
    except Invalid as error:
        flash(form.in_words(error))
        return interaction_patterns.window()


def presets(today) -> list[tuple[str, str, str]]:
    """(label, since, until) of the usual windows, for links over the table."""
    quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    return [
        (_("This month"), today.replace(day=1).isoformat(), today.isoformat()),
        (_("Last %(days)s days", days=30), (today - timedelta(days=29)).isoformat(), today.isoformat()),
        (_("This quarter"), quarter.isoformat(), today.isoformat()),
        (_("Last %(days)s days", days=interaction_patterns.DEFAULT_DAYS), "", ""),
    ]


@blueprint.get("/interactions/patterns")
def patterns_page():
    form = WindowForm(request.args)
    since, until = _window(form)
    report = interaction_patterns.report(since, until)
    said = guidance.guidance(list(report.patterns), since, until)
    kinds = {k.name: k.id for k in interactions.list_kinds()}
    flagged = [(p.channel, p.kind) for p in report.flagged]
    words = interaction_patterns.terms_of_patterns(flagged, since, until, TERMS_ON_THE_LIST)
    rows = []
    for p in report.patterns:
        terms = words.get((p.channel, p.kind), [])
        rows.append(
            {
                "pattern": p,
                "kind_id": kinds.get(p.kind),
                "bar": pattern_charts.share_bar(
                    p.negative_share, p.low, p.high, report.negative_share, flagged=p.flagged
                ),
                "trend": pattern_charts.sparkline(p.weeks),
                "guidance": said[(p.channel, p.kind)],
                "terms": terms,
            }
        )
    return render_template(
        "interactions/patterns.html",
        form=form,
        report=report,
        rows=rows,
        labels=dict(interactions.channel_choices()),
        presets=presets(interaction_patterns.today()),
        window_words=guidance.window_words(since, until, interaction_patterns.today()),
    )


@blueprint.get("/interactions/patterns/<channel>/<int:kind_id>")
def pattern_page(channel, kind_id):
    kind = interactions.get_kind(kind_id)
    if interactions.why_unknown_channel(channel):
        raise NotFound("channel", _("channel %(channel)s not found", channel=channel))
    form = WindowForm(request.args)
    since, until = _window(form)
    report = interaction_patterns.report(since, until)
    pattern = next((p for p in report.patterns if (p.channel, p.kind) == (channel, kind.name)), None)
    terms = interaction_patterns.terms(channel, kind.name, since, until)
    chosen = next((t for t in terms if t.term == request.args.get("term")), None)
    if chosen is not None:
        comments = interactions.interactions_by_id(chosen.comment_ids)
        marked = {c.id: highlight(c.comment, [chosen.term]) for c in comments}
    else:
        comments = interactions.list_interactions(channel=channel, kind_id=kind.id, **_bounds(since, until))
        marked = {}
    said = guidance.guidance([pattern], since, until)[(channel, kind.name)] if pattern else None
    return render_template(
        "interactions/pattern.html",
        form=form,
        channel=channel,
        kind=kind,
        pattern=pattern,
        report=report,
        bar=pattern
        and pattern_charts.share_bar(
            pattern.negative_share, pattern.low, pattern.high, report.negative_share, flagged=pattern.flagged
        ),
        trend=pattern and pattern_charts.sparkline(pattern.weeks, width=360, height=60),
        terms=terms,
        chosen=chosen,
        comments=comments,
        marked=marked,
        guidance=said,
        labels=dict(interactions.channel_choices()),
        since=since,
        until=until,
    )


def _bounds(since, until) -> dict:
    return interactions.filters({"since": since.isoformat(), "until": until.isoformat()}) | {"limit": 200}
