"""The style guide's JSON API: entries and their history, lookups, and the linter."""

from flask import jsonify, request

from scheduler.services import posts, style, style_checks
from scheduler.web.api import blueprint, body


def author(_data: dict | None = None) -> str:
    """Who edits is the signed-in person (the services read it); a name in the body is not taken."""
    return ""


@blueprint.post("/style/entries")
def create_style_entry():
    data = body()
    return jsonify(style.entry_dict(style.create_entry(data, author(data)))), 201


@blueprint.get("/style/entries")
def list_style_entries():
    return jsonify(
        [
            style.entry_dict(e)
            for e in style.list_entries(request.args.get("kind") or None, request.args.get("channel") or None)
        ]
    )


@blueprint.get("/style/entries/<int:entry_id>")
def get_style_entry(entry_id):
    return jsonify(style.entry_dict(style.get_entry(entry_id)))


@blueprint.patch("/style/entries/<int:entry_id>")
def update_style_entry(entry_id):
    data = body()
    return jsonify(style.entry_dict(style.update_entry(style.get_entry(entry_id), data, author(data))))


@blueprint.delete("/style/entries/<int:entry_id>")
def delete_style_entry(entry_id):
    style.delete_entry(style.get_entry(entry_id), author())
    return "", 204


@blueprint.get("/style/entries/<int:entry_id>/versions")
def style_entry_versions(entry_id):
    return jsonify(
        [
            {"version": v.version, "author": v.author, "at": v.at.isoformat(), "action": v.action, "data": v.data}
            for v in style.versions(style.get_entry(entry_id))
        ]
    )


@blueprint.get("/style/search")
def search_style():
    limit = request.args.get("limit", "")
    return jsonify(style.search(request.args.get("q", ""), int(limit) if limit.isdigit() else style.SEARCH_LIMIT))


@blueprint.post("/style/lint")
def lint():
    return jsonify(style_checks.lint_request(body()))


@blueprint.post("/posts/<int:post_id>/override")
def override_style(post_id):
    return jsonify(posts.post_dict(posts.override_style(posts.get_post(post_id), body())))
