"""Signing in, setting a password, a person's own settings, the team's invitations, API tokens."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField

from scheduler.domain.access import ROLE_LABELS, ROLES
from scheduler.web.forms import PageForm, options

LANGUAGES = (("", lazy_gettext("My browser's")), ("en", "English"), ("fr", "Français"), ("zh", "中文"))


class SignInForm(PageForm):
    email = EmailField(lazy_gettext("Email"), render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(lazy_gettext("Password"), render_kw={"autocomplete": "current-password"})


class CodeForm(PageForm):
    """The second step of signing in, and turning two-step sign-in on or off: a code from the app."""

    code = StringField(
        lazy_gettext("Code"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "maxlength": 12},
        description=lazy_gettext("the 6 digits your authenticator app shows now"),
    )


class ForgotPasswordForm(PageForm):
    email = EmailField(lazy_gettext("Email"), render_kw={"autocomplete": "username", "autofocus": True})


class SetPasswordForm(PageForm):
    password = PasswordField(
        lazy_gettext("New password"),
        render_kw={"autocomplete": "new-password"},
        description=lazy_gettext("at least 10 characters; a phrase of several words is best"),
    )


class WelcomeForm(PageForm):
    name = StringField(lazy_gettext("Your name"), render_kw={"autocomplete": "name"})
    email = EmailField(lazy_gettext("Email"), render_kw={"autocomplete": "username"})
    password = PasswordField(
        lazy_gettext("Password"),
        render_kw={"autocomplete": "new-password"},
        description=lazy_gettext("at least 10 characters"),
    )


class ProfileForm(PageForm):
    name = StringField(lazy_gettext("Name"))
    language = SelectField(lazy_gettext("Language"), choices=options(LANGUAGES))
    timezone = StringField(lazy_gettext("Time zone"), render_kw={"placeholder": "Europe/Paris"})


class ChangePasswordForm(PageForm):
    current_password = PasswordField(lazy_gettext("Current password"), render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(lazy_gettext("New password"), render_kw={"autocomplete": "new-password"})


class TokenForm(PageForm):
    label = StringField(lazy_gettext("Label"), render_kw={"placeholder": lazy_gettext("e.g. weekly export script")})
    read_only = BooleanField(lazy_gettext("Read only"))


def role_options():
    return options((role, lazy_gettext(ROLE_LABELS[role])) for role in reversed(ROLES))


class InviteForm(PageForm):
    email = EmailField(lazy_gettext("Email"))
    name = StringField(lazy_gettext("Name"))
    role = SelectField(lazy_gettext("Role"), choices=role_options(), default="creator")


class PersonForm(PageForm):
    role = SelectField(lazy_gettext("Role"), choices=role_options())
    active = BooleanField(lazy_gettext("May sign in"))
