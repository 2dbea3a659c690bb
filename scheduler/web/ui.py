"""The pages: plans, commitments, calendar, posts, the editor and the compliance report.

Views only turn form fields into the services' input and their answers into pages; every rule lives
in the services, so a page and the API can never disagree.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo, available_timezones

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

import channels.registry as channel_registry
from channels.base import Media, PostContent
from scheduler.domain.periods import day_start_utc
from scheduler.services import calendar, clock, lifecycle, plans, post_checks, posts, reports
from scheduler.services.errors import Conflict, Invalid, NotFound
from scheduler.services.validation import parse_wall_clock
from scheduler.web import charts

blueprint = Blueprint("ui", __name__)
LINE_FIELDS = {"headlines", "descriptions"}  # one per line; other list fields are comma-separated


@blueprint.app_template_filter("local")
def local_time(instant, plan, fmt="%a %d %b %Y, %H:%M"):
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(plan.timezone)).strftime(fmt)


@blueprint.app_template_filter("percent")
def percent(value):
    return "–" if value is None else f"{value:.0%}"


@blueprint.app_context_processor
def _globals():
    return {"channel_labels": {c.name: c.label for c in channel_registry.all_channels()}}


@blueprint.errorhandler(NotFound)
def _not_found(error):
    return render_template("error.html", message=error.message), 404


def plan_or_404(plan_id) -> "plans.Plan":
    return plans.get_plan(plan_id)


# plans


@blueprint.get("/")
def index():
    all_plans = plans.all_plans()
    coverage = {p.id: reports.compliance(p, with_repetition=False)["theme_coverage_ratio"] for p in all_plans}
    return render_template("plans/index.html", plans=all_plans, coverage=coverage)


def plan_form_data(form) -> dict:
    keywords = [k.strip() for line in form.get("keywords", "").splitlines() for k in line.split(",") if k.strip()]
    return {
        "name": form.get("name", ""),
        "theme": form.get("theme", ""),
        "key_message": form.get("key_message", ""),
        "keywords": keywords,
        "starts_on": form.get("starts_on") or None,
        "ends_on": form.get("ends_on") or None,
        "timezone": form.get("timezone") or None,
    }


@blueprint.route("/plans/new", methods=["GET", "POST"])
def new_plan():
    errors = {}
    if request.method == "POST":
        try:
            plan = plans.create_plan(plan_form_data(request.form))
            flash(f"Plan “{plan.name}” created. Now set what each channel commits to.")
            return redirect(url_for("ui.plan_page", plan_id=plan.id))
        except Invalid as error:
            errors = error.fields
    return render_template(
        "plans/form.html", plan=None, form=request.form, errors=errors, zones=sorted(available_timezones())
    )


@blueprint.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id):
    plan = plan_or_404(plan_id)
    errors, form = {}, request.form
    if request.method == "POST":
        try:
            plans.update_plan(plan, plan_form_data(request.form))
            flash("Plan saved.")
            return redirect(url_for("ui.plan_page", plan_id=plan.id))
        except Invalid as error:
            errors = error.fields
    else:
        form = {
            "name": plan.name,
            "theme": plan.theme,
            "key_message": plan.key_message,
            "keywords": "\n".join(plan.keywords or []),
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "timezone": plan.timezone,
        }
    return render_template("plans/form.html", plan=plan, form=form, errors=errors, zones=sorted(available_timezones()))


@blueprint.get("/plans/<int:plan_id>")
def plan_page(plan_id, errors=None, failed_channel=None, status=200):
    plan = plan_or_404(plan_id)
    committed = {c.channel: c for c in plan.commitments}
    return render_template(
        "plans/show.html",
        plan=plan,
        committed=committed,
        channels=channel_registry.all_channels(),
        periods=plans.PERIODS,
        errors=errors or {},
        failed_channel=failed_channel,
        form=request.form,
    ), status


def share_input(text: str):
    """'50%', '50' and '0.5' all mean half; anything else goes to the service, which names the field."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        return text
    return value / 100 if percent or value > 1 else value


