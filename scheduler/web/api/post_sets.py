"""One idea, many channels over the JSON API: the composer's sets, and a draft's preview as its network
shows it (HTML, for the editor's live preview)."""

from flask import Response, jsonify

from scheduler.services import post_sets, previews
from scheduler.web.api import blueprint, body
from scheduler.web.api import schemas as S
from scheduler.web.api.declared import accepts, answers
from scheduler.web.api.plans_posts import content_of
from scheduler.web.api.schemas import ref
from scheduler.web.previews import rendered


@blueprint.post("/post-sets")
@accepts(S.NEW_POST_SET)
@answers(201, ref("PostSet"), "the set, with a draft per channel shaped by its adapter")
def create_post_set():
    return jsonify(post_sets.set_dict(post_sets.compose(body()))), 201


@blueprint.get("/post-sets/<int:set_id>")
@answers(200, ref("PostSet"))
def get_post_set(set_id):
    return jsonify(post_sets.set_dict(post_sets.get_set(set_id)))


@blueprint.patch("/post-sets/<int:set_id>")
@accepts(S.POST_SET_CHANGES)
@answers(200, ref("PostSet"), "the set after the change, with what it did to each post (changes)")
def update_post_set(set_id):
    post_set = post_sets.get_set(set_id)
    changes = post_sets.change_set(post_set, body())
    return jsonify({**post_sets.set_dict(post_set), "changes": changes.to_dict()})


@blueprint.delete("/post-sets/<int:set_id>")
@answers(200, ref("PostSet"), "the set, cancelled: its posts not yet out are cancelled, the others kept (changes)")
def cancel_post_set(set_id):
    post_set = post_sets.get_set(set_id)
    changes = post_sets.cancel_set(post_set)
    return jsonify({**post_sets.set_dict(post_set), "changes": changes.to_dict()})


@blueprint.post("/channels/<name>/preview")
@accepts(S.CONTENT_CHECK)
@answers(
    200,
    {"type": "string"},
    "the draft as its network shows it (an HTML fragment); nothing is saved",
    media_type="text/html",
)
def preview(name):
    return Response(str(rendered(previews.preview(content_of(name)))), mimetype="text/html")
