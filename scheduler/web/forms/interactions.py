"""The insight loop's forms: an interaction logged, a kind added or renamed, the list's and the patterns'
filters, and the columns of a help desk's export on the metrics' mapping screen."""

from flask_babel import lazy_gettext
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from scheduler.domain.interactions_csv import DEFAULTABLE, FIELDS
from scheduler.domain.language import _
from scheduler.services import interactions
from scheduler.web.forms import PageForm, offered, options

RESOLUTION_CHOICES = [("negative", lazy_gettext("negative")), ("positive", lazy_gettext("positive"))]
FIELD_NOTES = {
    "ticket_id": lazy_gettext(
        "a re-import updates the rows it names; without it, rows are recognised by their content"
    ),
    "occurred_at": lazy_gettext("required"),
    "comment": lazy_gettext("what the customer said"),
}
# the export's fields as the mapping screen names them (``interactions_csv.LABELS``, capitalised)
FIELD_LABELS = {
    "ticket_id": lazy_gettext("Ticket id"),
    "occurred_at": lazy_gettext("Time"),
    "channel": lazy_gettext("Channel"),
    "kind": lazy_gettext("Kind"),
    "resolution": lazy_gettext("Resolution"),
    "comment": lazy_gettext("Comment"),
    "link": lazy_gettext("Link"),
    "customer": lazy_gettext("Customer"),
}
WHOLE_FILE_LABELS = {
    "channel": lazy_gettext("Channel for the whole file"),
    "kind": lazy_gettext("Kind for the whole file"),
    "resolution": lazy_gettext("Resolution for the whole file"),
}


def kind_options(blank: str | None = None):
    return options([*([("", blank)] if blank else []), *((k.name, k.name) for k in interactions.list_kinds())])


def interaction_channel_options(blank: str | None = None):
    return options([*([("", blank)] if blank else []), *interactions.channel_choices()])


class InteractionForm(PageForm):
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    kind = SelectField(lazy_gettext("Kind"), validate_choice=False)
    resolution = RadioField(lazy_gettext("Resolution"), choices=options(RESOLUTION_CHOICES), validate_choice=False)
    comment = TextAreaField(
        lazy_gettext("Comment"), render_kw={"rows": 3, "placeholder": lazy_gettext("what they said, in their words")}
    )
    link = StringField(lazy_gettext("Link"), render_kw={"placeholder": lazy_gettext("https://… (optional)")})
    customer = StringField(
        lazy_gettext("Customer"), render_kw={"placeholder": lazy_gettext("an e-mail or a ticket (optional)")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = interaction_channel_options()
        self.kind.choices = kind_options()

    def service_input(self) -> dict:
        return {
            "channel": self.channel.data or "",
            "kind": self.kind.data or "",
            "resolution": self.resolution.data or None,
            "comment": self.comment.data or "",
            "link": self.link.data or "",
            "customer": self.customer.data or "",
        }


class KindForm(PageForm):
    name = StringField(
        lazy_gettext("Name"), render_kw={"placeholder": lazy_gettext("e.g. delivery delay"), "required": True}
    )

    def service_input(self) -> dict:
        return {"name": self.name.data or ""}


class InteractionFilterForm(PageForm):
    """The list, filtered: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    kind = SelectField(lazy_gettext("Kind"), validate_choice=False)
    resolution = SelectField(
        lazy_gettext("Resolution"),
        choices=options([("", lazy_gettext("both")), *RESOLUTION_CHOICES]),
        validate_choice=False,
    )
    since = StringField(lazy_gettext("Since"), render_kw={"type": "date"})
    until = StringField(lazy_gettext("Until"), render_kw={"type": "date"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = interaction_channel_options(blank=_("every channel"))
        self.kind.choices = kind_options(blank=_("every kind"))

    def service_input(self) -> dict:
        return {
            "channel": offered(self.channel) or None,
            "kind": offered(self.kind) or None,
            "resolution": offered(self.resolution) or None,
            "since": self.since.data or None,
            "until": self.until.data or None,
        }


class WindowForm(PageForm):
    """The patterns' window: a GET form."""

    class Meta:
        csrf = False

    since = StringField(lazy_gettext("From"), render_kw={"type": "date"})
    until = StringField(lazy_gettext("To"), render_kw={"type": "date"})


class InteractionMappingForm(PageForm):
    """Which column of the help desk's export is which field; the file waits on the server under ``token``."""

    token = HiddenField(lazy_gettext("Uploaded file"))
    filename = HiddenField(lazy_gettext("File name"))
    name = StringField(
        lazy_gettext("Remember this mapping as"), render_kw={"placeholder": lazy_gettext("e.g. Zendesk tickets")}
    )
    time_zone = StringField(lazy_gettext("Times without an offset are on the clock of"), default="UTC")

    def field_for(self, name: str):
        """The service's ``channel`` (a field's problem) is the form's ``column_channel``."""
        if name.startswith("defaults."):
            return super().field_for(f"default_{name.split('.', 1)[1]}")
        if name.startswith("columns."):
            name = name.split(".", 1)[1]
        return super().field_for(f"column_{name}" if name in FIELDS else name)

    def offer(self, header: list[str]) -> None:
        for name in FIELDS:
            self[f"column_{name}"].choices = options([("", _("— not in this file —")), *((h, h) for h in header)])
        self.default_channel.choices = interaction_channel_options(blank="—")
        self.default_kind.choices = kind_options(blank="—")
        self.default_resolution.choices = options([("", "—"), *RESOLUTION_CHOICES])

    def rows(self) -> list[tuple]:
        """(label, the column's select, the one-value select or None, a note) per field, in order."""
        return [
            (
                str(FIELD_LABELS[name]),
                self[f"column_{name}"],
                self[f"default_{name}"] if name in DEFAULTABLE else None,
                FIELD_NOTES.get(name, ""),
            )
            for name in FIELDS
        ]

    def service_input(self) -> dict:
        """``interaction_import.import_interactions``'s keywords."""
        mapping = {
            "columns": {n: self[f"column_{n}"].data for n in FIELDS if self[f"column_{n}"].data},
            "defaults": {n: self[f"default_{n}"].data for n in DEFAULTABLE if self[f"default_{n}"].data},
            "time_zone": (self.time_zone.data or "UTC").strip(),
        }
        return {"mapping_raw": mapping, "name": self.name.data or "", "filename": self.filename.data or ""}

    @staticmethod
    def values_of(token: str, filename: str, proposal: dict) -> dict:
        mapping = proposal["mapping"]
        values = {"token": token, "filename": filename, "name": proposal.get("name"), "time_zone": mapping.time_zone}
        values |= {f"column_{n}": column for n, column in mapping.columns.items()}
        values |= {f"default_{n}": value for n, value in mapping.defaults.items()}
        return values


for _name in FIELDS:
    setattr(
        InteractionMappingForm,
        f"column_{_name}",
        SelectField(FIELD_LABELS[_name], validate_choice=False),
    )
for _name in DEFAULTABLE:
    setattr(
        InteractionMappingForm,
        f"default_{_name}",
        SelectField(WHOLE_FILE_LABELS[_name], validate_choice=False),
    )
