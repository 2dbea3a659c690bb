"""The X API v2 under an OAuth 2.0 user token: one delivery's calls, the token renewed when it has
expired (or X answers 401), pictures uploaded with their alt text, tweets posted."""

import base64
import time
from datetime import datetime

from channels.base import DeliveryFailure, Outcome, as_utc
from channels.credentials import answer_data, refused, said
from channels.http import multipart
from channels.shaping import before_publishing, fetch_image, file_name
from scheduler.domain.language import N_, _

API = "https://api.x.com"
IMAGE_MAX_BYTES = 5 * 1024 * 1024
ALT_MAX = 1000
EXPIRY_MARGIN = 60  # seconds: a token this close to its end is renewed before use
RECONNECT = N_("reconnect the account on the Accounts page with a new access token and refresh token")
# X's error codes (``errors[].code``, kept by the v1.1 endpoints and some v2 answers, often under a 400)
# that mean the token itself was refused: renewing it may help
TOKEN_CODES = {32, 89, 99, 135, 215}
# and those that mean the account or the app may not do this, whatever the token: a person must act
ACCOUNT_CODES = {
    64: N_("the X account is suspended"),
    220: N_("the token does not allow this (its scopes): authorise again with tweet.write, users.read and media.write"),
    261: N_(
        "the app may not write: set its permissions to Read and write in the developer portal, then authorise again"
    ),
    326: N_("the X account is locked: log in to X to unlock it"),
    453: N_("the app's access level does not include this endpoint: check its plan in the developer portal"),
}


