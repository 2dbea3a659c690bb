"""The library's pages: top performers and their patterns, feeds, an item and "Use on…", the metric
import with its column-mapping screen, the media library, and evergreen re-runs of a plan."""

import re
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.domain.metrics_csv.mapping import KEY_KINDS, METRICS, Mapping
from scheduler.services import clock, feeds, items, metrics, plans, reuse, runtime
from scheduler.services.errors import Conflict, Invalid
from scheduler.services.validation import parse_wall_clock
from scheduler.web import charts
from scheduler.web.ui import blueprint

UPLOAD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def current_plan():
    """The plan running today, else the latest: where "Use on…" puts a draft unless told otherwise."""
    every = plans.all_plans()
    running = [p for p in every if p.starts_on <= clock.today(p.timezone) <= p.ends_on]
    return (running or sorted(every, key=lambda p: p.ends_on, reverse=True) or [None])[0]


# top performers


@blueprint.get("/library")
def library_page():
    args = {k: v for k, v in request.args.items() if v}
    args.setdefault("top", "25")
    try:
        query = items.query_args(args)
        facts, ranking = items.rank_for(query)  # once for the list and its patterns: the costly part
        ranked = items.chosen_items(query, facts, ranking)
        found_patterns = items.patterns(query, facts)
    except Invalid as error:
        flash(error.message)
        args, ranked, found_patterns = {"top": "25"}, items.list_items({"top": "25"}), []
    return render_template(
        "library/top.html",
        ranked=ranked,
        patterns=found_patterns,
        args=args,
        channels=channel_registry.all_channels(),
        plans=plans.all_plans(),
        chart=charts.score_chart(ranked[:15], labels={c.name: c.label for c in channel_registry.all_channels()}),
        current=current_plan(),
    )


# feeds


@blueprint.get("/library/feeds")
def feeds_page(errors=None, status=200):
    return render_template(
        "library/feeds.html",
        feeds=feeds.list_feeds(),
        channels=channel_registry.all_channels(),
        errors=errors or {},
        form=request.form,
        counts=feeds.item_counts(),
    ), status


@blueprint.post("/library/feeds")
def add_feed():
    data = {
        "url": request.form.get("url", ""),
        "channel": request.form.get("channel", ""),
        "refresh_minutes": request.form.get("refresh_minutes") or None,
    }
    try:
        feed = feeds.add_feed(data)
    except (Invalid, Conflict) as error:
        return feeds_page(errors=error.fields or {"url": error.message}, status=422)
    flash("Feed added; its first import is running.")
    return redirect(url_for("ui.feed_page", feed_id=feed.id))


@blueprint.get("/library/feeds/<int:feed_id>")
def feed_page(feed_id):
    feed = feeds.get_feed(feed_id)
    recent = items.list_items({"limit": "50", "channel": feed.channel})
    recent = [(item, r) for item, r in recent if item.feed_id == feed.id]
    return render_template("library/feed.html", feed=feed, info=feeds.feed_dict(feed), recent=recent)


@blueprint.post("/library/feeds/<int:feed_id>/refresh")
def refresh_feed(feed_id):
    feed = feeds.get_feed(feed_id)
    flash(
        "Import queued."
        if feeds.request_refresh(feed.id)
        else "The queue is unreachable right now; the feed will be imported at the next periodic refresh."
    )
    return redirect(url_for("ui.feed_page", feed_id=feed.id))


@blueprint.post("/library/feeds/<int:feed_id>/delete")
def delete_feed(feed_id):
    feeds.delete_feed(feeds.get_feed(feed_id))
    flash("Feed removed; the items it brought stay in the library.")
    return redirect(url_for("ui.feeds_page"))


# one item, and "Use on…"


@blueprint.get("/library/items/<int:item_id>")
def item_page(item_id, errors=None, status=200):
    item = items.get_item(item_id)
    mine = items.ranking_of(item)
    series = items.metric_series(item)
    made = reuse.posts_from_item(item)
    return render_template(
        "library/item.html",
        item=item,
        ranked=mine,
        series=series,
        made=made,
        chart=charts.metric_series_chart(series),
        targets=reuse.targets_for(item),
        plans=plans.all_plans(),
        current=current_plan(),
        errors=errors or {},
        form=request.form,
    ), status