@blueprint.post("/plans/<int:plan_id>/commitments/<channel>")
def save_commitment(plan_id, channel):
    plan = plan_or_404(plan_id)
    form = request.form
    data = {
        "posts": form.get("posts") or None,
        "per": form.get("per") or None,
        "on_theme_min": form.get("on_theme_min") or 0,
        "one_note_max_share": share_input(form.get("one_note_max_share", "")),
        "note": form.get("note", ""),
    }
    try:
        plans.set_commitment(plan, channel, data)
        flash(f"{channel_registry.get(channel).label}: commitment saved.")
    except Invalid as error:
        return plan_page(plan_id, errors=error.fields, failed_channel=channel, status=422)
    return redirect(url_for("ui.plan_page", plan_id=plan.id))


@blueprint.post("/plans/<int:plan_id>/commitments/<channel>/delete")
def delete_commitment(plan_id, channel):
    plans.remove_commitment(plan_or_404(plan_id), channel)
    flash("Commitment removed.")
    return redirect(url_for("ui.plan_page", plan_id=plan_id))


# calendar and posts


@blueprint.get("/plans/<int:plan_id>/calendar")
def calendar_page(plan_id):
    plan = plan_or_404(plan_id)
    view = request.args.get("view", "week")
    view = view if view in calendar.VIEWS else "week"
    try:
        anchor = date.fromisoformat(request.args["date"]) if request.args.get("date") else None
    except ValueError:
        anchor = None
    if anchor is None or not 1900 < anchor.year < 9000:  # far dates have no neighbours to page to
        today = clock.today(plan.timezone)
        anchor = min(max(today, plan.starts_on), plan.ends_on)
    rows = calendar.build(plan, view, anchor)
    days = calendar.view_days(view, anchor)
    return render_template(
        "calendar.html",
        plan=plan,
        rows=rows,
        days=days,
        view=view,
        anchor=anchor,
        previous=calendar.shift(view, anchor, -1),
        next=calendar.shift(view, anchor, 1),
        today=clock.today(plan.timezone),
        chips_shown=calendar.CHIPS_SHOWN[view],
        links=calendar_links(plan),
    )


def calendar_links(plan) -> dict:
    """The beginnings of the links a calendar repeats per post, day and channel, built once: a month
    has hundreds of them and ``url_for`` for each was a fifth of the page's time. The page appends
    the post id, or ``&channel=…&date=…`` (a channel name is a plain identifier, a date is ISO)."""
    return {
        "post": url_for("ui.edit_post", post_id=0).removesuffix("0"),
        "new_post": url_for("ui.new_post", plan_id=plan.id),
        "week": url_for("ui.calendar_page", plan_id=plan.id, view="week"),
        "day_posts": url_for("ui.posts_page", plan_id=plan.id),
    }


@blueprint.get("/plans/<int:plan_id>/posts")
def posts_page(plan_id):
    plan = plan_or_404(plan_id)
    filters, shown = {"plan_id": plan.id}, {}
    for name in ("channel", "status", "from", "to"):
        if request.args.get(name):
            shown[name] = request.args[name]
    filters.update({k: v for k, v in shown.items() if k in ("channel", "status")})
    try:  # days typed in the plan's time zone: [from 00:00, the day after `to` 00:00)
        if shown.get("from"):
            filters["from"] = day_start_utc(date.fromisoformat(shown["from"]), plan.timezone).isoformat()
        if shown.get("to"):
            filters["to"] = day_start_utc(
                date.fromisoformat(shown["to"]) + timedelta(days=1), plan.timezone
            ).isoformat()
    except ValueError:
        flash("Dates must be YYYY-MM-DD; showing every date.")
        for name in ("from", "to"):
            filters.pop(name, None)
    try:
        found = posts.list_posts(filters)
    except Invalid as error:
        flash(error.message)
        found = posts.list_posts({"plan_id": plan.id})
    return render_template(
        "posts/index.html",
        plan=plan,
        posts=found,
        filters=shown,
        statuses=lifecycle.STATUSES,
        today=clock.today(plan.timezone),
    )


