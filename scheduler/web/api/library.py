"""The library's JSON API: feeds, items and their scores, reuse, metric imports, evergreen re-runs."""

import base64
import binascii

from flask import jsonify, request

from scheduler.domain.language import _
from scheduler.services import feeds, items, metrics, plans, posts, rankings, reuse
from scheduler.services.errors import Invalid
from scheduler.web.api import blueprint, body
from scheduler.web.api import schemas as S
from scheduler.web.api.declared import accepts, answers, query, refuses
from scheduler.web.api.schemas import list_of, obj, ref


@blueprint.post("/library/feeds")
@accepts(S.NEW_FEED)
@answers(201, ref("Feed"), "the feed, its first import queued")
@refuses(409)
def add_feed():
    return jsonify(feeds.feed_dict(feeds.add_feed(body()))), 201


@blueprint.get("/library/feeds")
@answers(200, list_of(ref("Feed")))
def list_feeds():
    counts = feeds.item_counts()
    return jsonify([feeds.feed_dict(f, counts.get(f.id, 0)) for f in feeds.list_feeds()])


@blueprint.get("/library/feeds/<int:feed_id>")
@answers(200, ref("Feed"))
def get_feed(feed_id):
    return jsonify(feeds.feed_dict(feeds.get_feed(feed_id)))


@blueprint.delete("/library/feeds/<int:feed_id>")
@answers(204, None, "removed")
def delete_feed(feed_id):
    feeds.delete_feed(feeds.get_feed(feed_id))
    return "", 204


@blueprint.post("/library/feeds/<int:feed_id>/refresh")
@answers(202, ref("Feed"), "a refresh is queued (`queued` false: one already was)")
def refresh_feed(feed_id):
    feed = feeds.get_feed(feed_id)
    queued = feeds.refresh_by_hand(feed.id)  # a 409 when asked again within a minute
    return jsonify({**feeds.feed_dict(feed), "queued": queued}), 202


@blueprint.get("/library/items")
@query(**S.ITEM_FILTERS)
@answers(200, list_of(ref("Item")), "items, best first when `top` is given")
def list_items():
    return jsonify([items.item_dict(item, ranked) for item, ranked in rankings.list_items(request.args)])


@blueprint.get("/library/items/<int:item_id>")
@answers(200, ref("Item"), "the item with its metric series")
def get_item(item_id):
    item = items.get_item(item_id)
    return jsonify({**items.item_dict(item, rankings.ranking_of(item)), "series": items.metric_series(item)})


@blueprint.patch("/library/items/<int:item_id>")
@accepts(S.ITEM_CHANGES)
@answers(200, ref("Item"))
def update_item(item_id):
    return jsonify(items.item_dict(items.set_evergreen(items.get_item(item_id), body())))


@blueprint.post("/library/items/<int:item_id>/adapt")
@accepts(S.ADAPTATION)
@answers(201, ref("Post"), "a draft on that channel, `source_item_id` kept")
def adapt_item(item_id):
    post = reuse.adapt_item(items.get_item(item_id), body())
    return jsonify(posts.post_dict(post)), 201


@blueprint.get("/library/patterns")
@query(**S.ITEM_FILTERS)
@answers(200, list_of(obj({"channel": {"type": "string"}, "lift": {"type": "number"}, "n": {"type": "integer"}})))
def patterns():
    return jsonify([_pattern_dict(p) for p in rankings.patterns(rankings.query_args(request.args))])


def _pattern_dict(pattern) -> dict:
    return {
        "channel": pattern.channel,
        "feature": pattern.feature,
        "value": pattern.value,
        "metric": pattern.metric,
        "lift": round(pattern.lift, 2),
        "n": pattern.n,
        "n_other": pattern.n_other,
        "sentence": pattern.sentence,
    }


@blueprint.get("/library/media")
@answers(200, list_of(obj({"url": {"type": "string"}, "runs": {"type": "integer"}})))
def media():
    return jsonify(
        [{"url": v.url, "alt": v.alt, "channels": v.per_channel(), "runs": v.runs} for v in reuse.media_library()]
    )


@blueprint.post("/library/metrics")
@accepts(S.METRICS_UPLOAD)
@answers(201, ref("MetricImport"), "rows stored, and the errors of the rows that were not")
def import_metrics():
    """JSON, like the rest of the API: the file's text in ``csv``, or its bytes in ``csv_base64``
    (for UTF-16 exports such as Google Ads')."""
    data = body()
    record = metrics.import_metrics(
        _csv_bytes(data),
        channel=str(data.get("channel") or ""),
        mapping_raw=data.get("mapping"),
        name=str(data.get("name") or ""),
        filename=str(data.get("filename") or ""),
    )
    return jsonify(metrics.import_dict(record)), 201


def _csv_bytes(data: dict) -> bytes:
    if isinstance(data.get("csv"), str):
        return data["csv"].encode("utf-8")
    if isinstance(data.get("csv_base64"), str):
        try:
            return base64.b64decode(data["csv_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise Invalid({"csv_base64": _("is not valid base64")}) from None
    raise Invalid({"csv": _("is required: the CSV file's text (or csv_base64 with its bytes)")})


@blueprint.get("/library/metrics/presets")
@answers(200, list_of(obj({"name": {"type": "string"}, "mapping": {"type": "object"}}, required=("name",))))
def metric_presets():
    return jsonify(metrics.presets())


@blueprint.get("/plans/<int:plan_id>/evergreen")
@answers(
    200,
    obj(
        {"proposals": list_of({"type": "object"}), "not_proposed": list_of({"type": "object"})},
        required=("proposals", "not_proposed"),
    ),
)
def evergreen(plan_id):
    found = reuse.evergreen_proposals(plans.get_plan(plan_id))
    return jsonify(
        {
            "proposals": [
                {
                    "item_id": item.id,
                    "channel": p.channel,
                    "at": p.at.isoformat(),
                    "reason": p.reason,
                    "title": item.title,
                }
                for p, item in found.proposals
            ],
            "not_proposed": [{"item_id": item.id, "channel": item.channel, "why": why} for item, why in found.refused],
        }
    )
