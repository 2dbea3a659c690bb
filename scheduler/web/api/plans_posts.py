"""The plans and posts over the JSON API: plans, their commitments and compliance, channels, posts."""

from flask import Response, jsonify, request

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain.language import _
from scheduler.services import approvals, plans, posts, recording, reports
from scheduler.services.errors import Malformed, NotFound
from scheduler.services.validation import Reader
from scheduler.web.api import blueprint, body
from scheduler.web.api import schemas as S
from scheduler.web.api.declared import accepts, answers, query, refuses
from scheduler.web.api.schemas import list_of, ref

# plans and commitments


@blueprint.post("/plans")
@accepts(S.NEW_PLAN)
@answers(201, ref("Plan"), "the new plan")
def create_plan():
    return jsonify(plans.plan_dict(plans.create_plan(body()))), 201


@blueprint.get("/plans")
@answers(200, list_of(ref("Plan")))
def list_plans():
    return jsonify([plans.plan_dict(p) for p in plans.all_plans()])


@blueprint.get("/plans/<int:plan_id>")
@answers(200, ref("Plan"))
def get_plan(plan_id):
    return jsonify(plans.plan_dict(plans.get_plan(plan_id)))


@blueprint.patch("/plans/<int:plan_id>")
@accepts(S.PLAN_CHANGES)
@answers(200, ref("Plan"), "the changed plan")
def update_plan(plan_id):
    plan = plans.get_plan(plan_id)
    return jsonify(plans.plan_dict(plans.update_plan(plan, body())))


@blueprint.put("/plans/<int:plan_id>/commitments/<channel>")
@accepts(S.COMMITMENT_FIELDS)
@answers(200, ref("Commitment"), "the commitment, replaced")
@answers(201, ref("Commitment"), "the commitment, new")
def set_commitment(plan_id, channel):
    plan = plans.get_plan(plan_id)
    commitment, created = plans.set_commitment(plan, channel, body())
    return jsonify(plans.commitment_dict(commitment)), 201 if created else 200


@blueprint.get("/plans/<int:plan_id>/commitments")
@answers(200, list_of(ref("Commitment")))
def list_commitments(plan_id):
    return jsonify([plans.commitment_dict(c) for c in plans.get_plan(plan_id).commitments])


@blueprint.delete("/plans/<int:plan_id>/commitments/<channel>")
@answers(204, None, "removed")
def remove_commitment(plan_id, channel):
    plans.remove_commitment(plans.get_plan(plan_id), channel)
    return "", 204


