"""Metrics from the channels' CSV exports: upload a file, confirm which column is which, import.

Between the two steps the file waits in the instance folder under a random token, so the mapping
screen posts back a name, never the file itself.
"""

import re
import secrets
from pathlib import Path

from flask import flash, redirect, render_template, url_for

import channels.registry as channel_registry
from scheduler.services import metrics, runtime
from scheduler.web.forms.library import MappingForm, MetricsUploadForm
from scheduler.web.pages import blueprint, form_page

UPLOAD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _uploads() -> Path:
    folder = runtime.settings().instance_path / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _staged(token: str | None) -> Path | None:
    path = _uploads() / f"{token}.csv"
    return path if UPLOAD_TOKEN.match(token or "") and path.exists() else None


@blueprint.get("/library/metrics")
def metrics_page():
    return upload_page(MetricsUploadForm(formdata=None))


def upload_page(form: MetricsUploadForm):
    return form_page("library/metrics_upload.html", form, presets=metrics.presets())


@blueprint.post("/library/metrics")
def upload_metrics():
    form = MetricsUploadForm()
    data = form.upload(metrics.MAX_UPLOAD)
    if table := form.submit(lambda: metrics.read_upload(data)):
        token = secrets.token_urlsafe(18)
        (_uploads() / f"{token}.csv").write_bytes(data)
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
    staged = _staged(form.token.data)
    if staged is None:
        flash("That upload has expired; choose the file again.")
        return redirect(url_for("ui.metrics_page"))
    data = staged.read_bytes()
    if record := form.submit(lambda: metrics.import_metrics(data, **form.service_input())):
        staged.unlink(missing_ok=True)
        label = channel_registry.get(record.channel).label
        return render_template("library/metrics_result.html", record=record, label=label)
    return mapping_screen(form, metrics.read_upload(data), "as you set it")
