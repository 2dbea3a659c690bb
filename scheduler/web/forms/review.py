"""The forms of approvals: a reviewer's page (outside the team, by link) and a manager's verdict in
the editor."""

from flask_babel import lazy_gettext
from wtforms import StringField, TextAreaField

from scheduler.web.forms import PageForm


class ReviewerForm(PageForm):
    """What a reviewer without an account types: who they are, and a comment (needed to send the post
    back, optional with an approval); the button they pressed is the request's ``verdict``."""

    name = StringField(lazy_gettext("Your name"), render_kw={"autocomplete": "name", "maxlength": 100})
    comment = TextAreaField(
        lazy_gettext("Comment"), render_kw={"rows": 4, "placeholder": lazy_gettext("what should change, or a note")}
    )


class VerdictForm(PageForm):
    """A manager's approval or request for changes, from the editor."""

    comment = TextAreaField(
        lazy_gettext("Comment"), render_kw={"rows": 3, "placeholder": lazy_gettext("what should change")}
    )
