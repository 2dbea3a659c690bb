"""What adapters share to name a refused credential: the service's answer read without raising, the
message that says which credential to fix and where, and the wrapper every connection check runs in.

A service rarely says "your token is revoked" only with a 401: Facebook says it in a 400 with code 190,
X in a 400 with code 89 or 215, Mastodon in a 422, Google's token service in a 400 ``invalid_grant``.
Each adapter knows its service's words and hands ``HttpClient.request`` a ``classify`` that reads them
(``channels.http``); what it answers is ``unauthorized``, which the app takes as "reconnect the
account" (its posts wait instead of failing), with a message built here so every channel says the same
kind of thing: who refused, which credential, what the service said, and what to do.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable

from channels.base import DeliveryContext, DeliveryFailure, Outcome
from scheduler.domain.language import N_, _

RECONNECT = N_("reconnect the account on the Accounts page")
SAID_MAX = 300


def answer_data(response):
    """The answer's JSON (a dict, a list...), or None when it is not JSON: never raises, since an error
    answer is read for its words, and an answer without them keeps the usual verdict."""
    try:
        return json.loads(response.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return None


def said(text) -> str:
    """A service's words, on one line and short, printable characters only."""
    words = " ".join(str(text or "").split())
    return "".join(ch for ch in words if ch.isprintable())[:SAID_MAX]


def refused(service: str, credential: str, what: str, fix: str = "") -> Outcome:
    """``unauthorized``, in words: "<service> refused the <credential> (<what it said>): <fix>". The
    credential (``N_``), a service that is not a proper name and a fix kept in a constant are
    translated here; the service's own words are quoted as received."""
    words = {"service": _(service), "credential": _(credential), "fix": _(fix or RECONNECT)}
    if said(what):
        return Outcome.unauthorized(
            _("%(service)s refused the %(credential)s (%(said)s): %(fix)s", said=said(what), **words)
        )
    return Outcome.unauthorized(_("%(service)s refused the %(credential)s: %(fix)s", **words))


def connected(message: str, remote_id: str | None = None) -> Outcome:
    """A connection check that passed: ``published`` with "connected as …" in words."""
    return Outcome.published(remote_id=remote_id, message=message)


def without_secrets(outcome: Outcome, secrets: Iterable[str]) -> Outcome:
    """No secret in an outcome's message, even one a service echoed (the message is stored and shown)."""
    message = outcome.message
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= 4:
            message = message.replace(secret, "[secret]")
    if message == outcome.message:
        return outcome
    return Outcome(outcome.status, message, outcome.remote_id, outcome.url, outcome.retry_after)


def connection_check(check: Callable) -> Callable:
    """A channel's ``check_connection``: never raises (a ``DeliveryFailure`` becomes its outcome), needs
    an account and an HTTP client, and never lets a secret of the account reach its message."""

    @functools.wraps(check)
    def run(self, context: DeliveryContext) -> Outcome:
        account = context.account
        if account is None:
            return Outcome.unauthorized(
                _("no %(channel)s account is connected: connect one on the Accounts page", channel=self.label)
            )
        try:
            outcome = check(self, context)
        except DeliveryFailure as failure:
            outcome = failure.outcome
        return without_secrets(outcome, account.secrets.values())

    return run
