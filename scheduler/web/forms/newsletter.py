"""The newsletter's forms: the public signup, a staff member's referral code, and the subscriber list's
search and import."""

from flask_babel import lazy_gettext
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField

from scheduler.web.forms import PageForm, options


class SignupForm(PageForm):
    # a text field, not type=email: browsers refuse an address with accents before the @ (léa@example.fr)
    # in an email field; the service reads addresses as RFC 6531 writes them
    email = StringField(
        lazy_gettext("Email"), render_kw={"required": True, "autocomplete": "email", "inputmode": "email"}
    )
    name = StringField(lazy_gettext("Name"), description=lazy_gettext("optional"), render_kw={"autocomplete": "name"})
    ref = HiddenField(lazy_gettext("Referral code"))  # the referral code of the link the reader followed

    def service_input(self) -> dict:
        return {"email": self.email.data or "", "name": self.name.data or "", "ref": self.ref.data or ""}


class ReferralForm(PageForm):
    staff_name = StringField(lazy_gettext("Staff member"))
    code = StringField(lazy_gettext("Code"), render_kw={"placeholder": lazy_gettext("e.g. alice")})

    def service_input(self) -> dict:
        return {"staff_name": self.staff_name.data or "", "code": self.code.data or ""}


class SubscriberSearchForm(PageForm):
    """The subscriber list's search: a GET form (it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        lazy_gettext("Search"), description=lazy_gettext("part of an address or a name"), render_kw={"type": "search"}
    )
    status = SelectField(
        lazy_gettext("Status"),
        choices=options(
            [
                ("", lazy_gettext("every status")),
                ("confirmed", lazy_gettext("confirmed")),
                ("pending", lazy_gettext("waiting")),
                ("unsubscribed", lazy_gettext("unsubscribed")),
            ]
        ),
        validate_choice=False,
    )

    def chosen(self) -> dict:
        return {name: self[name].data for name in ("q", "status") if self[name].data}


class SubscriberImportForm(PageForm):
    file = FileField(
        lazy_gettext("CSV file"),
        description=lazy_gettext("one row per reader: email, consented_at (the date they agreed), name optional"),
        render_kw={"accept": ".csv,.tsv,.txt,text/csv"},
    )

    def upload(self, most: int) -> bytes:
        """The file's bytes, at most ``most`` (and one more, so the service can say it is too large)."""
        return self.file.data.read(most + 1) if self.is_submitted() and self.file.data else b""
