"""A session on the account's PDS, and what its XRPC errors mean.

The app password opens a session (com.atproto.server.createSession), which is kept with the account's
secrets (``context.save_secrets``) and reused by the next deliveries instead of signing in each time:
bsky.social lets an account sign in only 30 times in 5 minutes and 300 times a day. In the reference
PDS its access token lives two hours, and its refresh token (com.atproto.server.refreshSession) 90
days. A saved session counts only for the server, handle and app password it was opened with, so a changed
password or handle is never answered with an old session.

An XRPC error names itself in the answer's ``error`` field, and the name says more than the status:
the reference PDS answers an expired or unverifiable token with 400 (``ExpiredToken``,
``InvalidToken``), which read by its status alone would pass for a refused post. So each answer is
read here: an expired token is renewed, a saved session the server no longer takes is replaced by a
new sign-in (once each), and a refusal that is the account's (a wrong app password, a deactivated or
taken-down account) is ``unauthorized``, in words that say what to do.
"""

import hashlib
import json

from channels.base import DeliveryFailure, Outcome
from channels.http import Response, outcome_for, service_message
from channels.shaping import before_publishing
from scheduler.domain.language import N_, _

PDS = "https://bsky.social"
XRPC = "/xrpc/"
SESSION = "session"  # the secret the session is kept in, beside the app password
APP_PASSWORDS = "Settings → Privacy and security → App passwords"
TOKEN_TROUBLE = ("ExpiredToken", "InvalidToken")
# what an error name says about the account itself (the reference PDS's names)
ACCOUNT_REFUSALS = {
    "AccountTakedown": N_(
        "the Bluesky account @%(handle)s has been taken down by its server: nothing can be posted from it"
    ),
    "AccountDeactivated": N_(
        "the Bluesky account @%(handle)s is deactivated: sign in to it on Bluesky to reactivate it, then "
        "reconnect it here"
    ),
    "AccountNotFound": N_(
        "the Bluesky account @%(handle)s is no longer on this server (deleted, or moved to another one): check "
        "its server and handle"
    ),
    "AuthFactorTokenRequired": N_(
        "the Bluesky account @%(handle)s asks for a code sent by email to sign in, so that is its own "
        "password: create an app password (Settings → Privacy and security → App passwords) and enter it on "
        "the Accounts page"
    ),
}
INACTIVE = {
    "takendown": "AccountTakedown",
    "suspended": "AccountTakedown",
    "deactivated": "AccountDeactivated",
    "deleted": "AccountNotFound",
}


def xrpc_error(response: Response) -> str:
    """The error's name (``ExpiredToken``), or "" when the answer names none."""
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    name = data.get("error") if isinstance(data, dict) else None
    return name if isinstance(name, str) else ""


