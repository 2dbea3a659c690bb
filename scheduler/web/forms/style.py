"""The style guide's forms: an entry (a term rule's and a topic's own fields shown by kind), and a
manager's override of a post's style errors."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from scheduler.domain.language import N_, _
from scheduler.web.forms import PageForm, channel_options, offered, options
from scheduler.web.forms.interactions import interaction_channel_options, kind_options
from scheduler.web.forms.plans import keyword_list

# each kind of entry as people read it (``_`` where shown); the values stay the API's
KIND_LABELS = {
    "guideline": N_("Guidelines"),
    "script": N_("Scripts"),
    "example": N_("Examples that work"),
    "term_rule": N_("Term rules"),
    "topic": N_("Acceptable blog topics"),
}
SEVERITY_LABELS = {"warning": N_("warning"), "error": N_("error")}
KIND_CHOICES = [(kind, lazy_gettext(label)) for kind, label in KIND_LABELS.items()]


class StyleEntryForm(PageForm):
    kind = SelectField(lazy_gettext("Kind"), choices=options(KIND_CHOICES), validate_choice=False)
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)
    title = StringField(lazy_gettext("Title"), render_kw={"required": True})
    rule = SelectField(
        lazy_gettext("Rule"),
        choices=options([("term", lazy_gettext("avoid a term")), ("disclosure", lazy_gettext("required disclosure"))]),
        validate_choice=False,
    )
    severity = SelectField(
        lazy_gettext("Severity"),
        choices=options([("warning", lazy_gettext("warning")), ("error", lazy_gettext("error (blocks scheduling)"))]),
        validate_choice=False,
    )
    avoid = StringField(lazy_gettext("Avoid"), description=lazy_gettext("alternatives separated by commas"))
    prefer = StringField(lazy_gettext("Prefer"), description=lazy_gettext("empty: never use it"))
    is_pattern = BooleanField(lazy_gettext("“Avoid” is a regular expression"))
    requires = StringField(lazy_gettext("Promotional posts must carry"), render_kw={"placeholder": "#ad"})
    triggers = StringField(
        lazy_gettext("Promotional when it mentions"),
        description=lazy_gettext("comma-separated; empty: every post"),
        render_kw={"placeholder": "discount, promo code, offre, 优惠"},
    )
    keywords = StringField(lazy_gettext("Words that name the topic"), description=lazy_gettext("comma-separated"))
    body = TextAreaField(
        lazy_gettext("Text"), description=lazy_gettext("Markdown; for a term rule, the reason"), render_kw={"rows": 10}
    )
    pattern_channel = SelectField(lazy_gettext("Answers interactions on"), validate_choice=False)
    pattern_kind = SelectField(lazy_gettext("of the kind"), validate_choice=False)
    service_names = {"pattern": "pattern_kind"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = channel_options(blank=_("every channel"))
        self.pattern_channel.choices = interaction_channel_options(blank=_("— no pattern —"))
        self.pattern_kind.choices = kind_options(blank="—")

    @staticmethod
    def values_of(entry: dict) -> dict:
        """An entry as the service describes it (``style.entry_dict``), as the form shows it."""
        values = {k: v for k, v in entry.items() if v is not None}
        pattern = entry.get("pattern") or {}
        return values | {
            "pattern_channel": pattern.get("channel", ""),
            "pattern_kind": pattern.get("kind", ""),
            "triggers": ", ".join(entry.get("triggers") or []),
            "keywords": ", ".join(entry.get("keywords") or []),
            "is_pattern": bool(entry.get("is_pattern")),
        }

    def service_input(self) -> dict:
        data = {
            "kind": self.kind.data or "",
            "channel": self.channel.data or None,
            "title": self.title.data or "",
            "body": self.body.data or "",
        }
        if data["kind"] == "term_rule":
            data |= {
                "avoid": self.avoid.data or "",
                "prefer": self.prefer.data or "",
                "is_pattern": self.is_pattern.data,
                "severity": self.severity.data or "warning",
                "rule": self.rule.data or "term",
                "requires": self.requires.data or "",
                "triggers": keyword_list(self.triggers.data),
            }
        if data["kind"] == "topic":
            data["keywords"] = keyword_list(self.keywords.data)
        if data["kind"] == "script":
            chosen = self.pattern_channel.data or self.pattern_kind.data
            data["pattern"] = {"channel": self.pattern_channel.data, "kind": self.pattern_kind.data} if chosen else None
        return data


class OverrideForm(PageForm):
    """A manager schedules despite the guide's errors, and says why (the manager is the signed-in one)."""

    reason = TextAreaField(lazy_gettext("Why"), render_kw={"rows": 2, "required": True})

    def service_input(self, by: str = "") -> dict:
        return {"reason": self.reason.data or ""}


class StyleFilterForm(PageForm):
    """The guide by kind and channel: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(
        lazy_gettext("Kind"), choices=options([("", lazy_gettext("every kind")), *KIND_CHOICES]), validate_choice=False
    )
    channel = SelectField(lazy_gettext("Channel"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = channel_options(blank=_("every channel"))

    def service_input(self) -> tuple[str | None, str | None]:
        """The kind and channel chosen; one the form does not offer means every one."""
        return offered(self.kind) or None, offered(self.channel) or None
