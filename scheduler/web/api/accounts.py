"""Channel accounts over the API: connect, reconnect, remove; secrets go in and never come back out."""

from flask import jsonify

from scheduler.services import accounts, connection_checks
from scheduler.web.api import blueprint, body
from scheduler.web.api import schemas as S
from scheduler.web.api.declared import accepts, answers
from scheduler.web.api.schemas import list_of, ref


@blueprint.get("/accounts")
@answers(200, list_of(ref("Account")))
def list_accounts():
    return jsonify([accounts.account_dict(a) for a in accounts.list_accounts()])


@blueprint.post("/accounts")
@accepts(S.NEW_ACCOUNT)
@answers(201, ref("Account"), "the account; its secrets are kept sealed and never shown")
def connect_account():
    return jsonify(accounts.account_dict(accounts.connect(body()))), 201


@blueprint.get("/accounts/<int:account_id>")
@answers(200, ref("Account"))
def get_account(account_id):
    return jsonify(accounts.account_dict(accounts.get_account(account_id)))


@blueprint.put("/accounts/<int:account_id>")
@accepts(S.ACCOUNT_CHANGES)
@answers(200, ref("Account"), "the account, connected again")
def reconnect_account(account_id):
    return jsonify(accounts.account_dict(accounts.connect(body(), accounts.get_account(account_id))))


@blueprint.delete("/accounts/<int:account_id>")
@answers(204, None, "removed")
def remove_account(account_id):
    accounts.disconnect(accounts.get_account(account_id))
    return "", 204


@blueprint.post("/accounts/<int:account_id>/test")
@answers(200, ref("ConnectionTest"), "what the service said; the account's status is updated to match")
def test_account(account_id):
    """Asks the channel's service whether the account works, without publishing anything. Connecting or
    changing an account over the API does not test it: a script calls this when it wants the answer."""
    return jsonify(connection_checks.check_account(accounts.get_account(account_id).id))
