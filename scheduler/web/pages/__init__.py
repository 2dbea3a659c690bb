"""The pages people use (the ``ui`` blueprint), by area: plans, calendar, posts, report, library,
style guide, accounts, and the newsletter's team page.

A view is a few lines: it builds the area's form (``scheduler.web.forms``), hands what was typed to
a service, and turns the answer, or the refusal beside each field, into a page. Every rule lives in
the services, so a page and the JSON API can never disagree; views never touch the database session
and never commit: each service is its own unit of work.
"""

from flask import Blueprint, flash, render_template

import channels.registry as channel_registry
from scheduler.domain import formats
from scheduler.domain.language import _
from scheduler.domain.links import web_link
from scheduler.infra.sanitise import render_markdown
from scheduler.services import accounts as channel_accounts
from scheduler.services import runtime
from scheduler.services.errors import NotFound
from scheduler.web.formatting import field_label, local_time, percent

blueprint = Blueprint("ui", __name__)

blueprint.add_app_template_filter(local_time, "local")
# an href from a stored link (a post's, a delivery's answer, a feed's): "" unless it is http(s)
blueprint.add_app_template_filter(web_link, "web_link")
blueprint.add_app_template_filter(percent, "percent")
blueprint.add_app_template_filter(field_label, "field_label")
blueprint.add_app_template_filter(render_markdown, "markdown")
blueprint.add_app_template_filter(formats.day, "day")  # a date as the reader's language writes it


@blueprint.app_template_test("style_error")
def is_style_error(problem) -> bool:
    """A finding of the style guide that blocks scheduling (and that a manager may override)."""
    return problem.get("severity") == "error" and str(problem.get("code", "")).startswith("style.")


@blueprint.app_context_processor
def _everywhere():
    """Every page names channels by their labels, says when an account must be reconnected (its posts
    are waiting), and, in outbox mode, that nothing is published: only files are written."""
    try:
        waiting = [a for a in channel_accounts.list_accounts() if a.status == channel_accounts.UNAUTHORIZED]
    except Exception:  # a page must not fail because this reminder could not be read
        waiting = []
    settings = runtime.settings()
    return {
        # a channel's label reads in the reader's language (``channels.base._Spoken``)
        "channel_labels": {c.name: c.label for c in channel_registry.all_channels()},
        "accounts_to_reconnect": waiting,
        "delivery": {"outbox": settings.delivery != "live", "folder": str(settings.outbox)},
    }


def form_page(template: str, form, **context):
    """A page with a form: 422 while the form holds a refusal (nothing was saved), else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def say_when(notice: str | None) -> None:
    """A time the clocks skip or show twice, said once the post is saved, before what happened next."""
    if notice:
        flash(_("When: %(notice)s.", notice=notice))


@blueprint.errorhandler(NotFound)
def _not_found(error):
    return render_template("error.html", message=error.message), 404


from scheduler.web.pages import (  # noqa: E402, F401  (the routes, by area)
    accounts,
    approvals,
    calendar,
    cancelling,
    contests,
    delivered,
    interactions,
    kpis,
    library,
    media,
    metrics,
    newsletter,
    patterns,
    plans,
    post_list,
    post_sets,
    posts,
    recording,
    report,
    style,
    subscribers,
    webhooks,
)
