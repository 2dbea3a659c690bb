"""The library's forms: a feed, "Use on…", evergreen, a metrics file and its columns, a re-run."""

from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.domain.metrics_csv.mapping import KEY_KIND_WORDS, KEY_KINDS, METRICS
from scheduler.web.forms import PageForm, channel_options, options
from scheduler.web.forms.posts import TimeOnPlanClock, time_from_form


class FeedForm(PageForm):
    url = StringField(
        lazy_gettext("Feed address"), render_kw={"placeholder": "https://example.com/feed.xml", "required": True}
    )
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    refresh_minutes = StringField(
        lazy_gettext("Refresh every"),
        description=lazy_gettext("minutes"),
        render_kw={"type": "number", "min": 5, "class": "small"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = channel_options()

    def service_input(self) -> dict:
        return {
            "url": self.url.data or "",
            "channel": self.channel.data or "",
            "refresh_minutes": self.refresh_minutes.data or None,
        }


class AdaptForm(TimeOnPlanClock, PageForm):
    """ "Use on…": an item as a draft on a channel of a plan, at a time on that plan's clock."""

    service_names = {"scheduled_at": "scheduled_local"}
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    plan_id = SelectField(lazy_gettext("Plan"), validate_choice=False)
    scheduled_local = StringField(
        lazy_gettext("When"),
        description=lazy_gettext("in the plan's time zone; empty: the channel's next free slot"),
        render_kw={"type": "datetime-local"},
    )
    time_notice: str | None = None

    def offer(self, targets, plans) -> None:
        """The channels (with why one cannot take the item) and the plans to choose from."""
        self.channel.choices = [
            SelectChoice(
                name,
                _("%(channel)s (not possible: %(why)s)", channel=channel_registry.get(name).label, why=why[:80])
                if why
                else channel_registry.get(name).label,
                {"disabled": True, "title": why} if why else {},
            )
            for name, why in targets
        ]
        self.plan_id.choices = options((p.id, f"{p.name} ({p.starts_on} – {p.ends_on})") for p in plans)

    def service_input(self, plan) -> dict:
        data = {"channel": self.channel.data or "", "plan_id": self.plan_id.data or None}
        if plan is not None:
            data["scheduled_at"], self.time_notice = time_from_form(self.scheduled_local.data, plan)
        return data


class EvergreenForm(PageForm):
    evergreen = BooleanField(lazy_gettext("Evergreen: propose it for re-runs"))
    cooldown_days = StringField(
        lazy_gettext("Cool-down between runs"),
        description=lazy_gettext("days"),
        render_kw={"type": "number", "min": 1, "class": "small"},
    )

    def service_input(self, item) -> dict:
        return {"evergreen": self.evergreen.data, "cooldown_days": self.cooldown_days.data or item.cooldown_days}


class RerunForm(PageForm):
    """An evergreen proposal accepted as it was proposed: its channel and time ride in the form."""

    channel = HiddenField(lazy_gettext("Channel"))
    at = HiddenField(lazy_gettext("When"))

    def service_input(self, item, plan_id: int) -> dict:
        return {"channel": self.channel.data or item.channel, "plan_id": plan_id, "scheduled_at": self.at.data or None}


class MetricsUploadForm(PageForm):
    file = FileField(lazy_gettext("CSV file"), render_kw={"accept": ".csv,.tsv,.txt,text/csv"})

    def upload(self, most: int) -> bytes:
        """The file's bytes, at most ``most`` (and one more, so the service can say it is too large)."""
        return self.file.data.read(most + 1) if self.is_submitted() and self.file.data else b""


class MappingForm(PageForm):
    """Which column of the uploaded file is which: the file waits on the server under ``token``."""

    token = HiddenField(lazy_gettext("Uploaded file"))
    filename = HiddenField(lazy_gettext("File name"))
    name = StringField(
        lazy_gettext("Remember this mapping as"), render_kw={"placeholder": lazy_gettext("e.g. X post analytics")}
    )
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    key_column = SelectField(lazy_gettext("Column that names the item"), validate_choice=False)
    key_kind = SelectField(lazy_gettext("…by its"), validate_choice=False)

    def field_for(self, name: str):
        """The service's ``metric_columns.clicks`` is the form's ``metric_clicks``."""
        return super().field_for(f"metric_{name.split('.', 1)[1]}" if name.startswith("metric_columns.") else name)

    def offer(self, header: list[str]) -> None:
        self.channel.choices = channel_options()
        self.key_column.choices = options((h, h) for h in header)
        self.key_kind.choices = options((k, _(KEY_KIND_WORDS[k])) for k in KEY_KINDS)
        for name in METRICS:
            self[f"metric_{name}"].choices = options([("", _("— not in this file —")), *((h, h) for h in header)])

    def metric_fields(self) -> list:
        return [self[f"metric_{name}"] for name in METRICS]

    def rows(self) -> list[tuple]:
        """The mapping screen's rows (``_mapping.html``): label, the column's select, no extra, no note."""
        return [(f.label.text, f, None, "") for f in self.metric_fields()]

    def service_input(self) -> dict:
        """``metrics.import_metrics``'s keywords: the channel, the mapping, its name, the file's name."""
        mapping = {
            "key_column": self.key_column.data or "",
            "key_kind": self.key_kind.data or "",
            "date_column": None,
            "metric_columns": {m: self[f"metric_{m}"].data for m in METRICS if self[f"metric_{m}"].data},
        }
        return {
            "channel": self.channel.data or "",
            "mapping_raw": mapping,
            "name": self.name.data or "",
            "filename": self.filename.data or "",
        }

    @staticmethod
    def values_of(token: str, filename: str, proposal: dict) -> dict:
        mapping = proposal.get("mapping")
        values = {
            "token": token,
            "filename": filename,
            "name": proposal.get("name"),
            "channel": proposal.get("channel"),
        }
        if mapping is not None:
            values |= {"key_column": mapping.key_column, "key_kind": mapping.key_kind}
            values |= {f"metric_{m}": column for m, column in mapping.metric_columns.items()}
        return values


# each metric's field, labelled as people read it
METRIC_LABELS = {
    "impressions": lazy_gettext("Impressions"),
    "clicks": lazy_gettext("Clicks"),
    "likes": lazy_gettext("Likes"),
    "replies": lazy_gettext("Replies"),
    "shares": lazy_gettext("Shares"),
    "views": lazy_gettext("Views"),
    "opens": lazy_gettext("Opens"),
    "conversions": lazy_gettext("Conversions"),
}
for _metric in METRICS:
    setattr(
        MappingForm,
        f"metric_{_metric}",
        SelectField(METRIC_LABELS.get(_metric, _metric.replace("_", " ").capitalize()), validate_choice=False),
    )


class LibraryFilterForm(PageForm):
    """What worked, filtered: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    since = StringField(lazy_gettext("Published since"), render_kw={"type": "date"})
    plan_id = SelectField(lazy_gettext("Theme of plan"), validate_choice=False)
    theme = SelectField(
        lazy_gettext("On / off theme"),
        choices=options(
            [("", lazy_gettext("both")), ("on", lazy_gettext("on theme")), ("off", lazy_gettext("off theme"))]
        ),
        validate_choice=False,
    )
    top = StringField(
        lazy_gettext("How many"), default="25", render_kw={"type": "number", "min": 1, "max": 1000, "class": "small"}
    )

    def offer(self, plans) -> None:
        self.channel.choices = channel_options(blank=_("every channel"))
        self.plan_id.choices = options([("", "—"), *((p.id, p.name) for p in plans)])

    def service_input(self) -> dict:
        return {"top": "25"} | {field.name: field.data for field in self if field.data}
