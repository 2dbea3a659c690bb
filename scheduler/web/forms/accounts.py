"""A channel's account (its fields are the adapter's ``account_fields``) and the UTM link builder."""

from flask_babel import lazy_gettext
from wtforms import PasswordField, StringField

from scheduler.domain.language import _
from scheduler.web.forms import PageForm


class AccountForm(PageForm):
    name = StringField(lazy_gettext("Name"), render_kw={"placeholder": lazy_gettext("e.g. @atlas")})
    fields: tuple = ()

    def account_fields(self) -> list:
        """Each of the channel's fields with what the page says of it: optional, its help."""
        return [(self[f.name], f) for f in self.fields]

    def service_input(self) -> dict:
        return {"name": self.name.data or "", **{f.name: self[f.name].data or "" for f in self.fields}}


def account_form(channel, account=None, posted: bool = False) -> AccountForm:
    """The form to connect an account of ``channel``, or to reconnect ``account``: what was ``posted``
    to it, else the saved settings. A secret is never shown back (left empty, the stored one is kept)."""

    class ChannelAccountForm(AccountForm):
        fields = channel.account_fields

    for field in channel.account_fields:
        if field.secret:
            hint = _("stored: leave empty to keep it") if account is not None else ""
            made = PasswordField(_(field.label), render_kw={"autocomplete": "new-password", "placeholder": hint})
        else:
            made = StringField(_(field.label))
        setattr(ChannelAccountForm, field.name, made)
    if posted:
        return ChannelAccountForm()
    saved = {"name": account.name, **(account.settings or {})} if account is not None else {}
    return ChannelAccountForm(
        formdata=None, data={**{f.name: f.default for f in channel.account_fields if not f.secret}, **saved}
    )


class UtmForm(PageForm):
    url = StringField(lazy_gettext("Link"), render_kw={"placeholder": "https://example.com/offer"})
    source = StringField(lazy_gettext("Source"), description="utm_source")
    medium = StringField(lazy_gettext("Medium"), description="utm_medium")
    campaign = StringField(lazy_gettext("Campaign"), description="utm_campaign")
    content = StringField(lazy_gettext("Content"), description=lazy_gettext("utm_content, optional"))
    term = StringField(lazy_gettext("Term"), description=lazy_gettext("utm_term, optional"))

    NEW = {"source": "google", "medium": "cpc"}

    def service_input(self) -> dict:
        return {name: self[name].data or "" for name in ("url", "source", "medium", "campaign", "content", "term")}
