"""The accounts page: connect each channel, see which one the service refused, reconnect it; and the
UTM link builder for the search ads the PPC channel exports."""

from flask import abort, flash, redirect, render_template, url_for

import channels.registry as channel_registry
from scheduler.services import accounts, utm
from scheduler.web.forms.accounts import UtmForm, account_form
from scheduler.web.pages import blueprint, form_page


@blueprint.get("/accounts")
def accounts_page():
    return accounts_with()


def accounts_with(posted: tuple[str, object] | None = None):
    """A form per connected account (to reconnect it), and one per channel with none; the one just
    posted shows what was typed, beside what the service refused."""
    connected = {}
    for account in accounts.list_accounts():
        connected.setdefault(account.channel, []).append(account)
    live = [c for c in channel_registry.all_channels() if c.account_fields]
    forms = {}
    for channel in live:
        for account in connected.get(channel.name, []):
            forms[f"account-{account.id}"] = account_form(channel, account)
        if not connected.get(channel.name):
            forms[f"new-{channel.name}"] = account_form(channel)
    if posted is not None:
        forms[posted[0]] = posted[1]
    failed = posted[0] if posted is not None and posted[1].errors else None
    return render_template(
        "accounts.html", channels=live, connected=connected, forms=forms, failed=failed
    ), 422 if failed else 200


@blueprint.post("/accounts/<channel>")
def connect_account(channel):
    if channel not in channel_registry.names():
        abort(404)
    form = account_form(channel_registry.get(channel), posted=True)
    if form.submit(lambda: accounts.connect({**form.service_input(), "channel": channel})):
        flash(f"{channel_registry.get(channel).label} account connected.")
        return redirect(url_for("ui.accounts_page"))
    return accounts_with((f"new-{channel}", form))


@blueprint.post("/accounts/<int:account_id>/reconnect")
def reconnect_account(account_id):
    account = accounts.get_account(account_id)
    form = account_form(channel_registry.get(account.channel), account, posted=True)
    saved = form.submit(lambda: accounts.connect(form.service_input(), account))
    if saved and saved.status == accounts.UNAUTHORIZED:  # its address moved: its credentials must be given again
        flash(f"{saved.name} saved, not connected: {saved.status_message}.")
        return redirect(url_for("ui.accounts_page"))
    if saved:
        flash(f"{account.name} reconnected; its waiting posts will be queued at the next sweep.")
        return redirect(url_for("ui.accounts_page"))
    return accounts_with((f"account-{account.id}", form))


@blueprint.post("/accounts/<int:account_id>/remove")
def remove_account(account_id):
    accounts.disconnect(accounts.get_account(account_id))
    flash("Account removed; its secrets are gone.")
    return redirect(url_for("ui.accounts_page"))


@blueprint.route("/tools/utm", methods=["GET", "POST"])
def utm_builder():
    """The UTM link builder: what a campaign's links need to be counted, tagged consistently."""
    form = UtmForm.shown(UtmForm.NEW)
    link = form.submit(lambda: utm.tag_link(form.service_input()))
    return form_page("utm.html", form, link=link or "")
