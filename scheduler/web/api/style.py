"""The style guide's JSON API: entries and their history, lookups, and the linter."""

from flask import jsonify, request

from scheduler.services import posts, style, style_checks
from scheduler.web.api import blueprint, body
from scheduler.web.api import schemas as S
from scheduler.web.api.declared import accepts, answers, query, refuses
from scheduler.web.api.schemas import list_of, obj, ref


def author(_data: dict | None = None) -> str:
    """Who edits is the signed-in person (the services read it); a name in the body is not taken."""
    return ""


@blueprint.post("/style/entries")
@accepts(S.NEW_STYLE_ENTRY)
@answers(201, ref("StyleEntry"), "the new entry")
def create_style_entry():
    data = body()
    return jsonify(style.entry_dict(style.create_entry(data, author(data)))), 201


@blueprint.get("/style/entries")
@query(kind={"enum": list(S.KINDS)}, channel={"type": "string"})
@answers(200, list_of(ref("StyleEntry")))
def list_style_entries():
    return jsonify(
        [
            style.entry_dict(e)
            for e in style.list_entries(request.args.get("kind") or None, request.args.get("channel") or None)
        ]
    )


@blueprint.get("/style/entries/<int:entry_id>")
@answers(200, ref("StyleEntry"))
def get_style_entry(entry_id):
    return jsonify(style.entry_dict(style.get_entry(entry_id)))


@blueprint.patch("/style/entries/<int:entry_id>")
@accepts(S.STYLE_CHANGES)
@answers(200, ref("StyleEntry"), "the entry, a version more")
def update_style_entry(entry_id):
    data = body()
    return jsonify(style.entry_dict(style.update_entry(style.get_entry(entry_id), data, author(data))))


@blueprint.delete("/style/entries/<int:entry_id>")
@answers(204, None, "removed (its versions are kept)")
def delete_style_entry(entry_id):
    style.delete_entry(style.get_entry(entry_id), author())
    return "", 204


@blueprint.get("/style/entries/<int:entry_id>/versions")
@answers(200, list_of(obj({"version": {"type": "integer"}, "action": {"type": "string"}, "data": {"type": "object"}})))
def style_entry_versions(entry_id):
    return jsonify(
        [
            {"version": v.version, "author": v.author, "at": v.at.isoformat(), "action": v.action, "data": v.data}
            for v in style.versions(style.get_entry(entry_id))
        ]
    )


@blueprint.get("/style/search")
@query(q={"type": "string"}, limit={"type": "integer", "minimum": 1, "maximum": 100})
@answers(200, list_of(ref("StyleEntry")), "entries best first, the matched words marked")
def search_style():
    limit = request.args.get("limit", "")
    return jsonify(style.search(request.args.get("q", ""), int(limit) if limit.isdigit() else style.SEARCH_LIMIT))


@blueprint.post("/style/lint")
@accepts(S.LINT_REQUEST)
@answers(200, obj({"problems": list_of(ref("Problem")), "valid": {"type": "boolean"}}, required=("problems", "valid")))
def lint():
    return jsonify(style_checks.lint_request(body()))


@blueprint.post("/posts/<int:post_id>/override")
@accepts(S.STYLE_OVERRIDE)
@answers(200, ref("Post"), "the post, its style findings overridden")
@refuses(409)
def override_style(post_id):
    return jsonify(posts.post_dict(posts.override_style(posts.get_post(post_id), body())))