class BlueskySession:
    """One delivery's (or one check's) exchanges with the account's PDS."""

    def __init__(self, context):
        account = context.account
        self.http, self.save = context.http, context.save_secrets
        self.pds = account.setting("pds", PDS).strip().rstrip("/")
        self.given_handle = account.setting("handle").strip().lstrip("@")
        self.handle = self.given_handle
        self.password = account.secret("app_password")
        self.saved = account.secret(SESSION)
        self.did = self.access = self.refresh_token = ""
        self.fresh = False  # opened by this delivery: a refusal of it is not the saved session's age

    def url(self, method: str) -> str:
        return self.pds + XRPC + method

    def open(self, fresh: bool = False) -> None:
        """The saved session when it was opened for this server, handle and app password; else (or with
        ``fresh``) a new one."""
        if not (self.given_handle and self.password):
            raise DeliveryFailure(
                Outcome.unauthorized(
                    _("the Bluesky account needs its handle and an app password: set them on the Accounts page")
                )
            )
        if fresh or not self._restore():
            self.sign_in()

    def _fingerprint(self) -> str:
        """Which server, handle and app password a session was opened with (a hash: never the password)."""
        seen = "\n".join((self.pds, self.given_handle.lower(), self.password))
        return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:32]

    def _restore(self) -> bool:
        try:
            saved = json.loads(self.saved) if self.saved else None
        except ValueError:
            return False
        if not isinstance(saved, dict) or saved.get("for") != self._fingerprint():
            return False
        if not all(isinstance(saved.get(key), str) and saved[key] for key in ("did", "access", "refresh")):
            return False
        self.did, self.access, self.refresh_token = saved["did"], saved["access"], saved["refresh"]
        self.handle = saved.get("handle") or self.handle
        return True

    def sign_in(self) -> None:
        """com.atproto.server.createSession with the handle and app password."""
        with before_publishing(_("signing in to Bluesky")):
            response = self.http.request(
                "POST",
                self.url("com.atproto.server.createSession"),
                json={"identifier": self.given_handle, "password": self.password},
                errors_as_answers=True,
            )
            if response.status >= 300:
                raise DeliveryFailure(self.refusal(response, signing_in=True))
            self._keep(response.json())

    def _renew(self) -> None:
        """com.atproto.server.refreshSession with the refresh token; one the server no longer takes
        (expired, revoked when it was used elsewhere) is replaced by a new sign-in."""
        with before_publishing(_("renewing the Bluesky session")):
            response = self.http.request(
                "POST",
                self.url("com.atproto.server.refreshSession"),
                headers={"Authorization": f"Bearer {self.refresh_token}"},
                errors_as_answers=True,
            )
            error = xrpc_error(response)
            if response.status < 300:
                self._keep(response.json())
                return
        if error in TOKEN_TROUBLE or (response.status == 401 and error not in ACCOUNT_REFUSALS):
            self.sign_in()
            return
        raise DeliveryFailure(self.refusal(response))

    def _keep(self, answer) -> None:
        if not isinstance(answer, dict) or not all(isinstance(answer.get(k), str) for k in ("accessJwt", "did")):
            raise DeliveryFailure(Outcome.retry(_("Bluesky gave no session (its answer had no access token)")))
        if answer.get("active") is False:
            refusal = INACTIVE.get(str(answer.get("status")), "AccountDeactivated")
            raise DeliveryFailure(Outcome.unauthorized(_(ACCOUNT_REFUSALS[refusal], handle=self.handle)))
        self.access, self.did = answer["accessJwt"], answer["did"]
        self.refresh_token = answer.get("refreshJwt") or ""
        self.handle = answer.get("handle") if isinstance(answer.get("handle"), str) else self.handle
        self.fresh = True
        if self.save and self.refresh_token:
            session = {"for": self._fingerprint(), "did": self.did, "handle": self.handle}
            self.save({SESSION: json.dumps({**session, "access": self.access, "refresh": self.refresh_token})})

    def exchange(self, method: str, name: str, **kwargs) -> Response:
        """One XRPC request under the session, its answer returned whatever its status (the caller
        reads it, or ``call`` raises it), after renewing the session once if the PDS asked for that.
        A failure on the wire raises, as ``HttpClient`` does."""
        response = self._send(method, name, **kwargs)
        if response.status >= 300 and self._stale(response):
            if xrpc_error(response) == "ExpiredToken" and self.refresh_token:
                self._renew()
            else:
                self.sign_in()
            response = self._send(method, name, **kwargs)
        return response

    def call(self, method: str, name: str, **kwargs) -> Response:
        """``exchange``, with any failure raised as the outcome it means."""
        response = self.exchange(method, name, **kwargs)
        if response.status >= 300:
            raise DeliveryFailure(self.refusal(response))
        return response

    def _send(self, method: str, name: str, **kwargs) -> Response:
        headers = {"Authorization": f"Bearer {self.access}", **kwargs.pop("headers", {})}
        return self.http.request(method, self.url(name), headers=headers, errors_as_answers=True, **kwargs)

    def _stale(self, response: Response) -> bool:
        """Whether the session is what was refused, and a renewed one may be taken: an expired token,
        or a saved session the server no longer knows (a new one is opened once)."""
        error = xrpc_error(response)
        if error == "ExpiredToken":
            return True
        return not self.fresh and (
            error == "InvalidToken" or (response.status == 401 and error not in ACCOUNT_REFUSALS)
        )

    def refusal(self, response: Response, signing_in: bool = False) -> Outcome:
        """What an answer that is not a success means, in words about this account where it is the
        account's (the service's own words in brackets)."""
        error, said = xrpc_error(response), service_message(response)
        if error in ACCOUNT_REFUSALS:
            return Outcome.unauthorized(
                _("%(refusal)s (%(said)s)", refusal=_(ACCOUNT_REFUSALS[error], handle=self.handle), said=said)
            )
        if signing_in and (response.status in (401, 403) or error in ("AuthenticationRequired", "InvalidRequest")):
            return Outcome.unauthorized(
                _(
                    "Bluesky refused the handle or app password of @%(given_handle)s (%(said)s): "
                    "check the handle, create a new app password (%(app_passwords)s) and enter it on "
                    "the Accounts page",
                    given_handle=self.given_handle,
                    said=said,
                    app_passwords=APP_PASSWORDS,
                )
            )
        if response.status in (401, 403) or error in TOKEN_TROUBLE:
            return Outcome.unauthorized(
                _(
                    "Bluesky refused the session of @%(handle)s (%(said)s): reconnect the account on "
                    "the Accounts page with a new app password",
                    handle=self.handle,
                    said=said,
                )
            )
        return outcome_for(response)