class XSession:
    """One delivery's exchanges with the X API, under the account's user token; an expired token
    (a stored ``expires_at`` in the past, or a 401) is renewed once per delivery with the refresh token,
    and the renewed tokens are saved at once (X voids the old refresh token as it gives a new one)."""

    def __init__(self, context):
        account = context.account
        self.context, self.http = context, context.http
        self.api = account.setting("api_base", API).rstrip("/")
        self.client_id = account.setting("client_id")
        self.token = account.secret("access_token")
        self.refresh_token = account.secret("refresh_token")
        self.client_secret = account.secret("client_secret")
        self.expires_at = _timestamp(account.secret("expires_at"))
        self.refreshed = False
        self.failed_status: int | None = None
        self.token_refused = False  # the last failure named the token (worth renewing it once)

    def expired(self) -> bool:
        return (
            self.expires_at is not None and self.expires_at - EXPIRY_MARGIN <= time.time() and bool(self.refresh_token)
        )

    def call(self, method: str, path: str, **kwargs):
        try:
            return self._send(method, path, **kwargs)
        except DeliveryFailure:
            if self.refreshed or not self.token_refused:
                raise
        self.refresh()
        return self._send(method, path, **kwargs)

    def _send(self, method: str, path: str, **kwargs):
        """One request under the current token; ``failed_status`` keeps the status of an answer that was a
        failure (the client logs each answer before raising), None when no answer came."""
        log = getattr(self.http, "log", None)
        before = len(log) if log is not None else 0
        self.failed_status, self.token_refused = None, False
        try:
            return self.http.request(
                method, self.api + path, headers=self._authorization(), classify=self.classify, **kwargs
            )
        except DeliveryFailure:
            if log is not None and len(log) > before:
                self.failed_status = log[-1][2]
            raise

    def classify(self, response) -> Outcome | None:
        """What an X answer means for the account: a refused token (401, or codes 32, 89, 215... even
        under a 400), a suspended or locked account, an app without write access or the right plan, a
        token of the wrong kind (the app's bearer token); a duplicate tweet is the post's problem."""
        if 200 <= response.status < 300:
            return None
        data = answer_data(response)
        data = data if isinstance(data, dict) else {}
        errors = data.get("errors") if isinstance(data.get("errors"), list) else []
        errors = [e for e in errors if isinstance(e, dict)]
        codes = {e.get("code"): said(e.get("message")) for e in errors if isinstance(e.get("code"), int)}
        words = said(data.get("detail") or data.get("title") or next(iter(codes.values()), "")) or f"{response.status}"
        problem = str(data.get("type") or "")
        if TOKEN_CODES & codes.keys() or response.status == 401:
            self.token_refused = True
            return refused("X", N_("access token"), words, RECONNECT)
        for code, fix in ACCOUNT_CODES.items():
            if code in codes:
                return refused("X", N_("account's access"), words, fix)
        if response.status != 403:
            return None
        if "duplicate" in words.lower():
            return Outcome.rejected(_("X refused the tweet: %(said)s", said=words))
        if problem.endswith("/client-forbidden"):
            return refused(
                "X",
                N_("app behind the token"),
                words,
                N_(
                    "attach the app to a Project with access to the API v2 in the developer portal, then "
                    "authorise again"
                ),
            )
        if problem.endswith("/unsupported-authentication"):
            return refused(
                "X", N_("access token"), words, N_("give an OAuth 2.0 user token (not the app's bearer token)")
            )
        return refused(
            "X",
            N_("account's access"),
            words,
            N_(
                "check that the app may read and write and that the token has tweet.write, users.read and "
                "media.write; reconnect the account on the Accounts page with a new access token and refresh token"
            ),
        )

    def _authorization(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def refresh(self) -> None:
        """POST /2/oauth2/token (grant_type=refresh_token); a refusal means the account must be reconnected."""
        self.refreshed = True
        if not (self.refresh_token and self.client_id):
            raise DeliveryFailure(
                Outcome.unauthorized(
                    _(
                        "the X access token has expired and cannot be renewed without a refresh token and the "
                        "client ID: reconnect the account on the Accounts page"
                    )
                )
            )
        headers = {}
        if self.client_secret:
            pair = f"{self.client_id}:{self.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token, "client_id": self.client_id}
        try:
            with before_publishing(_("renewing the X access token")):
                data = self.http.request(
                    "POST",
                    self.api + "/2/oauth2/token",
                    form=form,
                    headers=headers,
                    classify=renewal_refusals(bool(self.client_secret)),
                ).json()
        except DeliveryFailure as failure:
            if failure.outcome.status in ("retry", "unauthorized"):
                raise
            raise DeliveryFailure(
                Outcome.unauthorized(
                    _(
                        "could not renew the X access token (%(said)s): %(fix)s",
                        said=failure.outcome.message,
                        fix=_(RECONNECT),
                    )
                )
            ) from None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise DeliveryFailure(
                Outcome.unauthorized(
                    _("X renewed no access token (its answer had none): reconnect the account on the Accounts page")
                )
            )
        self.token = token
        self.refresh_token = data.get("refresh_token") or self.refresh_token
        lifetime = data.get("expires_in")
        self.expires_at = time.time() + float(lifetime) if isinstance(lifetime, (int, float)) else None
        if self.context.save_secrets:
            self.context.save_secrets(
                {
                    "access_token": self.token,
                    "refresh_token": self.refresh_token,
                    "expires_at": str(int(self.expires_at)) if self.expires_at else "",
                }
            )

    def upload(self, item: dict) -> str:
        """POST /2/media/upload (multipart: media, media_category), then its alt text (POST /2/media/metadata)."""
        data, kind = fetch_image(self.http, item, IMAGE_MAX_BYTES, "X")
        body, content_type = multipart(
            {"media_category": "tweet_image"}, {"media": (file_name(item["url"], kind), data, kind)}
        )
        with before_publishing(_("uploading the image %(url)s to X", url=item["url"])):
            answer = self.call("POST", "/2/media/upload", body=body, content_type=content_type).json()
            media_id = _data_id(answer)
            if not media_id:
                raise DeliveryFailure(
                    Outcome.retry(_("uploading the image %(url)s to X gave no media id", url=item["url"]))
                )
            if item.get("alt"):
                self.call(
                    "POST",
                    "/2/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": item["alt"][:ALT_MAX]}}},
                )
        return media_id

    def tweet(self, body: dict) -> str:
        """POST /2/tweets; the new tweet's id."""
        answer = self.call("POST", "/2/tweets", json=body).json()
        tweet_id = _data_id(answer)
        if not tweet_id:
            raise DeliveryFailure(
                Outcome.unconfirmed(
                    _(
                        "X accepted the tweet but named no id: check the profile, then mark it published or send "
                        "it again"
                    )
                )
            )
        return tweet_id


def renewal_refusals(confidential: bool):
    """How X's token service refuses to renew (RFC 6749 codes, under a 400 or a 401): the refresh token
    spent or revoked (invalid_request, invalid_grant), or the client not who it says (invalid_client,
    unauthorized_client: a wrong client ID, or a confidential client without its secret)."""

    def classify(response) -> Outcome | None:
        if 200 <= response.status < 300:
            return None
        data = answer_data(response)
        data = data if isinstance(data, dict) else {}
        code = str(data.get("error") or "")
        words = said(" ".join(part for part in (code, str(data.get("error_description") or "")) if part))
        if "client" in code:
            credential = N_("client ID and client secret") if confidential else N_("client ID")
        elif code or response.status in (400, 401, 403):
            credential = N_("refresh token")
        else:
            return None
        return refused(
            "X",
            credential,
            words or str(response.status),
            _(
                "the access token could not be renewed: reconnect the account on the Accounts page with a new "
                "access token and refresh token"
            ),
        )

    return classify


def _data_id(answer) -> str:
    data = answer.get("data") if isinstance(answer, dict) else None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value else ""


def _timestamp(value: str) -> float | None:
    """``expires_at`` as saved (seconds since 1970), or an ISO 8601 time; None when unknown."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))).timestamp()
    except ValueError:
        return None
