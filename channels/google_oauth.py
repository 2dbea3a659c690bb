"""Google's OAuth as the YouTube channel uses it: the access token renewed with the refresh token (at
most once per delivery, kept through ``context.save_secrets``), and how Google's services say that a
credential is refused, so that the adapter answers ``unauthorized`` naming the one to fix.

Google's token service answers RFC 6749's codes, most under a 400 (``invalid_grant``: the refresh token
expired or was revoked); the Data API nests its reasons in ``error.errors[].reason`` under a 401 or a
403, where a 403 may also be a spent quota (a wait) or a video of another channel (the post's problem).
"""

from channels.base import DeliveryFailure, Outcome
from channels.credentials import answer_data, refused, said
from scheduler.domain.language import N_, _

OAUTH_URL = "https://oauth2.googleapis.com"
AUTHORISE_AGAIN = N_(
    "authorise again for the https://www.googleapis.com/auth/youtube scope and reconnect the account on the "
    "Accounts page with the new refresh token"
)
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded"}


def data_api_refusals(response) -> Outcome | None:
    """How the Data API says the credentials are refused, by its error reasons: an invalid or expired
    access token (401 authError), a token granted without the youtube scope (insufficientPermissions), a
    Google Cloud project without the Data API (accessNotConfigured), a Google account without a channel
    (youtubeSignupRequired). A spent quota is left to the delivery (a wait, not a refusal), and a video
    of another channel (forbidden) is the post's problem, not the account's."""
    if 200 <= response.status < 300:
        return None
    data = answer_data(response)
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    details = error.get("errors") if isinstance(error.get("errors"), list) else []
    reasons = {str(d.get("reason")) for d in details if isinstance(d, dict)}
    words = said(error.get("message")) or str(response.status)
    if reasons & QUOTA_REASONS:
        return None
    if "youtubeSignupRequired" in reasons:
        return refused(
            "YouTube",
            N_("Google account"),
            words,
            _("it has no YouTube channel: create one, then %(then)s", then=_(AUTHORISE_AGAIN)),
        )
    if "insufficientPermissions" in reasons or "ACCESS_TOKEN_SCOPE_INSUFFICIENT" in str(error):
        return refused(
            "YouTube",
            N_("refresh token"),
            words,
            _("it was granted without the youtube scope: %(then)s", then=_(AUTHORISE_AGAIN)),
        )
    if "accessNotConfigured" in reasons or "SERVICE_DISABLED" in str(error):
        return refused(
            "YouTube",
            N_("OAuth client ID"),
            words,
            N_(
                "enable the YouTube Data API v3 in its Google Cloud project (APIs & Services → "
                "Library), then test again"
            ),
        )
    if response.status == 401 or "authError" in reasons:
        return refused(
            "YouTube",
            N_("access token"),
            words,
            _("it is renewed from the refresh token; if that fails, %(then)s", then=_(AUTHORISE_AGAIN)),
        )
    if response.status == 403 and "forbidden" in reasons:
        return Outcome.rejected(
            _(
                "YouTube forbids this change (%(words)s): the video must belong to the channel of "
                "the connected account",
                words=words,
            )
        )
    return None


def token_refusals(response) -> Outcome | None:
    """How Google's token service refuses a renewal (RFC 6749 error codes, often under a 400): a refresh
    token expired or revoked (invalid_grant; a project still in Testing gives tokens that last 7 days), a
    wrong client ID or secret (invalid_client), a refresh token given to another client (unauthorized_client)."""
    if 200 <= response.status < 300:
        return None
    data = answer_data(response)
    data = data if isinstance(data, dict) else {}
    code, words = str(data.get("error") or ""), said(data.get("error_description") or data.get("error"))
    if code == "invalid_grant":
        return refused(
            "Google",
            N_("refresh token"),
            words,
            _(
                "it has expired or was revoked (a project in Testing gives tokens that last 7 days): %(then)s",
                then=_(AUTHORISE_AGAIN),
            ),
        )
    if code == "invalid_client":
        return refused(
            "Google",
            N_("OAuth client ID or client secret"),
            words,
            N_(
                "copy them again from the Google Cloud console (APIs & Services → Credentials) "
                "and reconnect the account"
            ),
        )
    if code == "unauthorized_client":
        return refused(
            "Google",
            N_("refresh token"),
            words,
            _("it was given to another OAuth client: %(then)s", then=_(AUTHORISE_AGAIN)),
        )
    return None


class Tokens:
    """The account's OAuth access token, renewed at most once per delivery with its refresh token."""

    def __init__(self, account, context):
        self.account, self.context = account, context
        self.current = account.secret("access_token")
        self.renewed = False

    def access(self) -> str:
        return self.current or self.renew()

    def renew(self) -> str:
        self.renewed = True
        account = self.account
        if not account.secret("refresh_token"):
            raise DeliveryFailure(
                Outcome.unauthorized(
                    _(
                        "YouTube refused the access token and the account has no refresh token: reconnect "
                        "it on the Accounts page"
                    )
                )
            )
        form = {
            "grant_type": "refresh_token",
            "refresh_token": account.secret("refresh_token"),
            "client_id": account.setting("client_id"),
            "client_secret": account.secret("client_secret"),
        }
        address = f"{account.setting('oauth_url', OAUTH_URL).rstrip('/')}/token"
        try:
            answer = self.context.http.request("POST", address, form=form, classify=token_refusals).json()
        except DeliveryFailure as failure:
            raise DeliveryFailure(self.refresh_failed(failure.outcome)) from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise DeliveryFailure(Outcome.retry(_("Google's token service answered without an access token")))
        self.current = token
        if self.context.save_secrets:
            renewed = {"access_token": token}
            if isinstance(answer.get("refresh_token"), str) and answer["refresh_token"]:
                renewed["refresh_token"] = answer["refresh_token"]  # Google may rotate it
            self.context.save_secrets(renewed)
        return token

    def refresh_failed(self, outcome: Outcome) -> Outcome:
        """A refused refresh (invalid_grant: revoked, expired, password changed) needs the user; a
        refresh that got no answer published nothing, so it may simply be tried again later."""
        message = self.scrub(outcome).message
        if outcome.status == "unauthorized" and outcome.message.startswith("Google refused"):
            return self.scrub(outcome)  # Google named the credential (token_refusals)
        if outcome.status in ("rejected", "unauthorized"):
            return Outcome.unauthorized(
                _(
                    "YouTube's access could not be renewed (%(said)s): reconnect the account on the Accounts page",
                    said=message,
                )
            )
        if outcome.status == "unconfirmed":
            return Outcome.retry(
                _("renewing YouTube's access got no answer (%(said)s); nothing was published", said=message)
            )
        return self.scrub(outcome)

    def scrub(self, outcome: Outcome) -> Outcome:
        """No token or client secret in an outcome, even if a service echoes one."""
        message = outcome.message
        for secret in (self.current, *self.account.secrets.values()):
            if isinstance(secret, str) and len(secret) >= 4:
                message = message.replace(secret, "[secret]")
        if message == outcome.message:
            return outcome
        return Outcome(outcome.status, message, outcome.remote_id, outcome.url, outcome.retry_after)
