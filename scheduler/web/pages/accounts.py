"""The accounts page: connect each channel, see which one the service refused, reconnect it; and the
UTM link builder for the search ads the PPC channel exports."""

from flask import abort, flash, redirect, render_template, url_for

import channels.registry as channel_registry
from scheduler.domain.language import N_, _
from scheduler.services import accounts, connection_checks, runtime, utm
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
        "accounts.html", channels=live, connected=connected, forms=forms, failed=failed, account_statuses=STATUSES
    ), 422 if failed else 200


# an account's status, as the page names it
STATUSES = {accounts.CONNECTED: N_("connected"), accounts.UNAUTHORIZED: N_("unauthorized")}


@blueprint.post("/accounts/<channel>")
def connect_account(channel):
    if channel not in channel_registry.names():
        abort(404)
    form = account_form(channel_registry.get(channel), posted=True)
    saved = form.submit(lambda: accounts.connect({**form.service_input(), "channel": channel}))
    if saved:
        flash(tested_on_saving(saved, _("%(channel)s account connected", channel=channel_registry.get(channel).label)))
        return redirect(url_for("ui.accounts_page"))
    return accounts_with((f"new-{channel}", form))


@blueprint.post("/accounts/<int:account_id>/reconnect")
def reconnect_account(account_id):
    account = accounts.get_account(account_id)
    form = account_form(channel_registry.get(account.channel), account, posted=True)
    saved = form.submit(lambda: accounts.connect(form.service_input(), account))
    if saved and saved.status == accounts.UNAUTHORIZED:  # its address moved: its credentials must be given again
        flash(_("%(name)s saved, not connected: %(why)s.", name=saved.name, why=saved.status_message))
        return redirect(url_for("ui.accounts_page"))
    if saved:
        flash(
            tested_on_saving(
                saved,
                _("%(name)s reconnected; its waiting posts will be queued at the next sweep", name=account.name),
            )
        )
        return redirect(url_for("ui.accounts_page"))
    return accounts_with((f"account-{account.id}", form))


@blueprint.post("/accounts/<int:account_id>/test")
def test_account(account_id):
    """Asks the service whether the account works, without publishing; the answer is kept on the account."""
    account = accounts.get_account(account_id)
    flash(said_of(account.name, connection_checks.check_account(account.id)))
    return redirect(url_for("ui.accounts_page"))


def tested_on_saving(saved, done: str) -> str:
    """When deliveries are live, a saved account is tested at once, and the page says whether it works:
    it stays saved either way (a refused one is marked for reconnection, so its posts wait rather than
    fail). In outbox mode nothing uses the credentials yet: "Test connection" asks when wanted."""
    if runtime.settings().delivery != "live":
        return _("%(done)s. Use “Test connection” to check it with the service.", done=done)
    result = connection_checks.check_account(saved.id)
    said = result["message"]
    if result["status"] == "connected":
        return _("%(done)s and tested: %(said)s.", done=done, said=said)
    if result["status"] == "unreachable":
        return _("%(done)s, but it could not be tested now: %(said)s.", done=done, said=said)
    if result["status"] == "unauthorized":
        return _(
            "%(done)s, but it does not work yet: %(said)s. Its posts wait until it is fixed.", done=done, said=said
        )
    return _("%(done)s, but it does not work yet: %(said)s.", done=done, said=said)


def said_of(name: str, result: dict) -> str:
    sentence = {
        "connected": N_("%(name)s works: %(said)s."),
        "unauthorized": N_("%(name)s was refused; its posts wait until it is reconnected: %(said)s."),
        "rejected": N_("%(name)s does not work: %(said)s."),
        "unreachable": N_("%(name)s could not be tested now: %(said)s."),
    }[result["status"]]
    return _(sentence, name=name, said=result["message"])


@blueprint.post("/accounts/<int:account_id>/remove")
def remove_account(account_id):
    accounts.disconnect(accounts.get_account(account_id))
    flash(_("Account removed; its secrets are gone."))
    return redirect(url_for("ui.accounts_page"))


@blueprint.route("/tools/utm", methods=["GET", "POST"])
def utm_builder():
    """The UTM link builder: what a campaign's links need to be counted, tagged consistently."""
    form = UtmForm.shown(UtmForm.NEW)
    link = form.submit(lambda: utm.tag_link(form.service_input()))
    return form_page("utm.html", form, link=link or "")
