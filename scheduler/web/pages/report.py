"""A plan's compliance report: coverage by channel, week by week, and the messages it repeats."""

from flask import render_template

import channels.registry as channel_registry
from scheduler.domain import formats
from scheduler.services import plans, posts, reports
from scheduler.web import charts
from scheduler.web.pages import blueprint


@blueprint.get("/plans/<int:plan_id>/report")
def report_page(plan_id):
    plan = plans.get_plan(plan_id)
    report = reports.compliance(plan)
    rows = report["channels"]
    labels = {c.name: c.label for c in channel_registry.all_channels()}
    repeated = {
        post_id: posts.get_post(post_id) for group in report["repeated_messages"] for post_id in group["post_ids"]
    }
    return render_template(
        "report.html",
        plan=plan,
        report=report,
        repeated=repeated,
        coverage_chart=charts.coverage_chart(rows, labels=labels),
        weekly_charts={
            row["channel"]: charts.weekly_chart(row["weeks"], floor=row["floor"], ceiling=row["ceiling"])
            for row in rows
        },
        say_number=formats.number,
    )
