"""The posts list's forms: its filters and order (a GET form), the bulk action over the posts chosen on it,
and the CSV import.

Days are typed on the plan's clock, as the editor's times are: a date range is [from 00:00, the day after
``to`` 00:00). What the filters and the bulk action mean is the services' (``post_pages``, ``bulk_posts``);
the forms only turn what was typed into their input.
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext
from wtforms import FileField, HiddenField, RadioField, SelectField, StringField

from scheduler.domain import moves
from scheduler.domain.language import _
from scheduler.domain.periods import day_start_utc
from scheduler.domain.statuses import label
from scheduler.web.forms import PageForm, channel_options, options, said

SORTS = (("time", lazy_gettext("When")), ("channel", lazy_gettext("Channel")), ("status", lazy_gettext("Status")))
UNITS = (
    ("days", lazy_gettext("days")),
    ("hours", lazy_gettext("hours")),
    ("minutes", lazy_gettext("minutes")),
    ("weeks", lazy_gettext("weeks")),
)
BULK_ACTIONS = (
    ("shift", lazy_gettext("Reschedule: shift by…")),
    ("date", lazy_gettext("Reschedule: to the date…, each at its time")),
    ("move", lazy_gettext("Move to the plan…")),
    ("cancel", lazy_gettext("Cancel")),
)


class PostListForm(PageForm):
    """Filters and order: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    plan = SelectField(lazy_gettext("Plan"), validate_choice=False)
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    status = SelectField(lazy_gettext("Status"), validate_choice=False)
    author = SelectField(lazy_gettext("Author"), validate_choice=False)
    q = StringField(
        lazy_gettext("Words"), render_kw={"type": "search", "placeholder": lazy_gettext("in the title or the text")}
    )
    since = StringField(lazy_gettext("From"), name="from", render_kw={"type": "date"})
    until = StringField(lazy_gettext("To"), name="to", render_kw={"type": "date"})
    sort = SelectField(lazy_gettext("Sort by"), choices=options(SORTS), validate_choice=False)
    dir = SelectField(
        lazy_gettext("Order"),
        choices=options((("desc", lazy_gettext("newest first")), ("asc", lazy_gettext("oldest first")))),
    )
    size = SelectField(lazy_gettext("Per page"), validate_choice=False)

    FILTERS = ("channel", "status", "author", "q", "from", "to")

    def offer(self, plans, statuses, people, sizes) -> None:
        self.plan.choices = options((p.id, p.name) for p in plans)
        self.channel.choices = channel_options(blank=_("all channels"))
        self.status.choices = options([("", _("any status")), *((s, label(s)) for s in statuses)])
        self.author.choices = options([("", _("anyone")), *((p.id, p.display_name) for p in people)])
        self.size.choices = options((n, str(n)) for n in sizes)

    def chosen(self) -> dict:
        """The filters as the address gives them, for the page's links (the plan is in the path)."""
        return {f.name: f.data for f in self if f.name in self.FILTERS and f.data}

    def order(self) -> dict:
        """The order as the address gives it (the default page size left out)."""
        chosen = {"sort": self.sort.data or "time", "dir": self.dir.data or "desc", "size": self.size.data}
        return {name: value for name, value in chosen.items() if value}

    def service_input(self, plan) -> dict:
        filters = {"plan_id": plan.id, "channel": self.channel.data, "status": self.status.data, "q": self.q.data}
        filters["author_id"] = self.author.data if (self.author.data or "").isdigit() else None
        try:
            if self.since.data:
                filters["from"] = day_start_utc(date.fromisoformat(self.since.data), plan.timezone).isoformat()
            if self.until.data:
                day_after = date.fromisoformat(self.until.data) + timedelta(days=1)
                filters["to"] = day_start_utc(day_after, plan.timezone).isoformat()
        except ValueError:
            self.form_errors.append(_("Dates must be YYYY-MM-DD; showing every date"))
            filters.pop("from", None)
            filters.pop("to", None)
        return {name: value for name, value in filters.items() if value not in (None, "")}


