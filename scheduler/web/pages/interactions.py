"""Interactions' pages: the list with its filters, the team's kinds, the log form (which the ``i`` shortcut
opens on every page, ``static/interactions.js``), and a help desk's export through the metrics' upload
and mapping screen."""

from babel.numbers import format_decimal
from flask import flash, redirect, render_template, request, url_for

from scheduler.domain import formats, language
from scheduler.domain.interactions_csv import LABELS
from scheduler.domain.language import _
from scheduler.services import interaction_import, interactions, metrics
from scheduler.services.errors import Invalid
from scheduler.web.forms.interactions import (
    InteractionFilterForm,
    InteractionForm,
    InteractionMappingForm,
    KindForm,
)
from scheduler.web.forms.library import MetricsUploadForm
from scheduler.web.pages import blueprint, form_page

# an interaction's time and day as the reader's language writes them (its UTC clock, as it is stored)
MOMENT = ("dd MMM y HH:mm", "yMMMd", "Hm")
DAY = ("dd MMM y", "yMMMd", "")


def interaction_time(moment) -> str:
    return formats.instant(moment, None, MOMENT)


def interaction_day(day) -> str:
    return formats.day(day, DAY)


def decimal_text(value, digits: int = 0, signed: bool = False) -> str:
    """A mean or a difference ("62", "+3.4"), as the reader's language writes decimals."""
    if language.code() == language.DEFAULT:
        return f"{value:{'+' if signed else ''}.{digits}f}"
    pattern = "0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, f"+{pattern};-{pattern}" if signed else pattern, locale=language.code())


@blueprint.app_context_processor
def _the_log_form():
    """Every page's shortcut form offers every channel an interaction may come by (no database read)."""
    return {
        "interaction_channels": interactions.channel_choices(),
        "interaction_time": interaction_time,
        "interaction_day": interaction_day,
        "decimal_text": decimal_text,
    }


@blueprint.get("/interactions")
def interactions_page():
    form = InteractionFilterForm(request.args)
    try:
        found = interactions.list_interactions(**interactions.filters(form.service_input()))
    except Invalid as error:
        flash(form.in_words(error))
        found = interactions.list_interactions()
    return kinds_page(form, found, KindForm(formdata=None))


def kinds_page(form, found, kind_form, status: int = 200):
    counts = interactions.kind_counts()
    kinds = [(k, counts.get(k.id, 0)) for k in interactions.list_kinds()]
    page = render_template(
        "interactions/index.html", form=form, found=found, kinds=kinds, kind_form=kind_form, labels=_labels()
    )
    return page, status


def _labels() -> dict:
    return dict(interactions.channel_choices())


@blueprint.route("/interactions/new", methods=["GET", "POST"])
def new_interaction():
    form = InteractionForm.shown({"resolution": "negative", **request.args.to_dict()})
    if interaction := form.submit(lambda: interactions.log_interaction(form.service_input())):
        flash(
            _(
                "Logged: %(kind)s %(channel)s.",
                kind=interaction.kind.name,
                channel=interactions.channel_label(interaction.channel),
            )
        )
        return redirect(url_for("ui.interactions_page"))
    return form_page("interactions/new.html", form)


@blueprint.post("/interactions/kinds")
def add_interaction_kind():
    form = KindForm()
    if kind := form.submit(lambda: interactions.create_kind(form.service_input())):
        flash(_("Kind “%(kind)s” added.", kind=kind.name))
        return redirect(url_for("ui.interactions_page"))
    return kinds_page(InteractionFilterForm(formdata=None), interactions.list_interactions(), form, 422)


@blueprint.post("/interactions/kinds/<int:kind_id>")
def rename_interaction_kind(kind_id):
    kind = interactions.get_kind(kind_id)
    form = KindForm()
    if form.validate_on_submit():
        try:
            interactions.rename_kind(kind, form.service_input())
            flash(_("Renamed “%(kind)s”: its interactions and scripts follow.", kind=kind.name))
        except Invalid as error:
            flash(_("Not renamed: %(why)s", why=form.in_words(error)))
    return redirect(url_for("ui.interactions_page"))


# a help desk's export: the metrics' upload, then the same mapping screen


@blueprint.get("/interactions/import")
def interactions_import_page():
    return _upload_page(MetricsUploadForm(formdata=None))


def _upload_page(form):
    return form_page("interactions/import.html", form)


@blueprint.post("/interactions/import")
def upload_interactions():
    form = MetricsUploadForm()
    data = form.upload(metrics.MAX_UPLOAD)
    if table := form.submit(lambda: interaction_import.read_upload(data)):
        token = metrics.stage_upload(data)
        proposal = interaction_import.proposal(table)
        values = InteractionMappingForm.values_of(token, form.file.data.filename, proposal)
        return _mapping_screen(InteractionMappingForm(formdata=None, data=values), table, proposal["origin"])
    return _upload_page(form)


def _mapping_screen(form: InteractionMappingForm, table, origin: str):
    form.offer(table.header)
    return form_page("interactions/map.html", form, table=table, origin=origin)


@blueprint.post("/interactions/import/map")
def import_interactions():
    form = InteractionMappingForm()
    data = metrics.staged_upload(form.token.data)
    if data is None:
        flash(_("That upload has expired; choose the file again."))
        return redirect(url_for("ui.interactions_import_page"))
    if result := form.submit(lambda: interaction_import.import_interactions(data, **form.service_input())):
        metrics.discard_staged(form.token.data)
        return render_template(
            "interactions/imported.html", result=result, filename=form.filename.data, field_labels=LABELS
        )
    return _mapping_screen(form, interaction_import.read_upload(data), _("as you set it"))
