"""What each API route takes and answers, declared beside its handler, and the check of a body against it.

A handler says ``@accepts(schema)`` (its JSON body, a JSON Schema of Draft 2020-12), ``@query(name=schema)``
(its query parameters) and ``@answers(status, schema)`` (what it gives back). The declarations do two
jobs from one source: ``openapi.py`` reads them to describe the API, and ``body()`` validates every
request body with the very schema that is published, so the description cannot drift from what the
API refuses. The schema checks shapes and types (a string where a string belongs, the required fields,
the lengths); what needs the database or the calendar (a known plan, a date after another) stays in
the services, which the pages and the CLI share.

A body the schema refuses in part is not refused at once: ``accepts`` lets the services look at the
rest in a unit of work it rolls back, so the answer names every wrong field, as it did before schemas.
Refusals come out in the contract's words: a field's name and a predicate ("is required", "must be a
string"), as ``Invalid`` (422); ``services.validation.Reader`` speaks the same way.
"""

import functools
from collections.abc import Callable

from flask import g
from jsonschema import Draft202012Validator, FormatChecker

import channels.registry as channel_registry
from scheduler.domain.language import N_, _
from scheduler.services.errors import Invalid
from scheduler.services.unit_of_work import unit_of_work

TYPE_WORDS = {
    "string": N_("a string"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "array": N_("a list"),
    "object": N_("an object"),
    "null": "null",
}

# Only Refrain's own formats are checked here; dates and times are read by the services, whose messages
# say how to write them. ``channel``: a registered channel's name, asked of the registry at each request
# (a test or a plugin may register one after the schemas are built); "" is left to the services.
FORMATS = FormatChecker(formats=())
FORMATS.checks("channel")(lambda value: not isinstance(value, str) or not value or value in channel_registry.names())


def accepts(schema: dict, *, required: bool = True) -> Callable:
    """The handler's JSON body; ``required=False`` when a request may come without one.

    When the schema refuses fields, the handler still runs, on the other fields (``body()`` hands it
    those), inside a unit of work that is then rolled back: the services' findings on the rest join
    the schema's, so one answer names every wrong field, and nothing of that run is kept."""
    Draft202012Validator.check_schema(schema)  # a mistake in a declaration fails at import, not in a request

    def declare(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            g.api_refused = {}
            try:
                with unit_of_work():
                    answer = view(*args, **kwargs)
                    if g.api_refused:
                        raise Invalid(g.api_refused)
            except Invalid as error:
                if not g.api_refused:
                    raise
                raise Invalid({**error.fields, **g.api_refused}, suggested=error.suggested) from None
            return answer

        checked.api_accepts = {"schema": schema, "required": required, "validator": validator(schema)}
        return checked

    return declare


def accepts_upload(schema: dict) -> Callable:
    """The handler takes a file as ``multipart/form-data`` (its fields described by ``schema``), not JSON:
    ``openapi.py`` publishes it so, and ``api/__init__.py`` lets that form type through to this route only."""
    Draft202012Validator.check_schema(schema)

    def declare(view):
        view.api_upload = {"schema": schema}
        return view

    return declare


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FORMATS)


def answers(status: int, schema: dict | None = None, description: str = "", media_type: str = "application/json"):
    """One answer of the handler: its status and the JSON Schema of its body (``None``: no body); one
    status may be declared once per media type."""

    def declare(view):
        answer = view.__dict__.setdefault("api_answers", {}).setdefault(status, {"description": "", "content": {}})
        answer["description"] = answer["description"] or description
        if schema is not None:
            answer["content"][media_type] = schema
        return view

    return declare


def query(**parameters: dict) -> Callable:
    """The handler's query parameters, each with its JSON Schema (all optional: filters and options)."""

    def declare(view):
        view.__dict__.setdefault("api_query", {}).update(parameters)
        return view

    return declare


def refuses(*statuses: int) -> Callable:
    """Refusals the handler may give beyond those every route may (400 and 422 with a body, 404 with an
    id in its path, 401 and 403): 409 when a state may not allow the action, for one."""

    def declare(view):
        view.api_refusals = (*getattr(view, "api_refusals", ()), *statuses)
        return view

    return declare


def declaration(view, name: str, default=None):
    return getattr(view, name, default) if view is not None else default


def checked_body(data: dict, view) -> dict:
    """The fields of ``data`` the view's schema takes; those it refuses are kept for ``accepts`` to
    answer with (the first problem of each field)."""
    accepted = declaration(view, "api_accepts")
    if accepted is None:
        return data
    refused: dict[str, str] = {}
    for problem in sorted(accepted["validator"].iter_errors(data), key=lambda e: list(e.absolute_path)):
        name, words = field_problem(problem)
        refused.setdefault(name, words)
    g.api_refused = refused
    return {name: value for name, value in data.items() if name not in refused}


def field_problem(problem) -> tuple[str, str]:
    """A jsonschema error as (the top-level field, a predicate): a list's or an object's insides are
    reported on the field that holds them, as the services report them."""
    path = [str(step) for step in problem.absolute_path]
    kind, expected, value = problem.validator, problem.validator_value, problem.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(problem.instance, dict) and name not in problem.instance]
        return (missing[0] if missing else "body"), _("is required")
    name = path[0] if path else "body"
    each = len(path) > 1
    if kind == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        words = _(" or ").join(_(TYPE_WORDS[k]) if k in TYPE_WORDS else k for k in kinds)
        return name, _each(_("must be %(kinds)s", kinds=words), each)
    if kind == "enum":
        return name, _("must be one of %(choices)s", choices=", ".join(str(c) for c in expected if c is not None))
    if kind == "maxLength":
        return name, _each(_("must be at most %(n)s characters (it has %(count)s)", n=expected, count=len(value)), each)
    if kind == "minLength":
        return name, _each(_("must not be empty"), each)
    if kind == "maxItems":
        return name, _("may hold at most %(n)s items", n=expected)
    if kind == "minimum":
        return name, _("must be at least %(n)s", n=expected)
    if kind == "exclusiveMinimum":
        return name, _("must be more than %(n)s", n=expected)
    if kind == "maximum":
        return name, _("must be at most %(n)s", n=expected)
    if kind == "exclusiveMaximum":
        return name, _("must be less than %(n)s", n=expected)
    if kind == "format" and expected == "channel":
        return name, channel_registry.why_unknown(value)
    if kind == "pattern":
        return name, _each(_("is not in the expected form"), each)
    return name, _each(_("is not valid here"), each)


def _each(problem: str, each: bool) -> str:
    """A problem with a list's or an object's insides, said of the field that holds them."""
    return _("%(problem)s (each item)", problem=problem) if each else problem