class BulkForm(PageForm):
    """What to do with the posts chosen on the list: the boxes ticked (``ids``), or every post the list's
    filters match (``scope``); first reviewed (a dry run), then confirmed."""

    scope = RadioField(
        lazy_gettext("Apply to"),
        choices=options(
            (
                ("selected", lazy_gettext("the posts ticked below")),
                ("matching", lazy_gettext("every post matching the filters")),
            )
        ),
        default="selected",
        validate_choice=False,
    )
    action = SelectField(lazy_gettext("Action"), choices=options(BULK_ACTIONS), validate_choice=False)
    amount = StringField(
        lazy_gettext("Shift by"), default="1", render_kw={"class": "small", "type": "number", "step": 1}
    )
    unit = SelectField(lazy_gettext("Unit"), choices=options(UNITS), validate_choice=False)
    day = StringField(lazy_gettext("To the date"), render_kw={"type": "date"})
    to_plan = SelectField(lazy_gettext("To the plan"), validate_choice=False)
    step = HiddenField(lazy_gettext("Step"), default="review")
    filters = HiddenField(lazy_gettext("Filters"))  # the list's address arguments, for "every post matching"

    service_names = {"shift": "amount", "date": "day", "to_plan_id": "to_plan", "ids": "scope", "filter": "scope"}

    def offer(self, plans) -> None:
        self.to_plan.choices = options((p.id, p.name) for p in plans)

    def service_input(self, ids: list[str], filters: dict) -> dict:
        action = self.action.data
        data = {"action": {"shift": "reschedule", "date": "reschedule"}.get(action, action)}
        if self.scope.data == "matching":
            data["filter"] = filters
        else:
            data["ids"] = [int(i) for i in ids if i.isdigit()]
        if action == "shift":
            try:
                shift = moves.shift_from(self._amount(), self.unit.data)
                data["shift"] = (
                    f"{'-' if shift.days < 0 or shift.minutes < 0 else ''}P{abs(shift.days)}DT{abs(shift.minutes)}M"
                )
            except ValueError as error:
                self.amount.errors = [*self.amount.errors, said(str(self.amount.label.text), str(error))]
        elif action == "date":
            data["date"] = self.day.data or None
            if not self.day.data:
                self.day.errors = [
                    *self.day.errors,
                    said(str(self.day.label.text), _("is required (a date such as 2031-07-01)")),
                ]
        elif action == "move":
            data["to_plan_id"] = int(self.to_plan.data) if (self.to_plan.data or "").isdigit() else None
        return data

    def _amount(self) -> int:
        try:
            return int((self.amount.data or "").strip())
        except ValueError:
            raise ValueError(_("must be a whole number, such as 2 or -1")) from None

    def described(self) -> str:
        """The action as the review and the result say it."""
        action = self.action.data
        if action == "shift":
            return _("Reschedule by %(shift)s", shift=moves.shift_from(self._amount(), self.unit.data).in_words())
        if action == "date":
            return _("Reschedule to %(day)s, each post at its own time of day", day=self.day.data)
        if action == "move":
            chosen = dict((c.value, c.label) for c in self.to_plan.choices)
            return _("Move to the plan “%(plan)s”", plan=chosen.get(self.to_plan.data, self.to_plan.data))
        return _("Cancel: they will not be delivered")


class ImportForm(PageForm):
    file = FileField(lazy_gettext("CSV file"), render_kw={"accept": ".csv,.tsv,.txt,text/csv"})
    then = RadioField(
        lazy_gettext("The good rows"),
        choices=options((("draft", lazy_gettext("keep them as drafts")), ("schedule", lazy_gettext("schedule them")))),
        default="draft",
    )

    def upload(self, most: int) -> bytes:
        return self.file.data.read(most + 1) if self.is_submitted() and self.file.data else b""
