"""The indicators' forms: an indicator with its targets, a month's actuals, a CSV of actuals.

The months are the plan's, so their inputs are made per page (``target-2031-06``, ``actual-2031-06``)
and read here by name; a figure is read as people type it (``1 200``, ``2,5 %``) and one that cannot be
read goes to the service as typed, which says what is wrong with it."""

from flask import request
from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from scheduler.domain.kpis import BadFigure, parse_figure
from scheduler.domain.language import _
from scheduler.web.forms import PageForm, options


def typed_figure(text: str | None):
    try:
        return parse_figure(text or "")
    except BadFigure:
        return text


def month_figures(prefix: str, months: list[str]) -> dict:
    """What was typed for each month: a number, None when left empty, or the text when it is not one."""
    return {month: typed_figure(request.form.get(f"{prefix}{month}")) for month in months}


class KpiForm(PageForm):
    name = StringField(
        lazy_gettext("Indicator"),
        render_kw={"list": "kpi-presets", "placeholder": lazy_gettext("e.g. Sales, or your own")},
    )
    unit = StringField(lazy_gettext("Unit"), render_kw={"placeholder": lazy_gettext("%, €, visits…"), "class": "small"})
    better = SelectField(
        lazy_gettext("Better when"),
        choices=options((("higher", lazy_gettext("higher is better")), ("lower", lazy_gettext("lower is better")))),
        validate_choice=False,
    )

    def service_input(self, months: list[str]) -> dict:
        return {
            "unit": self.unit.data or "",
            "better": self.better.data or "higher",
            "targets": month_figures("target-", months),
        }


class ActualsForm(PageForm):
    """One indicator's actuals; only the months whose figure changed are sent, so a figure computed or
    imported keeps its source until someone types another."""

    def service_input(self, months: list[str], stored: dict) -> dict:
        typed = month_figures("actual-", months)
        return {month: value for month, value in typed.items() if value != stored.get(month)}


class KpiImportForm(PageForm):
    file = FileField(lazy_gettext("CSV file"), render_kw={"accept": ".csv,.tsv,.txt,text/csv"})
    kpi = SelectField(lazy_gettext("Figures of"), validate_choice=False)

    def offer(self, names: list[str]) -> None:
        self.kpi.choices = options([("", _("the columns named after the indicators")), *((n, n) for n in names)])

    def upload(self, most: int) -> bytes:
        return self.file.data.read(most + 1) if self.is_submitted() and self.file.data else b""
