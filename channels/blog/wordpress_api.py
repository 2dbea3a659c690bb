"""WordPress's REST API as the blog's WordPress target reaches it: where the API is, how a route is
addressed there, and what WordPress's refusals mean.

Where: found from the account's Site address, never assumed. WordPress announces its API root in a
``Link: <…>; rel="https://api.w.org/"`` header on its pages; a site without pretty permalinks has no
``/wp-json/`` (that is the web server's own 404) but always answers ``?rest_route=/``. The two shapes
address a route differently (``…/wp-json/wp/v2/posts`` and ``…/?rest_route=/wp/v2/posts``), so every
route is built from the root found.

Refusals: a wrong user or application password is not always a 401. WordPress treats credentials it
cannot use as no credentials at all, and then answers as to anyone: ``401 rest_not_logged_in``, or a
400 whose detail says the *parameter* was refused with 401 (``rest_forbidden_status`` on a
``status=draft`` lookup). Either way the account needs reconnecting, and says so.
"""

import base64
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from channels.base import Account, DeliveryFailure, Outcome
from channels.http import Response, outcome_for, service_message
from scheduler.domain.language import N_, _

API_REL = "https://api.w.org/"
LINK = re.compile(r"<([^>]*)>([^<]*)")
REL = re.compile(r"""\brel\s*=\s*"?([^";,]+)"?""", re.IGNORECASE)


@dataclass(frozen=True)
class WordPressApi:
    """One site's API, reached with one user's application password."""

    http: object  # channels.http.HttpClient
    root: str  # http://site/wp-json/ or http://site/index.php?rest_route=/
    user: str
    password: str

    def url(self, route: str) -> str:
        return route_url(self.root, route)

    def ask(self, route: str, params: dict | None = None) -> Response:
        """A GET whose every answer comes back. It changes nothing, so a lost answer is worth a retry,
        never 'unconfirmed'."""
        try:
            return self.http.request(
                "GET", self.url(route), params=params, headers=self._auth(), errors_as_answers=True
            )
        except DeliveryFailure as failure:
            if failure.outcome.status == "unconfirmed":
                raise DeliveryFailure(Outcome.retry(failure.outcome.message.split(";")[0])) from None
            raise

    def read(self, route: str, params: dict | None = None):
        """A GET, as JSON; any answer but a success is the failure it means."""
        response = self.ask(route, params)
        self.judge(response)
        return self.parsed(response)

    def parsed(self, response: Response):
        """A read's JSON: an answer that is not JSON means the address is not WordPress's API."""
        try:
            return json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise DeliveryFailure(
                Outcome.rejected(
                    _(
                        "%(root)s did not answer as the WordPress REST API does: check the account's Site address",
                        root=self.root,
                    )
                )
            ) from None

    def write(self, method: str, route: str, article: dict | None = None):
        """A POST or DELETE, as JSON; a lost answer is 'unconfirmed' (it may have been done)."""
        response = self.http.request(
            method, self.url(route), json=article, headers=self._auth(), errors_as_answers=True
        )
        self.judge(response)
        return response.json()

    def _auth(self) -> dict:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def judge(self, response: Response) -> None:
        """Raises the failure an answer that is not a success means."""
        failure = refusal(response, self.user)
        if failure is not None and failure.message.startswith(_(PASSWORD_REFUSED)) and not self.takes_app_passwords():
            failure = Outcome.unauthorized(
                _(
                    "the WordPress at %(root)s does not take application passwords (they need https, "
                    "or a site whose environment type is local, and a plugin can switch them off): "
                    "use its https address, then reconnect the account",
                    root=self.root,
                )
            )
        failure = failure or outcome_for(response)
        if failure is not None:
            raise DeliveryFailure(failure)

    def takes_app_passwords(self) -> bool:
        """Whether the site's API index lists application passwords among its ways in (WordPress
        ignores them, and answers as to anyone, when they are not available); True when it cannot tell."""
        try:
            response = self.http.request("GET", self.root, params={"_fields": "authentication"}, errors_as_answers=True)
            index = json.loads(response.body.decode("utf-8"))
        except (DeliveryFailure, UnicodeDecodeError, ValueError):
            return True
        if not isinstance(index, dict) or "authentication" not in index:
            return True
        ways = index["authentication"]  # PHP's empty array, [], when there is none
        return isinstance(ways, dict) and "application-passwords" in ways


def connect(account: Account, http) -> WordPressApi:
    """The API of the account's site, found by ``discover``."""
    root = discover(http, account.setting("site_url").strip())
    return WordPressApi(http, root, account.setting("user").strip(), account.secret("app_password"))


