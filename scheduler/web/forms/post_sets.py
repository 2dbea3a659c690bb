"""The composer's forms: one idea (text, title, link, pictures) and the channels it goes to; on a set's
page, a change of the idea, or a shift of every post's time."""

from flask_babel import lazy_gettext
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from channels.base import Media
from scheduler.web.forms import PageForm, channel_options, options
from scheduler.web.forms.posts import TimeOnPlanClock, extra_field, extra_input, extra_value, time_from_form

SHIFT_UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
UNIT_LABELS = {"minutes": lazy_gettext("minutes"), "hours": lazy_gettext("hours"), "days": lazy_gettext("days")}


class IdeaFields(PageForm):
    """The idea, as the composer and a set's page take it (the service names it ``idea.<field>``)."""

    title = StringField(
        lazy_gettext("Title"),
        description=lazy_gettext("optional; the subject of a newsletter, the title of an article"),
    )
    body = TextAreaField(lazy_gettext("The idea"), render_kw={"rows": 7})
    link = StringField(lazy_gettext("Link"), render_kw={"placeholder": "https://"})
    media = extra_field("media", Media)

    def idea(self) -> dict:
        return {
            "title": self.title.data or "",
            "body": self.body.data or "",
            "link": self.link.data or "",
            "media": extra_input(Media, "media", self.media.data) or [],
        }


class ComposeForm(TimeOnPlanClock, IdeaFields):
    service_names = {"scheduled_at": "scheduled_local"}

    channels = SelectMultipleField(
        lazy_gettext("Channels"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )
    scheduled_local = StringField(
        lazy_gettext("When"),
        description=lazy_gettext("leave empty: each channel's next free slot"),
        render_kw={"type": "datetime-local"},
    )

    def offer(self, committed: list[str]) -> None:
        self.channels.choices = channel_options()
        if self.channels.data is None:
            self.channels.data = committed

    def service_input(self, plan) -> dict:
        scheduled_at, self.time_notice = time_from_form(self.scheduled_local.data, plan)
        return {
            "plan_id": plan.id,
            "idea": self.idea(),
            "channels": list(self.channels.data or []),
            "scheduled_at": scheduled_at,
        }


class IdeaForm(IdeaFields):
    what = HiddenField(default="idea")

    @classmethod
    def of(cls, post_set):
        idea = post_set.idea or {}
        return cls.shown(
            {
                "title": idea.get("title", ""),
                "body": idea.get("body", ""),
                "link": idea.get("link", ""),
                "media": extra_value(Media, "media", idea.get("media")),
                "what": "idea",
            }
        )

    def service_input(self) -> dict:
        return {"idea": self.idea()}


class ShiftForm(PageForm):
    service_names = {"shift_minutes": "amount"}

    what = HiddenField(default="shift")
    amount = IntegerField(lazy_gettext("Move every post not yet out by"), description=lazy_gettext("negative: earlier"))
    unit = SelectField(
        lazy_gettext("Unit"), choices=options([(name, UNIT_LABELS[name]) for name in SHIFT_UNITS]), default="hours"
    )

    def service_input(self) -> dict:
        return {"shift_minutes": (self.amount.data or 0) * SHIFT_UNITS.get(self.unit.data, 60)}
