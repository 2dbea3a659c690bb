"""The insight loop's JSON API: interactions logged and imported, the team's kinds, and the patterns.

``POST /interactions/import`` takes the export as the metrics import does (JSON: ``csv`` or
``csv_base64``, and optionally a ``mapping`` and its ``name``), or as the file itself
(``Content-Type: text/csv``, the name in ``?name=``); without a mapping, the one remembered for the
file's columns is used, else one guessed from them.
"""

from flask import jsonify, request

from scheduler.services import interaction_import, interaction_patterns, interactions
from scheduler.web.api import blueprint, body
from scheduler.web.api.declared import accepts, answers, query
from scheduler.web.api.interaction_schemas import (
    IMPORT,
    IMPORT_RESULT,
    INTERACTION,
    KIND,
    KIND_FIELDS,
    LIST_FILTERS,
    NEW_INTERACTION,
    PATTERN,
    TERM,
    WINDOW,
)
from scheduler.web.api.library import _csv_bytes
from scheduler.web.api.schemas import list_of

CSV_TYPES = {"text/csv", "application/csv"}


@blueprint.post("/interactions")
@accepts(NEW_INTERACTION)
@answers(201, INTERACTION, "the interaction, its author the signed-in person")
def log_interaction():
    return jsonify(interactions.interaction_dict(interactions.log_interaction(body()))), 201


@blueprint.get("/interactions")
@query(**LIST_FILTERS)
@answers(200, list_of(INTERACTION), "newest first")
def list_interactions():
    found = interactions.list_interactions(**interactions.filters(request.args))
    return jsonify([interactions.interaction_dict(i) for i in found])


@blueprint.post("/interactions/import")
@accepts(IMPORT)
@query(name={"type": "string", "maxLength": 100}, filename={"type": "string", "maxLength": 300})
@answers(200, IMPORT_RESULT, "rows written (new or updated), and each bad row's problems")
def import_interactions():
    """A help desk's CSV export (JSON with ``csv``/``csv_base64``, or the file as ``text/csv``)."""
    if request.mimetype in CSV_TYPES:
        data, fields = request.get_data(), request.args
    else:
        fields = body()
        data = _csv_bytes(fields)
    result = interaction_import.import_interactions(
        data,
        mapping_raw=fields.get("mapping"),
        name=str(fields.get("name") or ""),
        filename=str(fields.get("filename") or ""),
    )
    return jsonify(interaction_import.result_dict(result))


@blueprint.get("/interactions/patterns")
@query(**WINDOW)
@answers(200, list_of(PATTERN), "every channel × kind of the window, flagged ones first")
def interaction_patterns_report():
    report = interaction_patterns.report(request.args.get("since"), request.args.get("until"))
    return jsonify([interaction_patterns.pattern_dict(p) for p in report.patterns])


@blueprint.get("/interactions/patterns/terms")
@query(channel={"type": "string", "maxLength": 40}, kind={"type": "string", "maxLength": 200}, **WINDOW)
@answers(200, list_of(TERM), "the terms that set the pattern's comments apart, best first")
def interaction_pattern_terms():
    terms = interaction_patterns.terms_asked(request.args)
    return jsonify([interaction_patterns.term_dict(t) for t in terms])


@blueprint.get("/interactions/kinds")
@answers(200, list_of(KIND))
def list_interaction_kinds():
    counts = interactions.kind_counts()
    return jsonify([interactions.kind_dict(k, counts.get(k.id, 0)) for k in interactions.list_kinds()])


@blueprint.post("/interactions/kinds")
@accepts(KIND_FIELDS)
@answers(201, KIND, "the new kind")
def create_interaction_kind():
    return jsonify(interactions.kind_dict(interactions.create_kind(body()))), 201


@blueprint.patch("/interactions/kinds/<int:kind_id>")
@accepts(KIND_FIELDS)
@answers(200, KIND, "renamed: its interactions and scripts follow")
def rename_interaction_kind(kind_id):
    return jsonify(interactions.kind_dict(interactions.rename_kind(interactions.get_kind(kind_id), body())))