FORM_TIME = "%Y-%m-%dT%H:%M"  # the datetime-local field's value


def scheduled_from_form(form, plan, post=None) -> tuple[str | None, str | None]:
    """The form's time, typed on the plan's clock → (the service's ISO instant, the notice to show).

    A time the clocks skip or show twice is not shifted silently: the notice says where it goes.
    A time left as the form showed it keeps the post's instant, so saving an edit to the text never
    moves a post (its seconds, or the second of two repeated 01:30s, cannot be typed in the field).
    """
    local = form.get("scheduled_local", "").strip()
    if not local:
        return None, None
    if post is not None and post.scheduled_at and local == local_time(post.scheduled_at, plan, FORM_TIME):
        return post.scheduled_at.isoformat(), None
    reading = parse_wall_clock(local, plan.timezone)
    if reading is None:
        return local, None  # refused by the service with a message on the field
    return reading.utc.isoformat(), reading.notice


def post_form_data(form, channel: str, plan, post=None) -> dict:
    """Form fields → the service's input; the scheduled time is typed in the plan's time zone."""
    data = {"title": form.get("title", ""), "body": form.get("body", ""), "link": form.get("link", "")}
    theme = form.get("theme", "auto")
    data["on_theme"] = {"on": True, "off": False}.get(theme)
    data["scheduled_at"], _ = scheduled_from_form(form, plan, post)
    adapter = channel_registry.get(channel)
    extra = {}
    for name, kind in adapter.extra_fields.items():
        raw = form.get(name, "")
        if kind is bool:
            extra[name] = name in form
        elif kind is Media:
            extra[name] = media_from_lines(raw) or None
        elif kind is list:
            separator = "\n" if name in LINE_FIELDS else ","
            extra[name] = [item.strip() for item in raw.replace("\r", "").split(separator) if item.strip()]
        else:
            extra[name] = raw.strip() or None
    data["extra"] = extra
    return data


def media_from_lines(text: str) -> list[dict]:
    """The form's media field: one image per line, "address | alt text"."""
    found = []
    for line in text.replace("\r", "").split("\n"):
        url, _, alt = line.partition("|")
        if url.strip():
            found.append({"url": url.strip(), "type": "image", "alt": alt.strip()})
    return found


def post_form_errors(error: Invalid) -> dict:
    """The service speaks of ISO 8601 offsets; the form's field is a local date and time."""
    errors = dict(error.fields)
    if "scheduled_at" in errors and "offset" in errors["scheduled_at"]:
        errors["scheduled_at"] = "must be a date and a time, such as 2031-09-01 10:00"
    return errors


@blueprint.route("/posts/new", methods=["GET", "POST"])
def new_post():
    plan_id = request.values.get("plan_id", type=int)
    plan = plan_or_404(plan_id)
    channel = request.values.get("channel") or (plan.commitments[0].channel if plan.commitments else "twitter")
    if channel not in channel_registry.names():
        abort(404)
    errors, time_notice = {}, None
    if request.method == "POST":
        data = post_form_data(request.form, channel, plan)
        time_notice = scheduled_from_form(request.form, plan)[1]
        if not data.get("scheduled_at"):
            data.pop("scheduled_at")
        try:
            post = posts.create_post(
                {**data, "plan_id": plan.id, "channel": channel, "scheduled_at": data.get("scheduled_at")}
            )
            _flash_time_notice(time_notice)
            if request.form.get("action") == "schedule":
                return _act(post, "schedule")
            flash("Draft saved.")
            return redirect(url_for("ui.edit_post", post_id=post.id))
        except Invalid as error:
            errors = post_form_errors(error)
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = None
    form = request.form if request.method == "POST" else {"scheduled_local": f"{day}T10:00" if day else ""}
    return render_template(
        "posts/editor.html",
        plan=plan,
        post=None,
        channel=channel,
        adapter=channel_registry.get(channel),
        form=form,
        errors=errors,
        time_notice=time_notice,
        channels=channel_registry.all_channels(),
    )


