"""A plan's form and a channel's commitment, as people type them."""

from typing import ClassVar

from flask_babel import lazy_gettext
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from scheduler.services.plans import PERIOD_WORDS, PERIODS
from scheduler.web.forms import PageForm, options


def keyword_list(text: str | None) -> list[str]:
    """One keyword per line, or several on a line separated by commas."""
    return [word.strip() for line in (text or "").splitlines() for word in line.split(",") if word.strip()]


class PlanForm(PageForm):
    name = StringField(lazy_gettext("Name"))
    theme = StringField(lazy_gettext("Theme or offer"))
    key_message = TextAreaField(lazy_gettext("Key message"), render_kw={"rows": 2})
    keywords = TextAreaField(
        lazy_gettext("Theme keywords"),
        render_kw={
            "rows": 3,
            "placeholder": lazy_gettext("one per line, any language: offre été, summer offer, 夏季优惠"),
        },
    )
    starts_on = StringField(lazy_gettext("Starts on"), render_kw={"type": "date"})
    ends_on = StringField(lazy_gettext("Ends on"), render_kw={"type": "date"})
    timezone = StringField(lazy_gettext("Time zone"), render_kw={"list": "zones"})
    approval_required = BooleanField(lazy_gettext("Creators' posts need a manager's approval"))

    NEW: ClassVar[dict] = {"timezone": "Europe/Paris"}

    @staticmethod
    def values_of(plan) -> dict:
        return {
            "name": plan.name,
            "theme": plan.theme,
            "key_message": plan.key_message,
            "keywords": "\n".join(plan.keywords or []),
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "timezone": plan.timezone,
            "approval_required": bool(plan.approval_required),
        }

    def service_input(self) -> dict:
        return {
            "name": self.name.data or "",
            "theme": self.theme.data or "",
            "key_message": self.key_message.data or "",
            "keywords": keyword_list(self.keywords.data),
            "starts_on": self.starts_on.data or None,
            "ends_on": self.ends_on.data or None,
            "timezone": self.timezone.data or None,
            "approval_required": bool(self.approval_required.data),
        }


def share_input(text: str | None):
    """'50%', '50' and '0.5' all mean half; anything else goes to the service, which names the field."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        return text
    return value / 100 if percent or value > 1 else value


class CommitmentForm(PageForm):
    """One channel's row on the plan's page; the inputs sit in the table, tied to the row's form."""

    posts = StringField(lazy_gettext("Posts per period"), render_kw={"type": "number", "min": 1, "class": "small"})
    per = SelectField(
        lazy_gettext("Period"),
        choices=options((p, lazy_gettext(PERIOD_WORDS[p])) for p in PERIODS),
        validate_choice=False,
    )
    on_theme_min = StringField(lazy_gettext("On-theme floor"), render_kw={"type": "number", "min": 0, "class": "small"})
    one_note_max_share = StringField(lazy_gettext("One-note ceiling"), render_kw={"class": "small"})
    note = StringField(
        lazy_gettext("Note"), render_kw={"placeholder": lazy_gettext("e.g. the feature article covers it")}
    )
    approval_required = SelectField(
        lazy_gettext("Approval"),
        choices=options(
            (
                ("", lazy_gettext("as the plan says")),
                ("yes", lazy_gettext("required")),
                ("no", lazy_gettext("not needed")),
            )
        ),
        validate_choice=False,
    )

    APPROVAL = {"": None, "yes": True, "no": False}

    @classmethod
    def showing(cls, commitment) -> "CommitmentForm":
        """The row as saved (or the defaults of a channel not committed yet), not what was posted."""
        if commitment is None:
            return cls(formdata=None, data={"per": "week", "on_theme_min": "1", "one_note_max_share": "50%"})
        return cls(
            formdata=None,
            data={
                "posts": str(commitment.posts),
                "per": commitment.per,
                "on_theme_min": str(commitment.on_theme_min),
                "one_note_max_share": f"{round(commitment.one_note_max_share * 100)}%",
                "note": commitment.note or "",
                "approval_required": {None: "", True: "yes", False: "no"}[commitment.approval_required],
            },
        )

    def service_input(self) -> dict:
        return {
            "posts": self.posts.data or None,
            "per": self.per.data or None,
            "on_theme_min": self.on_theme_min.data or 0,
            "one_note_max_share": share_input(self.one_note_max_share.data),
            "note": self.note.data or "",
            "approval_required": self.APPROVAL.get(self.approval_required.data or ""),
        }
