"""The posts list: pages found by cursor, filters and order, a bulk action over the posts ticked (or every
post the filters match), reviewed before it is carried out; the list as CSV, and a CSV of posts imported.

Every bulk action goes through a review first: a dry run of the service says, post by post, what would
happen and what cannot (published, being delivered, a time already past), and only the confirmation
changes anything. The result says the same of what did happen.
"""

import json

from flask import flash, redirect, render_template, request, send_file, url_for

from scheduler.domain.language import _
from scheduler.services import (
    bulk_posts,
    clock,
    lifecycle,
    metrics,
    people,
    plans,
    post_pages,
    posts_export,
    posts_import,
)
from scheduler.services.errors import Invalid, Malformed
from scheduler.web.forms.post_list import BulkForm, ImportForm, PostListForm
from scheduler.web.pages import blueprint, form_page

SHOWN_DONE = 200  # posts listed by name on a review or a result; the refused ones are always all listed


def list_form(plan) -> PostListForm:
    form = PostListForm(request.args)
    form.offer(plans.all_plans(), lifecycle.STATUSES, people.everyone(), post_pages.PAGE_SIZES)
    return form


@blueprint.get("/plans/<int:plan_id>/posts")
def posts_page(plan_id):
    plan = plans.get_plan(plan_id)
    form = list_form(plan)
    if (form.plan.data or str(plan.id)) != str(plan.id) and (form.plan.data or "").isdigit():
        return redirect(url_for("ui.posts_page", plan_id=int(form.plan.data), **form.chosen(), **form.order()))
    form.plan.data = str(plan.id)
    service_input = form.service_input(plan)
    try:
        filters = post_pages.read_filters(service_input)
        sort, direction, size = post_pages.read_order(form.order())
        page = post_pages.page(
            filters, sort, direction, after=request.args.get("after"), before=request.args.get("before"), size=size
        )
    except Malformed as error:
        form.refused(error)
        filters, service_input = post_pages.Filters(plan_id=plan.id), {"plan_id": plan.id}
        page = post_pages.page(filters)
    for problem in form.problems():
        flash(problem)
    bulk = BulkForm(formdata=None, data={"filters": json.dumps(service_input)})
    bulk.offer([p for p in plans.all_plans() if p.id != plan.id] or plans.all_plans())
    return render_template(
        "posts/index.html",
        plan=plan,
        page=page,
        total=post_pages.count(filters, most=post_pages.COUNTED_UP_TO),
        counted_up_to=post_pages.COUNTED_UP_TO,
        form=form,
        filters=form.chosen(),
        order=form.order(),
        bulk=bulk,
        today=clock.today(plan.timezone),
    )


@blueprint.post("/plans/<int:plan_id>/posts/bulk")
def bulk_posts_page(plan_id):
    """Reviewed (a dry run) first, then carried out once confirmed; both pages say what happens to each post."""
    plan = plans.get_plan(plan_id)
    form = BulkForm()
    form.offer(plans.all_plans())
    back = url_for("ui.posts_page", plan_id=plan.id)
    if not form.validate_on_submit():
        flash(_("The form had expired; choose the posts again."))
        return redirect(back)
    try:
        filters = json.loads(form.filters.data or "{}")
    except ValueError:
        filters = {}
    filters = {**(filters if isinstance(filters, dict) else {}), "plan_id": plan.id}
    ids = request.form.getlist("ids")
    data = form.service_input(ids, filters)
    confirmed = form.step.data == "confirm"
    try:
        if form.errors:
            raise Invalid({})
        result = bulk_posts.run({**data, "dry_run": not confirmed})
    except Invalid as error:
        if error.fields:
            form.refused(error)
        flash(_("Nothing was changed: %(problems)s.", problems="; ".join(form.problems()) or error.message))
        return redirect(back)
    form.step.data = "confirm"
    return render_template(
        "posts/bulk.html",
        plan=plan,
        form=form,
        result=result,
        ids=[o.post_id for o in result.outcomes] if form.scope.data != "matching" else [],
        described=form.described(),
        shown_done=SHOWN_DONE,
        plan_names={p.id: p.name for p in plans.all_plans()},
    )


@blueprint.get("/plans/<int:plan_id>/posts.csv")
def export_posts(plan_id):
    plan = plans.get_plan(plan_id)
    form = list_form(plan)
    filters = post_pages.read_filters(form.service_input(plan))
    sort, direction, _size = post_pages.read_order(form.order())
    return send_file(
        posts_export.spooled(filters, sort, direction),
        mimetype="text/csv",
        as_attachment=True,
        download_name=posts_export.filename(filters),
    )


@blueprint.route("/plans/<int:plan_id>/posts/import", methods=["GET", "POST"])
def import_posts(plan_id):
    plan = plans.get_plan(plan_id)
    form = ImportForm()
    data = form.upload(metrics.MAX_UPLOAD)
    schedule = form.then.data == "schedule"
    if result := form.submit(lambda: posts_import.import_posts(data, plan.id, schedule=schedule)):
        return render_template("posts/imported.html", plan=plan, result=result, filename=form.file.data.filename)
    return form_page("posts/import.html", form, plan=plan)