def _flash_time_notice(notice: str | None) -> None:
    """Said once the post is saved, before what happened next (saved, scheduled)."""
    if notice:
        flash(f"When: {notice}.")


@blueprint.route("/posts/<int:post_id>", methods=["GET", "POST"])
def edit_post(post_id):
    post = posts.get_post(post_id)
    plan = post.plan
    errors, form, time_notice = {}, None, None
    if request.method == "POST":
        action = request.form.get("action", "save")
        if action in ("save", "schedule"):
            try:
                if post.status in lifecycle.EDITABLE:
                    time_notice = scheduled_from_form(request.form, plan, post)[1]
                    posts.update_post(post, post_form_data(request.form, post.channel, plan, post))
                    _flash_time_notice(time_notice)
                elif action == "save":
                    raise Conflict(f"A {post.status} post cannot be changed any more; nothing was saved.")
                if action == "save":
                    flash("Saved.")
                    return redirect(url_for("ui.edit_post", post_id=post.id))
            except Invalid as error:
                errors, form = post_form_errors(error), request.form
            except Conflict as error:
                flash(error.message)
                return redirect(url_for("ui.edit_post", post_id=post.id))
        if not errors:
            return _act(post, action)
    if form is None:
        form = post_form_values(post)
    return render_template(
        "posts/editor.html",
        plan=plan,
        post=post,
        channel=post.channel,
        adapter=channel_registry.get(post.channel),
        form=form,
        errors=errors,
        time_notice=time_notice if errors else None,
        channels=channel_registry.all_channels(),
    )


@blueprint.post("/plans/<int:plan_id>/theme-check")
def theme_check(plan_id):
    """The editor's live theme line: which keywords the text being typed mentions. Saves nothing."""
    plan = plan_or_404(plan_id)
    channel = request.form.get("channel", "")
    if channel not in channel_registry.names():
        abort(404)
    data = post_form_data(request.form, channel, plan)
    content = PostContent(
        channel=channel, body=data["body"], title=data["title"], link=data["link"], extra=data["extra"]
    )
    match = post_checks.theme_of(plan, content, data["on_theme"])
    return jsonify({"on_theme": match.on_theme, "matched": list(match.matched), "source": match.source})


def post_form_values(post) -> dict:
    extra = post.extra or {}
    values = {
        "title": post.title,
        "body": post.body,
        "link": post.link,
        "theme": "auto" if post.theme_source == "keywords" else ("on" if post.on_theme else "off"),
        "scheduled_local": local_time(post.scheduled_at, post.plan, FORM_TIME) if post.scheduled_at else "",
    }
    for name, kind in channel_registry.get(post.channel).extra_fields.items():
        value = extra.get(name)
        if kind is Media:
            values[name] = "\n".join(f"{m.get('url', '')} | {m.get('alt', '')}" for m in value or [])
        elif kind is list:
            values[name] = ("\n" if name in LINE_FIELDS else ", ").join(value or [])
        elif kind is bool:
            values[name] = "on" if value else ""
        else:
            values[name] = value or ""
    return values


def _act(post, action):
    actions = {
        "schedule": (posts.schedule_post, "Scheduled: it will be delivered at its time."),
        "unschedule": (posts.unschedule_post, "Back to draft."),
        "cancel": (posts.cancel_post, "Cancelled: it will not be delivered."),
        "send_again": (posts.schedule_post, "Scheduled again."),
        "confirm": (lambda p: posts.confirm_published(p, request.form.get("url", "")), "Marked as published."),
    }
    if action not in actions:
        abort(400)
    run, message = actions[action]
    try:
        run(post)
        flash(message)
    except Invalid as error:
        flash(f"{error.message}: " + "; ".join(error.fields.values()))
    except Conflict as error:
        flash(error.message)
    return redirect(url_for("ui.edit_post", post_id=post.id))


# report


@blueprint.get("/plans/<int:plan_id>/report")
def report_page(plan_id):
    plan = plan_or_404(plan_id)
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
        weekly_charts={row["channel"]: charts.weekly_chart(row["weeks"]) for row in rows},
    )
