"""The pages' forms: what people type, read into the services' input, and the services' refusals said
beside each field in the words of its label.

Every rule stays in the services. A form only converts (a ceiling typed as "50%", a time typed on the
plan's clock, one keyword per line) and shows what a service refused, so its fields carry no
validators of their own and a page can never allow what the JSON API refuses, or the reverse. A
service names fields as the API does (``one_note_max_share``); people read labels ("One-note
ceiling"), so ``PageForm.refused`` puts each of the service's predicates ("must be at least …") after
the label of the field it is about, and ``summary`` says in words which fields to correct.
"""

from collections.abc import Callable
from typing import ClassVar, TypeVar

from babel.lists import format_list
from flask import request
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import channels.registry as channel_registry
from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.services.errors import Invalid, ServiceError
from scheduler.services.errors import summary as generic_message

T = TypeVar("T")

# how a service's field message begins when it reads after the field's label ("Posts must be at least 1")
PREDICATES = ("is ", "are ", "must ", "may ", "cannot ", "can ", "has ", "holds ", "needs ", "each ")


# how a label and a problem that does not read after it are joined, by language ("Name: …", "Nom : …")
LABEL_AND_PROBLEM = {"en": "{label}: {problem}", "fr": "{label} : {problem}", "zh": "{label}：{problem}"}
# how problems are put one after another in a line, and how the line ends
SEPARATOR = {"zh": "；"}
FULL_STOP = {"zh": "。"}


def said(label: str, problem: str) -> str:
    """A field's problem, in words: its label, then what the service said about it. In English a
    predicate ("must be at least 1") reads after the label; other languages put the label first,
    then the problem ("Nom : doit …", "名称：…")."""
    label, code = str(label), language.code()
    if code == language.DEFAULT and problem.startswith(PREDICATES):
        return f"{label} {problem}"
    return LABEL_AND_PROBLEM.get(code, LABEL_AND_PROBLEM["en"]).format(label=label, problem=problem)


def in_a_list(words: list[str]) -> str:
    """'Name', 'Name and Time zone', 'Name, Ends on and Time zone' (as the reader's language lists)."""
    words = [str(word) for word in words]
    if language.code() == language.DEFAULT:  # Babel's English adds a serial comma our sentences do not
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return format_list(words, locale=language.code())


def _joined(parts: list[str]) -> str:
    return SEPARATOR.get(language.code(), "; ").join(str(part) for part in parts)


def _ended(text: str) -> str:
    stop = FULL_STOP.get(language.code(), ".")
    return text if text.endswith((".", "。", "!", "?", "！", "？")) else text + stop


def options(pairs) -> list[SelectChoice]:
    """A select's options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def channel_options(blank: str | None = None) -> list[SelectChoice]:
    """Every channel by its label; first ``blank`` (the empty value) where the choice may be left open."""
    return options([*([("", blank)] if blank else []), *((c.name, c.label) for c in channel_registry.all_channels())])


def offered(field) -> str | None:
    """A select's value if the select offers it: a filter typed into the address may not be."""
    return field.data if field.data in {choice.value for choice in field.choices} else None


class PageForm(FlaskForm):
    """A form whose every rule is a service's: ``refused`` shows what the service said, field by field."""

    # the service's name of a field → the form's, where they differ (the service's ``scheduled_at`` is
    # typed in ``scheduled_local``); a service's dotted name (``extra.media``) finds the form's ``media``
    service_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def shown(cls, values: dict | None = None, **kwargs):
        """The form as its page shows it: once posted, what was typed (nothing is lost to a refusal);
        before, ``values`` (the thing being edited, or what a new one starts from)."""
        if request.method == "POST":
            return cls(**kwargs)
        return cls(formdata=None, data=values or {}, **kwargs)

    def submit(self, action: Callable[[], T], refusals: tuple[type[ServiceError], ...] = (Invalid,)) -> T | None:
        """Once the form is posted, ``action`` (a use case given this form's input) and its answer;
        None while nothing is posted, or when the service refused: its messages are then beside the
        fields, and the page shows the form again as it was typed."""
        if not self.validate_on_submit():
            return None
        try:
            return action()
        except refusals as error:
            self.refused(error)
            return None

    def field_for(self, name: str):
        """The field a service's name is about: renamed by ``service_names``; a dotted name
        (``extra.media``) by its last part."""
        for candidate in (name, name.rsplit(".", 1)[-1]):
            candidate = self.service_names.get(candidate, candidate)
            if candidate in self:
                return self[candidate]
        return None

    def refused(self, error: ServiceError) -> None:
        """Each of the service's field messages beside its field, after the field's label; one about a
        field this form does not show goes over the form, still in words."""
        for name, problem in error.fields.items():
            problem = self.reworded(name, problem)
            field = self.field_for(name)
            if field is None:
                self.form_errors.append(said(name.rsplit(".", 1)[-1].replace("_", " ").capitalize(), problem))
            elif field.type == "HiddenField":  # nowhere to show it beside: over the form
                self.form_errors.append(said(field.label.text, problem))
            else:
                field.errors = [*field.errors, said(field.label.text, problem)]
        if not error.fields:
            self.form_errors.append(error.message)

    def reworded(self, name: str, problem: str) -> str:
        """Where the service's words are about its input (ISO 8601) and the form's field differs."""
        return problem

    def in_page_order(self) -> list:
        """The fields in the order the page shows them (the order they are declared, unless a form
        adds fields of its own, as the editor does for each channel)."""
        return list(self)

    def problems(self) -> list[str]:
        """Every problem in words, the fields' first."""
        return [*(problem for field in self.in_page_order() for problem in field.errors), *self.form_errors]

    def in_words(self, error: ServiceError) -> str:
        """A refusal as one line for a banner after a redirect: the service's own headline when it
        wrote one, then each field's problem by the field's label. A conflict's fields are facts
        (the post's status), not problems: its message says it all."""
        if not isinstance(error, Invalid) or not error.fields:
            return error.message
        self.refused(error)
        headline = "" if error.message == generic_message(error.fields) else error.message
        found = _ended(_joined(self.problems()))
        return f"{_ended(headline)} {found}" if headline else found

    def summary(self, outcome: str | None = None) -> str:
        """The banner over a refused form: what happened, and which fields to correct, by their labels.
        ``outcome`` is translated here (a page may pass it translated already, or as written)."""
        outcome = _(str(outcome)) if outcome else _("Nothing was saved")
        labels = [field.label.text for field in self.in_page_order() if field.errors]
        parts = [_("please correct %(fields)s below", fields=in_a_list(labels))] if labels else []
        parts += self.form_errors
        return _("%(outcome)s: %(problems)s.", outcome=outcome, problems=_joined(parts)) if parts else ""