def discover(http, site: str) -> str:
    """The API root the site announces (a HEAD of the site), else ``?rest_route=/`` when it answers as
    WordPress's index does; else a rejection in plain words. Nothing here carries the password."""
    base = site if site.endswith("/") else site + "/"
    page = _asked(http, "HEAD", base)
    root = announced_root(page)
    if not root:
        index = base + "?rest_route=/"
        answer = _asked(http, "GET", index + "&_fields=namespaces")  # the whole index is 150 kB
        root = index if 200 <= answer.status < 300 and _is_index(answer) else announced_root(answer)
        if not root:
            if answer.status == 429 or answer.status >= 500:
                raise DeliveryFailure(outcome_for(answer))
            moved = page.header("location") if 300 <= page.status < 400 else ""
            if moved:
                raise DeliveryFailure(
                    Outcome.rejected(
                        _(
                            "%(site)s answers with a redirect to %(value)s: set the account's Site address to "
                            "the address WordPress itself uses",
                            site=site,
                            value=moved[:200],
                        )
                    )
                )
            raise DeliveryFailure(
                Outcome.rejected(
                    _(
                        "%(site)s does not look like a WordPress site: no REST API found at %(index)s and "
                        "none announced by the site: check the account's Site address",
                        site=site,
                        index=index,
                    )
                )
            )
    if _origin(root) != _origin(base):
        raise DeliveryFailure(
            Outcome.rejected(
                _(
                    "%(site)s announces its REST API at %(value)s, another address: the application "
                    "password is only sent to the Site address, so set the Site address to the one "
                    "WordPress uses",
                    site=site,
                    value=root[:200],
                )
            )
        )
    return root


def _asked(http, method: str, url: str) -> Response:
    """A look at the site that changed nothing: every answer comes back; a lost one is a retry."""
    try:
        return http.request(method, url, errors_as_answers=True, headers={"Accept": "*/*"})
    except DeliveryFailure as failure:
        if failure.outcome.status == "unconfirmed":
            raise DeliveryFailure(Outcome.retry(failure.outcome.message.split(";")[0])) from None
        raise


def announced_root(response: Response) -> str:
    """The API root in the answer's ``Link`` header (rel="https://api.w.org/"), or ""."""
    for target, params in LINK.findall(response.header("link")):
        if any(rel.strip() == API_REL for found in REL.findall(params) for rel in found.split()):
            return target.strip()
    return ""


def _is_index(response: Response) -> bool:
    try:
        index = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or [])


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def route_url(root: str, route: str) -> str:
    """A route (``wp/v2/posts/5``) under the API root, in the root's shape: a path under ``/wp-json/``,
    or the ``rest_route`` parameter (the client adds further parameters with ``&``)."""
    parts = urlsplit(root)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "rest_route" for name, _ in query):
        query = [(name, f"{value.rstrip('/')}/{route}" if name == "rest_route" else value) for name, value in query]
        return urlunsplit(parts._replace(query=urlencode(query, safe="/")))
    return root.rstrip("/") + "/" + route


# --- what a refusal means ----------------------------------------------------------------------------

PASSWORD_CODES = {
    "incorrect_password",
    "invalid_username",
    "invalid_email",
    "rest_not_logged_in",
    "application_passwords_disabled",
    "application_passwords_disabled_for_user",
}


PASSWORD_REFUSED = N_("WordPress refused the user or application password")


def refusal(response: Response, user: str) -> Outcome | None:
    """``unauthorized`` when WordPress refused the credentials (a 401, also one nested in a 400's
    details) or the user's rights (a 403): the account is then marked to be reconnected."""
    if 200 <= response.status < 300:
        return None
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    data = data if isinstance(data, dict) else {}
    nested = _nested(data)
    statuses = {response.status} | set(nested)
    said = nested.get(401) or nested.get(403) or service_message(response)
    if 401 in statuses or data.get("code") in PASSWORD_CODES:
        return Outcome.unauthorized(
            _(
                "%(password_refused)s (it said: %(said)s): check the WordPress user, create a new "
                "application password under Users → Profile and reconnect the account",
                password_refused=_(PASSWORD_REFUSED),
                said=said,
            )
        )
    if 403 in statuses:
        return Outcome.unauthorized(
            _(
                "WordPress does not let the user %(user)s do this (it said: %(said)s): it needs a "
                "role that can publish posts (Author or above); reconnect the account with such a "
                "user",
                user=repr(user),
                said=said,
            )
        )
    return None


def _nested(data: dict) -> dict[int, str]:
    """Why a 400's parameters were refused, by status (``data.details.<param>.data.status``) and in
    WordPress's words."""
    details = data.get("data", {}).get("details") if isinstance(data.get("data"), dict) else None
    found = {}
    for detail in details.values() if isinstance(details, dict) else ():
        inner = detail.get("data") if isinstance(detail, dict) else None
        if isinstance(inner, dict) and isinstance(inner.get("status"), int):
            found.setdefault(inner["status"], " ".join(str(detail.get("message") or "").split())[:200])
    return found
