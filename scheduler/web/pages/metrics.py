"""Metrics from the channels' CSV exports: upload a file, confirm which column is which, import.

Between the two steps the file waits on the server under a random token (``metrics.stage_upload``; it
expires after a day), so the mapping screen posts back a name, never the file itself.
"""

from babel.lists import format_list
from flask import flash, redirect, render_template, url_for

import channels.registry as channel_registry
from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.services import metrics
from scheduler.web.forms.library import MappingForm, MetricsUploadForm
from scheduler.web.pages import blueprint, form_page


@blueprint.get("/library/metrics")
def metrics_page():
    return upload_page(MetricsUploadForm(formdata=None))


def upload_page(form: MetricsUploadForm):
    labels = [_(preset["label"]) for preset in metrics.presets()]
    exports = format_list(labels, locale=language.code())
    return form_page("library/metrics_upload.html", form, exports=exports)


@blueprint.post("/library/metrics")
def upload_metrics():
    form = MetricsUploadForm()
    data = form.upload(metrics.MAX_UPLOAD)
    if table := form.submit(lambda: metrics.read_upload(data)):
        token = metrics.stage_upload(data)
        proposal = metrics.proposal(table)
        mapping = MappingForm(formdata=None, data=MappingForm.values_of(token, form.file.data.filename, proposal))
        return mapping_screen(mapping, table, proposal["origin"])
    return upload_page(form)


def mapping_screen(form: MappingForm, table, origin: str):
    form.offer(table.header)
    return form_page("library/metrics_map.html", form, table=table, origin=origin)


@blueprint.post("/library/metrics/import")
def import_metrics():
    form = MappingForm()
    data = metrics.staged_upload(form.token.data)
    if data is None:
        flash(_("That upload has expired; choose the file again."))
        return redirect(url_for("ui.metrics_page"))
    if record := form.submit(lambda: metrics.import_metrics(data, **form.service_input())):
        metrics.discard_staged(form.token.data)
        label = channel_registry.get(record.channel).label
        return render_template("library/metrics_result.html", record=record, label=label)
    return mapping_screen(form, metrics.read_upload(data), _("as you set it"))
