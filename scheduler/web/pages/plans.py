"""The plans: the list, a plan's form, its page with each channel's commitment."""

from zoneinfo import available_timezones

from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.services import interactions, kpis, plans, reports, retrospective
from scheduler.web.forms.plans import CommitmentForm, PlanForm
from scheduler.web.pages import blueprint, form_page
from scheduler.web.retrospective_charts import difference_chart


@blueprint.get("/")
def index():
    all_plans = plans.all_plans()
    found = {p.id: reports.compliance(p, with_repetition=False) for p in all_plans}
    coverage = {plan_id: report["theme_coverage_ratio"] for plan_id, report in found.items()}
    early = {plan_id for plan_id, report in found.items() if report["channels"] and not report["judged"]}
    return render_template("plans/index.html", plans=all_plans, coverage=coverage, early=early)


@blueprint.route("/plans/new", methods=["GET", "POST"])
def new_plan():
    """The new plan's form, beside the last quarter's retrospective; a suggested keyword's link comes
    back with ``?keyword=`` (each one added so far) in the keywords field, where the page's script
    adds it without leaving the page."""
    added = [k for k in request.args.getlist("keyword") if k.strip()][:50]
    form = PlanForm.shown({**PlanForm.NEW, "keywords": "\n".join(added)})
    if plan := form.submit(lambda: plans.create_plan(form.service_input())):
        flash(_("Plan “%(plan)s” created. Now set what each channel commits to.", plan=plan.name))
        return redirect(url_for("ui.plan_page", plan_id=plan.id))
    looked_back = retrospective.retrospective()
    labels = dict(interactions.channel_choices())
    return form_page(
        "plans/form.html",
        form,
        plan=None,
        zones=sorted(available_timezones()),
        retro=looked_back,
        retro_chart=difference_chart(looked_back["channels"], labels) if looked_back["channels"] else None,
        labels=labels,
        added=added,
    )


@blueprint.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id):
    plan = plans.get_plan(plan_id)
    form = PlanForm.shown(PlanForm.values_of(plan))
    if form.submit(lambda: plans.update_plan(plan, form.service_input())):
        flash(_("Plan saved."))
        return redirect(url_for("ui.plan_page", plan_id=plan.id))
    return form_page("plans/form.html", form, plan=plan, zones=sorted(available_timezones()))


@blueprint.get("/plans/<int:plan_id>")
def plan_page(plan_id):
    return commitments_page(plans.get_plan(plan_id))


def commitments_page(plan, posted: tuple[str, CommitmentForm] | None = None):
    """The plan with a form per channel: each as saved, but the one just posted as it was typed."""
    committed = {c.channel: c for c in plan.commitments}
    forms = {c.name: CommitmentForm.showing(committed.get(c.name)) for c in channel_registry.all_channels()}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return render_template(
        "plans/show.html",
        plan=plan,
        committed=committed,
        channels=channel_registry.all_channels(),
        forms=forms,
        kpi_alerts=kpis.alerts(plan),
    ), 422 if posted and posted[1].errors else 200


@blueprint.post("/plans/<int:plan_id>/commitments/<channel>")
def save_commitment(plan_id, channel):
    plan = plans.get_plan(plan_id)
    form = CommitmentForm()
    if form.submit(lambda: plans.set_commitment(plan, channel, form.service_input())):
        flash(_("%(channel)s: commitment saved.", channel=channel_registry.get(channel).label))
        return redirect(url_for("ui.plan_page", plan_id=plan.id))
    return commitments_page(plan, (channel, form))


@blueprint.post("/plans/<int:plan_id>/commitments/<channel>/delete")
def delete_commitment(plan_id, channel):
    plans.remove_commitment(plans.get_plan(plan_id), channel)
    flash(_("Commitment removed."))
    return redirect(url_for("ui.plan_page", plan_id=plan_id))
