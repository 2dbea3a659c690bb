"""A plan's indicators: a chart and a table per indicator (target, actual, the previous plan's same
month, the gap), the alert, and the forms: managers choose indicators and set targets, creators enter,
import or compute the actuals (``web/access.py``)."""

from flask import flash, redirect, render_template, request, url_for

from scheduler.domain.language import N_, _, ngettext
from scheduler.services import kpis, metrics, plans
from scheduler.services.errors import Invalid
from scheduler.web.forms.kpis import ActualsForm, KpiForm, KpiImportForm
from scheduler.web.kpi_charts import figure_text, kpi_chart, signed_share
from scheduler.web.pages import blueprint

# where a month's actual came from, as the table says it (``services.kpis``: typed, csv, computed)
SOURCE_LABELS = {kpis.TYPED: N_("typed"), kpis.CSV: N_("csv"), kpis.COMPUTED: N_("computed")}


@blueprint.get("/plans/<int:plan_id>/kpis")
def kpis_page(plan_id):
    return dashboard_page(plans.get_plan(plan_id))


def dashboard_page(plan, refused: tuple[str, object] | None = None):
    """The dashboard; ``refused``: (which form, the form) when a form was refused, shown as typed."""
    board = kpis.dashboard(plan)
    new = refused[1] if refused and refused[0] == "new" else KpiForm(formdata=None, data={"better": "higher"})
    upload = refused[1] if refused and refused[0] == "import" else KpiImportForm(formdata=None)
    upload.offer([k["name"] for k in board])
    previous = kpis.previous_plan(plan)
    page = render_template(
        "kpis/dashboard.html",
        plan=plan,
        board=board,
        charts={k["name"]: kpi_chart(k) for k in board},
        months=kpis.plan_months(plan),
        presets=[kpis.preset_shown(p) for p in kpis.presets()],
        source_labels=SOURCE_LABELS,
        previous=previous,
        new_form=new,
        import_form=upload,
        refused=refused,
        typed=request.form if refused else {},
        better_choices=KpiForm(formdata=None).better.choices,
        figure_text=figure_text,
        signed_share=signed_share,
    )
    return page, 422 if refused else 200


@blueprint.post("/plans/<int:plan_id>/kpis")
def save_kpi(plan_id):
    plan = plans.get_plan(plan_id)
    form = KpiForm()
    which = request.form.get("which") or "new"
    found = form.submit(lambda: kpis.set_kpi(plan, form.name.data or "", form.service_input(kpis.plan_months(plan))))
    if found:
        kpi, created = found
        flash(_("%(kpi)s: added.", kpi=kpi.name) if created else _("%(kpi)s: targets saved.", kpi=kpi.name))
        return redirect(url_for("ui.kpis_page", plan_id=plan.id) + f"#kpi-{kpi.key}")
    return dashboard_page(plan, (which, form))


@blueprint.post("/plans/<int:plan_id>/kpis/<name>/actuals")
def record_kpi_actuals(plan_id, name):
    plan = plans.get_plan(plan_id)
    kpi = kpis.get_kpi(plan, name)
    form = ActualsForm()
    changed = form.service_input(kpis.plan_months(plan), dict(kpi.actuals or {}))
    if form.validate_on_submit() and not changed:
        flash(_("%(kpi)s: nothing changed.", kpi=kpi.name))
        return redirect(url_for("ui.kpis_page", plan_id=plan.id) + f"#kpi-{kpi.key}")
    if form.submit(lambda: kpis.record_actuals(plan, kpi.name, changed)):
        flash(_("%(kpi)s: actuals saved.", kpi=kpi.name))
        return redirect(url_for("ui.kpis_page", plan_id=plan.id) + f"#kpi-{kpi.key}")
    return dashboard_page(plan, (f"actuals-{kpi.key}", form))


@blueprint.post("/plans/<int:plan_id>/kpis/<name>/compute")
def compute_kpi(plan_id, name):
    plan = plans.get_plan(plan_id)
    try:
        kpi, months = kpis.compute_actuals(plan, name)
    except Invalid as refused:
        flash(" ".join(refused.fields.values()) or refused.message)
        return redirect(url_for("ui.kpis_page", plan_id=plan.id))
    if months:
        flash(
            ngettext(
                "%(kpi)s: %(num)d month computed from Refrain's data.",
                "%(kpi)s: %(num)d months computed from Refrain's data.",
                months,
                kpi=kpi.name,
            )
        )
    else:
        flash(_("%(kpi)s: no month of the plan is over yet.", kpi=kpi.name))
    return redirect(url_for("ui.kpis_page", plan_id=plan.id) + f"#kpi-{kpi.key}")


@blueprint.post("/plans/<int:plan_id>/kpis/import")
def import_kpi_actuals(plan_id):
    plan = plans.get_plan(plan_id)
    form = KpiImportForm()
    form.offer([k.name for k in kpis.list_kpis(plan)])
    data = form.upload(metrics.MAX_UPLOAD)
    if done := form.submit(lambda: kpis.import_actuals(plan, data, form.kpi.data or None)):
        return render_template("kpis/import_result.html", plan=plan, result=done)
    return dashboard_page(plan, ("import", form))


@blueprint.post("/plans/<int:plan_id>/kpis/<name>/delete")
def delete_kpi(plan_id, name):
    plan = plans.get_plan(plan_id)
    kpi = kpis.get_kpi(plan, name)
    shown = kpi.name
    kpis.remove_kpi(plan, shown)
    flash(_("%(kpi)s: removed from the plan.", kpi=shown))
    return redirect(url_for("ui.kpis_page", plan_id=plan.id))
