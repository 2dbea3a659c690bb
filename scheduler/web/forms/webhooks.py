"""An event webhook as a manager subscribes it: the URL, the events, the format, the language, a plan."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.domain import language
from scheduler.domain import webhooks as rules
from scheduler.domain.language import _
from scheduler.web.forms import PageForm, options


class WebhookForm(PageForm):
    url = StringField(
        lazy_gettext("URL"),
        description=lazy_gettext("where each event is posted: the receiver's or the chat's incoming webhook"),
        render_kw={"placeholder": "https://hooks.example.com/refrain", "type": "url"},
    )
    events = SelectMultipleField(
        lazy_gettext("Events"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )
    format = SelectField(lazy_gettext("Format"), validate_choice=False)
    language = SelectField(
        lazy_gettext("Language"), description=lazy_gettext("of the chat formats' text"), validate_choice=False
    )
    plan_id = SelectField(lazy_gettext("Plan"), validate_choice=False)
    active = BooleanField(lazy_gettext("Active"), default=True)

    def offer(self, plans) -> None:
        self.events.choices = options((kind, _(label)) for kind, label in rules.EVENT_LABELS.items())
        self.format.choices = options((fmt, _(label)) for fmt, label in rules.FORMAT_LABELS.items())
        self.language.choices = options(language.LANGUAGES.items())
        self.plan_id.choices = options([("", _("every plan")), *((p.id, p.name) for p in plans)])

    @staticmethod
    def values_of(webhook) -> dict:
        return {
            "url": webhook.url,
            "events": list(webhook.events or []),
            "format": webhook.format,
            "language": webhook.language,
            "plan_id": str(webhook.plan_id or ""),
            "active": webhook.active,
        }

    def service_input(self) -> dict:
        return {
            "url": self.url.data or "",
            "events": list(self.events.data or []),
            "format": self.format.data or "json",
            "language": self.language.data or "en",
            "plan_id": self.plan_id.data or None,
            "active": bool(self.active.data),
        }
