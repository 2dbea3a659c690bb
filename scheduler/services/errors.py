"""What a use case says when it cannot do what was asked: an error with a kind, in the domain's words.

The kinds are the services' vocabulary; the shells decide what each becomes (the API: a status code
and the contract's JSON shape; the pages: a message beside a field, or a banner; the CLI: a line on
stderr and a non-zero exit). A field's message is a predicate ("is required", "must be at most 300
characters") so a page can put the field's label before it and the API its name.
"""

from typing import ClassVar

from scheduler.domain import language
from scheduler.domain.language import _


class ServiceError(Exception):
    kind: ClassVar[str] = "error"

    def __init__(self, message: str, fields: dict | None = None):
        self.message = message
        self.fields = dict(fields or {})
        super().__init__(message)

    def to_dict(self) -> dict:
        """The JSON API's error shape."""
        return {"error": {"message": self.message, "fields": self.fields}}


class NotFound(ServiceError):
    """What the action names does not exist (or no longer)."""

    kind = "not_found"

    def __init__(self, what: str, message: str | None = None, fields: dict | None = None):
        self.what = what
        super().__init__(message or _("%(what)s not found", what=_(what) if what else what), fields)


class Invalid(ServiceError):
    """The input cannot be used as it is; ``fields`` says what is wrong with each field, and
    ``suggested`` what a field could hold instead, where the service knows (a time already past:
    the next free slot), for a script to use as it is."""

    kind = "invalid"

    def __init__(self, fields: dict | None = None, message: str | None = None, suggested: dict | None = None):
        fields = dict(fields or {})
        self.suggested = dict(suggested or {})
        super().__init__(message or summary(fields), fields)

    def to_dict(self) -> dict:
        shape = super().to_dict()
        if self.suggested:
            shape["error"]["suggested"] = self.suggested
        return shape


class Malformed(Invalid):
    """The request itself cannot be read (not an object, a filter that is not one): nothing to check yet."""

    kind = "malformed"


class Conflict(ServiceError):
    """The input is fine, but the thing is not in a state that allows the action (a published post
    cannot be edited, a feed is already there)."""

    kind = "conflict"


def summary(fields: dict) -> str:
    """The generic message of a refusal, by the fields' names (as the API names them)."""
    if not fields:
        return _("invalid input")
    separator = "；" if language.code() == "zh" else "; "
    listed = separator.join(
        _("%(field)s: %(problem)s", field=name, problem=problem) for name, problem in fields.items()
    )
    return _("invalid input: %(problems)s", problems=listed)
