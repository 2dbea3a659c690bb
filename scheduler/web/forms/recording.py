"""The form that records a post published elsewhere: the link as evidence, and when it went out, typed
on the plan's clock like the editor's time."""

from flask_babel import lazy_gettext
from wtforms import StringField

from scheduler.web.formatting import FORM_TIME, local_time
from scheduler.web.forms import PageForm
from scheduler.web.forms.posts import TimeOnPlanClock, time_from_form


class RecordForm(TimeOnPlanClock, PageForm):
    service_names = {"published_at": "published_local"}

    url = StringField(
        lazy_gettext("Link where it appeared"),
        description=lazy_gettext("the evidence: the post's address on the network, http:// or https://"),
        render_kw={"placeholder": "https://", "type": "url", "inputmode": "url"},
    )
    published_local = StringField(
        lazy_gettext("When it went out"),
        description=lazy_gettext("on the plan's clock; may be past"),
        render_kw={"type": "datetime-local"},
    )
    time_notice: str | None = None

    @classmethod
    def for_post(cls, post, now):
        return cls.shown({"published_local": local_time(now, post.plan, FORM_TIME)})

    def service_input(self, plan) -> dict:
        published_at, self.time_notice = time_from_form(self.published_local.data, plan)
        return {"url": self.url.data or "", "published_at": published_at}

    def reworded(self, name: str, problem: str) -> str:
        return super().reworded("scheduled_at" if name == "published_at" else name, problem)
