"""The accounts page: connect each channel, see which one the service refused, reconnect it."""

from flask import flash, redirect, render_template, request, url_for

import channels.registry as channel_registry
from scheduler.services import accounts
from scheduler.services.errors import Invalid
from scheduler.web.ui import blueprint


@blueprint.app_context_processor
def _accounts_to_reconnect():
    """Every page says when an account must be reconnected: its posts are waiting."""
    try:
        waiting = [a for a in accounts.list_accounts() if a.status == accounts.UNAUTHORIZED]
    except Exception:  # a page must not fail because this reminder could not be read
        waiting = []
    return {"accounts_to_reconnect": waiting}


@blueprint.get("/accounts")
def accounts_page(errors=None, failed=None, status=200):
    connected = {}
    for account in accounts.list_accounts():
        connected.setdefault(account.channel, []).append(account)
    live = [c for c in channel_registry.all_channels() if c.account_fields]
    return render_template(
        "accounts.html", channels=live, connected=connected, errors=errors or {}, failed=failed, form=request.form
    ), status


@blueprint.post("/accounts/<channel>")
def connect_account(channel):
    try:
        accounts.connect({**request.form.to_dict(), "channel": channel})
    except Invalid as error:
        return accounts_page(errors=error.fields, failed=("new", channel), status=422)
    flash(f"{channel_registry.get(channel).label} account connected.")
    return redirect(url_for("ui.accounts_page"))


@blueprint.post("/accounts/<int:account_id>/reconnect")
def reconnect_account(account_id):
    account = accounts.get_account(account_id)
    try:
        accounts.connect(request.form.to_dict(), account)
    except Invalid as error:
        return accounts_page(errors=error.fields, failed=("account", account_id), status=422)
    flash(f"{account.name} reconnected; its waiting posts will be queued at the next sweep.")
    return redirect(url_for("ui.accounts_page"))


@blueprint.post("/accounts/<int:account_id>/remove")
def remove_account(account_id):
    accounts.disconnect(accounts.get_account(account_id))
    flash("Account removed; its secrets are gone.")
    return redirect(url_for("ui.accounts_page"))


@blueprint.route("/tools/utm", methods=["GET", "POST"])
def utm_builder():
    """The UTM link builder: what a campaign's links need to be counted, tagged consistently."""
    from channels.ppc import utm_link

    form, link, errors = request.form, "", {}
    if request.method == "POST":
        url = form.get("url", "").strip()
        if not url.lower().startswith(("http://", "https://")):
            errors["url"] = "must be an http:// or https:// address"
        for name in ("source", "medium", "campaign"):
            if not form.get(name, "").strip():
                errors[name] = "is required"
        if not errors:
            link = utm_link(
                url, *(form.get(n, "").strip() for n in ("source", "medium", "campaign", "content", "term"))
            )
    return render_template("utm.html", form=form, link=link, errors=errors), 422 if errors else 200
