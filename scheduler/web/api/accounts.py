"""Channel accounts over the API: connect, reconnect, remove; secrets go in and never come back out."""

from flask import jsonify

from scheduler.services import accounts
from scheduler.web.api import blueprint, body


@blueprint.get("/accounts")
def list_accounts():
    return jsonify([accounts.account_dict(a) for a in accounts.list_accounts()])


@blueprint.post("/accounts")
def connect_account():
    return jsonify(accounts.account_dict(accounts.connect(body()))), 201


@blueprint.get("/accounts/<int:account_id>")
def get_account(account_id):
    return jsonify(accounts.account_dict(accounts.get_account(account_id)))


@blueprint.put("/accounts/<int:account_id>")
def reconnect_account(account_id):
    return jsonify(accounts.account_dict(accounts.connect(body(), accounts.get_account(account_id))))


@blueprint.delete("/accounts/<int:account_id>")
def remove_account(account_id):
    accounts.disconnect(accounts.get_account(account_id))
    return "", 204
