"""The library's pages: top performers and their patterns, feeds, an item with "Use on…" and
evergreen, the media library, and evergreen re-runs of a plan."""

from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.domain import formats, statuses
from scheduler.domain.language import N_, _
from scheduler.domain.metrics_csv.mapping import METRIC_WORDS
from scheduler.services import feeds, items, plans, rankings, reuse
from scheduler.services.errors import Conflict, Invalid
from scheduler.web import charts
from scheduler.web.forms.library import AdaptForm, EvergreenForm, FeedForm, LibraryFilterForm, RerunForm
from scheduler.web.pages import blueprint, form_page, say_when

# instants the library shows on UTC (a feed, an item: no plan's clock), in the reader's language
UTC_SHAPES = {"instant": ("dd MMM y HH:mm", "yMMMd", "Hm"), "date": formats.DATE, "day_time": formats.DAY_AND_TIME}


# what an item is, as people read it (the value stays the feed's)
CONTENT_WORDS = {
    "article": N_("article"),
    "email": N_("email"),
    "image": N_("image"),
    "link": N_("link"),
    "text": N_("text"),
    "video": N_("video"),
}


def on_utc(moment, shape: str = "instant") -> str:
    """``05 Dec 2026 09:00 UTC`` (a date alone: ``05 Dec 2026``), as the reader's language writes it."""
    if moment is None:
        return ""
    said = formats.instant(moment, "UTC", UTC_SHAPES[shape])
    return said if shape == "date" else _("%(time)s UTC", time=said)


blueprint.add_app_template_filter(on_utc, "utc")
blueprint.add_app_template_filter(formats.number, "number")
blueprint.add_app_template_filter(formats.share, "share")


@blueprint.app_context_processor
def _library_words():
    return {"metric_labels": METRIC_WORDS, "post_status_labels": statuses.LABELS, "content_words": CONTENT_WORDS}


# top performers


@blueprint.get("/library")
def library_page():
    form = LibraryFilterForm(request.args)
    all_plans = plans.all_plans()
    form.offer(all_plans)
    try:
        query = rankings.query_args(form.service_input())
        facts, ranking = rankings.rank_for(query)  # once for the list and its patterns: the costly part
        ranked = rankings.chosen_items(query, facts, ranking)
        found_patterns = rankings.patterns(query, facts)
    except Invalid as error:
        flash(form.in_words(error))
        ranked, found_patterns = rankings.list_items({"top": "25"}), []
    labels = {c.name: c.label for c in channel_registry.all_channels()}
    return render_template(
        "library/top.html",
        form=form,
        ranked=ranked,
        patterns=found_patterns,
        chart=charts.score_chart(ranked[:15], labels=labels),
    )


# feeds


@blueprint.get("/library/feeds")
def feeds_page():
    return feeds_with(FeedForm(formdata=None, data={"refresh_minutes": "60"}))


def feeds_with(form: FeedForm):
    return form_page("library/feeds.html", form, feeds=feeds.list_feeds(), counts=feeds.item_counts())


@blueprint.post("/library/feeds")
def add_feed():
    form = FeedForm()
    if feed := form.submit(lambda: feeds.add_feed(form.service_input()), refusals=(Invalid, Conflict)):
        flash(_("Feed added; its first import is running."))
        return redirect(url_for("ui.feed_page", feed_id=feed.id))
    return feeds_with(form)


@blueprint.get("/library/feeds/<int:feed_id>")
def feed_page(feed_id):
    feed = feeds.get_feed(feed_id)
    recent = rankings.list_items({"limit": "50", "channel": feed.channel})
    recent = [(item, r) for item, r in recent if item.feed_id == feed.id]
    return render_template("library/feed.html", feed=feed, info=feeds.feed_dict(feed), recent=recent)


@blueprint.post("/library/feeds/<int:feed_id>/refresh")
def refresh_feed(feed_id):
    feed = feeds.get_feed(feed_id)
    try:
        queued = feeds.refresh_by_hand(feed.id)
    except Conflict as refused:
        flash(refused.message[:1].upper() + refused.message[1:] + ".")
    else:
        flash(
            _("Import queued.")
            if queued
            else _("The queue is unreachable right now; the feed will be imported at the next periodic refresh.")
        )
    return redirect(url_for("ui.feed_page", feed_id=feed.id))


@blueprint.post("/library/feeds/<int:feed_id>/delete")
def delete_feed(feed_id):
    feeds.delete_feed(feeds.get_feed(feed_id))
    flash(_("Feed removed; the items it brought stay in the library."))
    return redirect(url_for("ui.feeds_page"))


# one item: "Use on…" and evergreen


@blueprint.get("/library/items/<int:item_id>")
def item_page(item_id):
    return item_with(items.get_item(item_id))


def item_with(item, adapt: AdaptForm | None = None, evergreen: EvergreenForm | None = None):
    """The item with its two forms: the one just posted as it was typed, the other as saved."""
    current = plans.current_plan()
    adapt = adapt or AdaptForm(formdata=None, data={"plan_id": str(current.id) if current else ""})
    adapt.offer(reuse.targets_for(item), plans.all_plans())
    evergreen = evergreen or EvergreenForm(
        formdata=None, data={"evergreen": item.evergreen, "cooldown_days": str(item.cooldown_days)}
    )
    series = items.metric_series(item)
    return render_template(
        "library/item.html",
        item=item,
        ranked=rankings.ranking_of(item),
        series=series,
        made=reuse.posts_from_item(item),
        chart=charts.metric_series_chart(series),
        adapt=adapt,
        evergreen=evergreen,
    ), 422 if adapt.errors or evergreen.errors else 200


@blueprint.post("/library/items/<int:item_id>/adapt")
def adapt_item(item_id):
    item = items.get_item(item_id)
    form = AdaptForm()
    if post := form.submit(lambda: reuse.adapt_item(item, form.service_input(plans.find_plan(form.plan_id.data)))):
        flash(
            _(
                "Draft created on %(channel)s from “%(item)s”.",
                channel=channel_registry.get(post.channel).label,
                item=item.title or item.link,
            )
        )
        say_when(form.time_notice)
        return redirect(url_for("ui.edit_post", post_id=post.id))
    return item_with(item, adapt=form)


@blueprint.post("/library/items/<int:item_id>/evergreen")
def evergreen_item(item_id):
    item = items.get_item(item_id)
    form = EvergreenForm()
    if form.submit(lambda: items.set_evergreen(item, form.service_input(item))):
        flash(
            _("Marked evergreen: it will be proposed for re-runs after its cool-down.")
            if item.evergreen
            else _("No longer evergreen.")
        )
        return redirect(url_for("ui.item_page", item_id=item.id))
    return item_with(item, evergreen=form)


# media and evergreen re-runs


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
    form = RerunForm()
    if not form.validate_on_submit():
        return redirect(url_for("ui.evergreen_page", plan_id=plan_id))
    post = reuse.adapt_item(item, form.service_input(item, plan_id))
    flash(_("Re-run drafted; check it and schedule it."))
    return redirect(url_for("ui.edit_post", post_id=post.id))
