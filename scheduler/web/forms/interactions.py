"""The insight loop's forms: an interaction logged, a kind added or renamed, the list's and the patterns'
filters, and the columns of a help desk's export on the metrics' mapping screen."""

from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from scheduler.domain.interactions_csv import DEFAULTABLE, FIELDS, LABELS
from scheduler.services import interactions
from scheduler.web.forms import PageForm, offered, options

RESOLUTION_CHOICES = [("negative", "negative"), ("positive", "positive")]
FIELD_NOTES = {
    "ticket_id": "a re-import updates the rows it names; without it, rows are recognised by their content",
    "occurred_at": "required",
    "comment": "what the customer said",
}


def kind_options(blank: str | None = None):
    return options([*([("", blank)] if blank else []), *((k.name, k.name) for k in interactions.list_kinds())])


def interaction_channel_options(blank: str | None = None):
    return options([*([("", blank)] if blank else []), *interactions.channel_choices()])


class InteractionForm(PageForm):
    channel = SelectField("Channel", validate_choice=False)
    kind = SelectField("Kind", validate_choice=False)
    resolution = RadioField("Resolution", choices=options(RESOLUTION_CHOICES), validate_choice=False)
    comment = TextAreaField("Comment", render_kw={"rows": 3, "placeholder": "what they said, in their words"})
    link = StringField("Link", render_kw={"placeholder": "https://… (optional)"})
    customer = StringField("Customer", render_kw={"placeholder": "an e-mail or a ticket (optional)"})

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
    name = StringField("Name", render_kw={"placeholder": "e.g. delivery delay", "required": True})

    def service_input(self) -> dict:
        return {"name": self.name.data or ""}


class InteractionFilterForm(PageForm):
    """The list, filtered: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    channel = SelectField("Channel", validate_choice=False)
    kind = SelectField("Kind", validate_choice=False)
    resolution = SelectField("Resolution", choices=options([("", "both"), *RESOLUTION_CHOICES]), validate_choice=False)
    since = StringField("Since", render_kw={"type": "date"})
    until = StringField("Until", render_kw={"type": "date"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = interaction_channel_options(blank="every channel")
        self.kind.choices = kind_options(blank="every kind")

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

    since = StringField("From", render_kw={"type": "date"})
    until = StringField("To", render_kw={"type": "date"})


class InteractionMappingForm(PageForm):
    """Which column of the help desk's export is which field; the file waits on the server under ``token``."""

    token = HiddenField("Uploaded file")
    filename = HiddenField("File name")
    name = StringField("Remember this mapping as", render_kw={"placeholder": "e.g. Zendesk tickets"})
    time_zone = StringField("Times without an offset are on the clock of", default="UTC")

    def field_for(self, name: str):
        """The service's ``channel`` (a field's problem) is the form's ``column_channel``."""
        if name.startswith("defaults."):
            return super().field_for(f"default_{name.split('.', 1)[1]}")
        if name.startswith("columns."):
            name = name.split(".", 1)[1]
        return super().field_for(f"column_{name}" if name in FIELDS else name)

    def offer(self, header: list[str]) -> None:
        for name in FIELDS:
            self[f"column_{name}"].choices = options([("", "— not in this file —"), *((h, h) for h in header)])
        self.default_channel.choices = interaction_channel_options(blank="—")
        self.default_kind.choices = kind_options(blank="—")
        self.default_resolution.choices = options([("", "—"), *RESOLUTION_CHOICES])

    def rows(self) -> list[tuple]:
        """(label, the column's select, the one-value select or None, a note) per field, in order."""
        return [
            (
                LABELS[name].capitalize(),
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
        SelectField(LABELS[_name].capitalize(), validate_choice=False),
    )
for _name in DEFAULTABLE:
    setattr(
        InteractionMappingForm,
        f"default_{_name}",
        SelectField(f"{LABELS[_name].capitalize()} for the whole file", validate_choice=False),
    )
