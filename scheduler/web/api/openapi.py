"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of the API, made from the running code.

Nothing here lists routes by hand: the description walks the app's url_map for the ``api``
blueprint's rules and reads, from each handler, what ``declared.py`` put beside it (the body it
accepts, its query parameters, its answers). A new route appears by being written; a route without
declarations still appears, with its path parameters and the error answers every route may give, so
the description never leaves a route out. The request schemas it publishes are the objects that
``body()`` validates with.
"""

import re

from flask import current_app, jsonify

from scheduler.web.api import blueprint
from scheduler.web.api.declared import answers, declaration
from scheduler.web.api.schemas import CHANNEL_NAME, COMPONENTS, ID, ref

TITLE = "Refrain"
VERSION = "1"
PARAMETER = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^>]*\))?:)?(?P<name>\w+)>")
ERROR_WORDS = {
    400: "the request cannot be read: not JSON, not an object, or a filter that is not one",
    401: "no credentials, or credentials that are no longer valid",
    403: "the signed-in person may not do this, or the request came from another site",
    404: "what the path names does not exist",
    405: "the path does not take this method",
    409: "the thing is not in a state that allows this",
    413: "the body is larger than this address takes (1 MB, more for uploads)",
    415: "a body that is not JSON (a form's), which the API refuses; a file sent other than as multipart/form-data",
    422: "the input cannot be used: `fields` says what is wrong with each field",
}
WRITES = {"post", "put", "patch", "delete"}
PUBLIC = {"api.openapi"}  # the description itself is read without credentials


def path_parameter_schema(converter: str | None, name: str) -> dict:
    if converter == "int":
        return ID
    if name in ("channel", "name"):
        return CHANNEL_NAME
    return {"type": "string"}


def openapi_path(rule: str) -> str:
    return PARAMETER.sub(lambda m: "{" + m.group("name") + "}", rule)


def parameters_of(rule, view) -> list[dict]:
    found = [
        {
            "name": m.group("name"),
            "in": "path",
            "required": True,
            "schema": path_parameter_schema(m.group("converter"), m.group("name")),
        }
        for m in PARAMETER.finditer(rule.rule)
    ]
    for name, schema in sorted(declaration(view, "api_query", {}).items()):
        found.append({"name": name, "in": "query", "required": False, "schema": schema})
    return found


def responses_of(rule, view, method: str) -> dict:
    answers = declaration(view, "api_answers", {})
    responses = {}
    for status, answer in sorted(answers.items()):
        described = {"description": answer["description"] or "done"}
        if answer["content"]:
            described["content"] = {media: {"schema": schema} for media, schema in answer["content"].items()}
        responses[str(status)] = described
    if not answers:
        responses["200"] = {"description": "done", "content": {"application/json": {"schema": {}}}}
    refusals = set(declaration(view, "api_refusals", ()))
    if rule.endpoint not in PUBLIC:
        refusals |= {401, 403}
    if rule.arguments:
        refusals.add(404)
    if declaration(view, "api_accepts") is not None or declaration(view, "api_upload") is not None:
        refusals |= {400, 413, 422}
    if declaration(view, "api_query"):
        refusals.add(400)
    if method in WRITES:
        refusals |= {403, 415}
    for status in sorted(refusals - set(answers)):
        responses[str(status)] = {
            "description": ERROR_WORDS.get(status, "refused"),
            "content": {"application/json": {"schema": ref("Error")}},
        }
    return responses


def operation(rule, view, method: str) -> dict:
    doc = (view.__doc__ or "").strip()
    described = {
        "operationId": rule.endpoint.removeprefix("api.") + (f"_{method}" if len(rule.methods or ()) > 3 else ""),
        "summary": doc.splitlines()[0] if doc else rule.endpoint.removeprefix("api.").replace("_", " "),
        "tags": [rule.rule.removeprefix(blueprint_prefix()).strip("/").split("/")[0] or "api"],
        "responses": responses_of(rule, view, method),
    }
    if doc:
        described["description"] = doc
    parameters = parameters_of(rule, view)
    if parameters:
        described["parameters"] = parameters
    accepted = declaration(view, "api_accepts")
    if accepted is not None:
        described["requestBody"] = {
            "required": accepted["required"],
            "content": {"application/json": {"schema": accepted["schema"]}},
        }
    upload = declaration(view, "api_upload")
    if upload is not None:
        described["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": upload["schema"]}}}
    if rule.endpoint in PUBLIC:
        described["security"] = []
    return described


def blueprint_prefix() -> str:
    return current_app.blueprints["api"].url_prefix or "/api/v1"


def api_rules(app) -> list:
    """Every rule of the api blueprint, in path order (the one source of what the API has)."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")), key=lambda r: r.rule)


def describe(app) -> dict:
    paths: dict[str, dict] = {}
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = operation(rule, view, method.lower())
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "The JSON API of Refrain (CONTRACT.md, `/api/v1`): JSON in and out, every refusal "
            "in one error shape. Generated from the code.",
        },
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an API token (`refrain token create EMAIL`) in `Authorization: Bearer <token>`",
                }
            },
        },
        "security": [{"bearerAuth": []}],
    }


@blueprint.get("/openapi.json")
@answers(200, {"type": "object"}, "the OpenAPI 3.1 description")
def openapi():
    """This description: OpenAPI 3.1 of every /api/v1 route, generated from the code."""
    return jsonify(describe(current_app))