@blueprint.post("/library/items/<int:item_id>/adapt")
def adapt_item(item_id):
    item = items.get_item(item_id)
    form = request.form
    data = {"channel": form.get("channel", ""), "plan_id": form.get("plan_id") or None}
    plan = plans.find_plan(data["plan_id"])
    time_notice = None
    if plan is not None and form.get("scheduled_local"):
        reading = parse_wall_clock(form["scheduled_local"], plan.timezone)  # typed on the plan's clock
        if reading is None:
            return item_page(
                item_id, errors={"scheduled_at": "must be a date and time, e.g. 2026-12-01 10:00"}, status=422
            )
        data["scheduled_at"], time_notice = reading.utc.isoformat(), reading.notice
    try:
        post = reuse.adapt_item(item, data)
    except Invalid as error:
        return item_page(item_id, errors=error.fields, status=422)
    flash(f"Draft created on {channel_registry.get(post.channel).label} from “{item.title or item.link}”.")
    if time_notice:
        flash(f"When: {time_notice}.")
    return redirect(url_for("ui.edit_post", post_id=post.id))


@blueprint.post("/library/items/<int:item_id>/evergreen")
def evergreen_item(item_id):
    item = items.get_item(item_id)
    try:
        items.set_evergreen(
            item,
            {
                "evergreen": request.form.get("evergreen") == "on",
                "cooldown_days": request.form.get("cooldown_days") or item.cooldown_days,
            },
        )
        flash(
            "Marked evergreen: it will be proposed for re-runs after its cool-down."
            if item.evergreen
            else "No longer evergreen."
        )
    except Invalid as error:
        return item_page(item_id, errors=error.fields, status=422)
    return redirect(url_for("ui.item_page", item_id=item.id))


# metrics from CSV exports


def _uploads() -> Path:
    folder = runtime.settings().instance_path / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _staged(token: str) -> Path | None:
    path = _uploads() / f"{token}.csv"
    return path if UPLOAD_TOKEN.match(token or "") and path.exists() else None


@blueprint.get("/library/metrics")
def metrics_page(errors=None, status=200):
    return render_template("library/metrics_upload.html", errors=errors or {}, presets=metrics.presets()), status


@blueprint.post("/library/metrics")
def upload_metrics():
    upload = request.files.get("file")
    data = upload.read(metrics.MAX_UPLOAD + 1) if upload else b""
    try:
        table = metrics.read_upload(data)
    except Invalid as error:
        return metrics_page(errors=error.fields, status=422)
    token = secrets.token_urlsafe(18)
    (_uploads() / f"{token}.csv").write_bytes(data)
    return _mapping_screen(token, table, metrics.proposal(table), upload.filename or "")


def _mapping_screen(token, table, proposal, filename, errors=None, status=200):
    return render_template(
        "library/metrics_map.html",
        token=token,
        table=table,
        proposal=proposal,
        filename=filename,
        metrics_names=METRICS,
        key_kinds=KEY_KINDS,
        channels=channel_registry.all_channels(),
        errors=errors or {},
    ), status


@blueprint.post("/library/metrics/import")
def import_metrics():
    form = request.form
    staged = _staged(form.get("token", ""))
    if staged is None:
        flash("That upload has expired; choose the file again.")
        return redirect(url_for("ui.metrics_page"))
    raw = {
        "key_column": form.get("key_column", ""),
        "key_kind": form.get("key_kind", ""),
        "date_column": form.get("date_column") or None,
        "metric_columns": {m: form[f"metric_{m}"] for m in METRICS if form.get(f"metric_{m}")},
    }
    data = staged.read_bytes()
    try:
        record = metrics.import_metrics(
            data,
            channel=form.get("channel", ""),
            mapping_raw=raw,
            name=form.get("name", ""),
            filename=form.get("filename", ""),
        )
    except Invalid as error:
        table = metrics.read_upload(data)
        proposal = {
            "name": form.get("name", ""),
            "channel": form.get("channel", ""),
            "mapping": _mapping_or_none(raw),
            "origin": "as you set it",
        }
        return _mapping_screen(form["token"], table, proposal, form.get("filename", ""), error.fields, 422)
    staged.unlink(missing_ok=True)
    return render_template(
        "library/metrics_result.html", record=record, label=channel_registry.get(record.channel).label
    )


def _mapping_or_none(raw):
    try:
        return Mapping.from_dict(raw)
    except ValueError:
        return None


# media and evergreen


@blueprint.get("/library/media")
def media_page():
    return render_template("library/media.html", visuals=reuse.media_library())


@blueprint.get("/plans/<int:plan_id>/evergreen")
def evergreen_page(plan_id):
    plan = plans.get_plan(plan_id)
    return render_template(
        "plans/evergreen.html", plan=plan, found=reuse.evergreen_proposals(plan), zone=ZoneInfo(plan.timezone)
    )


@blueprint.post("/plans/<int:plan_id>/evergreen/<int:item_id>")
def accept_rerun(plan_id, item_id):
    item = items.get_item(item_id)
    post = reuse.adapt_item(
        item,
        {
            "channel": request.form.get("channel", item.channel),
            "plan_id": plan_id,
            "scheduled_at": request.form.get("at") or None,
        },
    )
    flash("Re-run drafted; check it and schedule it.")
    return redirect(url_for("ui.edit_post", post_id=post.id))
