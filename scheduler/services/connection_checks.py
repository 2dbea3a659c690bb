"""Testing a channel account against its service, without publishing anything: the accounts page's
"Test connection", the API's ``POST /accounts/{id}/test``, and the check right after an account is
connected or changed.

The adapter's ``check_connection`` runs in the same live context a delivery gets
(``services.live_context``), outside any transaction: it talks to the network. What it found is kept
on the account, in one unit of work with its line in the audit trail:
- it works: the account is ``connected`` (an account marked for reconnection comes back, and its
  waiting posts are queued at the next sweep);
- the service refused the credentials: ``unauthorized``, with the service's words and which
  credential to fix; its posts wait instead of failing;
- the settings cannot work (no such board, a folder Refrain cannot write): the status is left, the
  reason is kept as the account's message, for the page to show;
- the service could not be reached: nothing is changed, the answer says so.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

import channels.registry as channel_registry
from channels.base import DeliveryFailure, Outcome
from scheduler.domain.language import _
from scheduler.infra.secrets import UnreadableSecrets
from scheduler.models import ChannelAccount
from scheduler.models.database import db
from scheduler.services import accounts, audit, runtime
from scheduler.services.errors import Invalid
from scheduler.services.live_context import live_context
from scheduler.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 15.0  # seconds per exchange: a person waits for the answer
# what a check's outcome is called in the answer: the words of the accounts page, not of a delivery
RESULTS = {
    "published": "connected",
    "unauthorized": "unauthorized",
    "rejected": "rejected",
    "retry": "unreachable",
    "unconfirmed": "unreachable",
}


def check_account(account_id) -> dict:
    """Asks the account's service whether the account works and keeps the answer on the account;
    returns ``{"status": connected | unauthorized | rejected | unreachable, "message", "account_status"}``."""
    with unit_of_work():  # a read, ended before the network is asked anything
        stored = accounts.get_account(account_id)
        if stored.channel not in channel_registry.names():
            raise Invalid({"channel": _("%(channel)s is not a channel of this Refrain", channel=repr(stored.channel))})
        adapter = channel_registry.get(stored.channel)
        try:
            account = accounts.as_adapter_account(stored)
        except UnreadableSecrets as error:
            account, outcome = None, Outcome.unauthorized(str(error))
    if account is not None:
        timeout = min(float(runtime.settings().delivery_timeout), CHECK_TIMEOUT)
        outcome = run_check(adapter, live_context(account, timeout=timeout))
    return record(account_id, outcome)


def run_check(adapter, context) -> Outcome:
    """The adapter's check; one that raises is a bug of the adapter, said plainly, never a 500."""
    try:
        return adapter.check_connection(context)
    except DeliveryFailure as failure:
        return failure.outcome
    except Exception as error:  # noqa: BLE001 - the error's type only: its text may quote a secret
        log.error(
            "adapter %s raised %s while checking account %s", adapter.name, type(error).__name__, context.account.id
        )
        return Outcome.rejected(
            _(
                "the %(channel)s check failed (%(error)s); nothing was changed",
                channel=adapter.label,
                error=type(error).__name__,
            )
        )


@unit_of_work
def record(account_id, outcome: Outcome) -> dict:
    """The check's answer, kept on the account with a line in the audit trail ("tested")."""
    account = accounts.get_account(account_id)
    result = RESULTS.get(outcome.status, "rejected")
    message = outcome.message or ("it works" if result == "connected" else result)
    status, status_message = account.status, account.status_message or ""
    if result == "connected":
        status, status_message = accounts.CONNECTED, ""
    elif result == "unauthorized":
        status, status_message = accounts.UNAUTHORIZED, message
    elif result == "rejected":
        status_message = message
    changes = {"status": [account.status, status]} if status != account.status else {}
    if (status, status_message) != (account.status, account.status_message or ""):
        # a guarded UPDATE, as mark_unauthorized: the audit line is this use case's own (below)
        db.session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.id == account.id)
            .values(status=status, status_message=status_message[:1000])
        )
    audit.note("tested", account, changes, f"connection test: {result}: {message}")
    db.session.expire(account)
    return {"status": result, "message": message, "account_status": status}
