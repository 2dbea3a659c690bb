"""The posts' bulk work over the API: one action on many posts, a CSV of posts in, the filtered list out.

``POST /posts/bulk`` answers every post asked for (done, unchanged, or refused and why); ``POST
/posts/import`` takes the CSV as JSON (``csv`` or ``csv_base64``) or as the file itself
(``Content-Type: text/csv``, with ``?plan_id=`` and ``?schedule=true``); ``GET /posts/export`` gives the
posts the list's filters match, as the import reads them.
"""

from flask import jsonify, request, send_file

from scheduler.domain.language import _
from scheduler.services import bulk_posts, post_pages, posts_export, posts_import
from scheduler.services.errors import Invalid
from scheduler.web.api import blueprint, body
from scheduler.web.api.bulk_schemas import BULK, BULK_RESULT, IMPORT, IMPORT_RESULT, LIST_QUERY
from scheduler.web.api.declared import accepts, answers, query, refuses
from scheduler.web.api.library import _csv_bytes

CSV_TYPES = {"text/csv", "application/csv"}


@blueprint.post("/posts/bulk")
@accepts(BULK)
@answers(200, BULK_RESULT, "each post's outcome: done, unchanged or refused (with the reason)")
def bulk_posts_action():
    return jsonify(bulk_posts.result_dict(bulk_posts.run(body())))


@blueprint.post("/posts/import")
@accepts(IMPORT)
@query(plan_id={"type": "integer", "minimum": 1}, schedule={"enum": ["true", "false"]})
@answers(200, IMPORT_RESULT, "the posts made from the good rows, and each bad row's problems by line and field")
@refuses(404)
def import_posts():
    """A CSV of posts (JSON with ``csv``/``csv_base64``, or the file as ``text/csv``)."""
    if request.mimetype in CSV_TYPES:
        data, fields = request.get_data(), request.args
        schedule = fields.get("schedule", "false") == "true"
        plan_id = fields.get("plan_id", type=int)
        if plan_id is None:
            raise Invalid({"plan_id": _("is required (?plan_id= in the address, with the file as the body)")})
    else:
        fields = body()
        data, schedule, plan_id = _csv_bytes(fields), bool(fields.get("schedule")), fields.get("plan_id")
        if plan_id is None:
            raise Invalid({"plan_id": _("is required")})
    return jsonify(posts_import.result_dict(posts_import.import_posts(data, plan_id, schedule=schedule)))


@blueprint.get("/posts/export")
@query(**LIST_QUERY)
@answers(200, {"type": "string"}, "the posts the filters match, as CSV, in the list's order", media_type="text/csv")
def export_posts():
    filters = post_pages.read_filters(request.args)
    sort, direction, _size = post_pages.read_order(request.args)
    return send_file(
        posts_export.spooled(filters, sort, direction),
        mimetype="text/csv",
        as_attachment=True,
        download_name=posts_export.filename(filters),
    )