@blueprint.get("/plans/<int:plan_id>/compliance")
@query(format={"enum": ["json", "csv"], "default": "json"})
@answers(200, ref("Report"), "the compliance report (CSV with ?format=csv)")
@answers(200, {"type": "string"}, media_type="text/csv")
def compliance(plan_id):
    report = reports.compliance(plans.get_plan(plan_id))
    fmt = request.args.get("format", "json")
    if fmt == "csv":
        return Response(
            reports.as_csv(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=compliance-plan-{plan_id}.csv"},
        )
    if fmt != "json":
        raise Malformed({"format": _("must be json or csv")})
    return jsonify(report)


# channels


@blueprint.get("/channels")
@answers(200, list_of(ref("Channel")))
def list_channels():
    return jsonify(
        [
            {"name": c.name, "label": c.label, "limits": c.limits, "fields": sorted(c.extra_fields)}
            for c in channel_registry.all_channels()
        ]
    )


@blueprint.post("/channels/<name>/validate")
@accepts(S.CONTENT_CHECK)
@answers(200, ref("Validation"), "what the channel says of the draft; nothing is saved")
def validate(name):
    content = content_of(name)  # 404 for an unknown channel, before anything else
    return jsonify(channel_registry.get(name).validate(content).to_dict())


def content_of(name: str) -> PostContent:
    """A draft's content for channel ``name`` as a check or a preview reads it from the request's body."""
    if name not in channel_registry.names():
        raise NotFound(f"channel {name!r}")
    data = body()
    reader = Reader(data)
    adapter = channel_registry.get(name)
    text = reader.text("body", required=False, max_length=posts.TEXT_LIMIT)
    title = reader.text("title", required=False, max_length=300)
    link = reader.text("link", required=False, max_length=2000)
    extra = {k: v for k, v in (data.get("extra") or {}).items()} if isinstance(data.get("extra"), dict) else {}
    extra.update({k: data[k] for k in adapter.extra_fields if k in data})
    trusted = bool(reader.boolean_or_none("trusted_html"))
    reader.done()
    return PostContent(channel=name, body=text, title=title, link=link, extra=extra, trusted_html=trusted)


# posts


@blueprint.post("/posts")
@accepts(S.NEW_POST)
@answers(201, ref("Post"), "the new draft")
def create_post():
    return jsonify(posts.post_dict(posts.create_post(body()))), 201


@blueprint.get("/posts")
@query(**S.POST_FILTERS)
@answers(200, list_of(ref("Post")))
def list_posts():
    return jsonify([posts.post_dict(p) for p in posts.list_posts(request.args)])


@blueprint.get("/posts/<int:post_id>")
@answers(200, ref("Post"))
def get_post(post_id):
    return jsonify(posts.post_dict(posts.get_post(post_id)))


@blueprint.patch("/posts/<int:post_id>")
@accepts(S.POST_CHANGES)
@answers(200, ref("Post"), "the changed post")
@refuses(409)
def update_post(post_id):
    return jsonify(posts.post_dict(posts.update_post(posts.get_post(post_id), body())))


@blueprint.post("/posts/<int:post_id>/schedule")
@answers(200, ref("Post"), "the post, scheduled (or in review)")
@refuses(409, 422)
def schedule_post(post_id):
    return jsonify(posts.post_dict(posts.schedule_post(posts.get_post(post_id))))


@blueprint.post("/posts/<int:post_id>/approve")
@accepts(S.REVIEW_VERDICT, required=False)
@answers(200, ref("Post"), "the post, approved: scheduled, and queued for its time")
@refuses(409)
def approve_post(post_id):
    post = posts.get_post(post_id)
    return jsonify(posts.post_dict(approvals.approve(post, body().get("comment") or "")))


@blueprint.post("/posts/<int:post_id>/request-changes")
@accepts(S.CHANGES_REQUEST)
@answers(200, ref("Post"), "the post, a draft again, with the comment in its reviews")
@refuses(409)
def request_changes(post_id):
    post = posts.get_post(post_id)
    return jsonify(posts.post_dict(approvals.request_changes(post, body().get("comment"))))


@blueprint.post("/posts/<int:post_id>/review-link")
@answers(200, ref("ReviewLink"), "a link for a reviewer outside the team, valid while the post waits as it is")
@refuses(409)
def review_link(post_id):
    url = approvals.review_link(posts.get_post(post_id))
    return jsonify({"url": url, "expires_in_days": approvals.LINK_DAYS})


@blueprint.post("/posts/<int:post_id>/unschedule")
@answers(200, ref("Post"), "the post, a draft again")
@refuses(409)
def unschedule_post(post_id):
    return jsonify(posts.post_dict(posts.unschedule_post(posts.get_post(post_id))))


@blueprint.post("/posts/<int:post_id>/confirm")
@accepts(S.CONFIRMATION, required=False)
@answers(200, ref("Post"), "the post, published")
@refuses(409)
def confirm_post(post_id):
    url = body().get("url") or ""
    return jsonify(posts.post_dict(posts.confirm_published(posts.get_post(post_id), url)))


@blueprint.post("/posts/<int:post_id>/record-published")
@accepts(S.RECORDING)
@answers(200, ref("Post"), "the post, published elsewhere as recorded by hand, with its link kept")
@refuses(409)
def record_published(post_id):
    return jsonify(posts.post_dict(recording.record_published(posts.get_post(post_id), body())))


@blueprint.delete("/posts/<int:post_id>")
@answers(200, ref("Post"), "the post, cancelled")
@refuses(409)
def cancel_post(post_id):
    return jsonify(posts.post_dict(posts.cancel_post(posts.get_post(post_id))))


@blueprint.get("/posts/<int:post_id>/events")
@answers(200, list_of(ref("PostEvent")))
def post_events(post_id):
    post = posts.get_post(post_id)
    return jsonify(
        [{"at": e.at.isoformat(), "from": e.from_status, "to": e.to_status, "note": e.note} for e in post.events]
    )
