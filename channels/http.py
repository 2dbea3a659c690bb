"""The HTTP client every live adapter uses, and the one place that turns what happened on the wire
into an honest ``Outcome``.

Whether a request may be sent again depends on one question: could the service have received it?
- it failed before the request was fully sent (no connection, refused, reset while sending):
  the service cannot have acted on it → ``retry``;
- it was sent and then nothing came back (timeout, dropped connection): it may have been
  published → ``unconfirmed``, never retried by itself;
- the service answered: 2xx is the adapter's to read; 401/403 → ``unauthorized``; 429 and 5xx →
  ``retry``, honouring ``Retry-After`` and the rate-limit headers; any other 4xx → ``rejected``, with
  the service's own message.
``http.client`` is used directly because it tells these moments apart; higher-level clients retry
and redirect on their own, which is exactly what a publisher must not do. A redirect is an answer
like any other 3xx: ``rejected``, never followed, so a token never travels to an address it was not
given for.

Every address here was typed by a person (an instance, a PDS, a webhook, an image on a post), so every
connection goes through the guarded path of ``scheduler.infra.outbound``: the name resolved once, an
inside address (loopback, private, link-local, cloud metadata...) refused unless ``allow`` (the
admin's REFRAIN_FETCH_ALLOW) lets it through, and the socket connected to the very address checked.
A refused address is ``rejected``: nothing was sent, and trying again would only be refused again.
"""

from __future__ import annotations

import html
import http.client
import json as jsonlib
import re
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

from channels.base import DeliveryFailure, Outcome
from scheduler.domain.language import _
from scheduler.infra.outbound.connection import connect, tls_context
from scheduler.infra.outbound.errors import Refused
from scheduler.infra.outbound.guard import AllowList, parse_allow

USER_AGENT = "Refrain/0.1 (+https://github.com/refrain)"
MAX_BODY = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
SERVICE_MESSAGE_MAX = 300


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str = ""

    def json(self):
        try:
            return jsonlib.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            raise DeliveryFailure(
                Outcome.unconfirmed(
                    _(
                        "%(url)s answered %(status)s with a body that is not JSON; check whether it was published",
                        url=self.url,
                        status=self.status,
                    )
                )
            )

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class HttpClient:
    timeout: float = DEFAULT_TIMEOUT
    # told how long the account must pause (a 429's Retry-After, or no requests left before a reset)
    on_pause: Callable[[float], None] | None = None
    user_agent: str = USER_AGENT
    log: list = field(default_factory=list)  # method, url and status of each exchange: never bodies or headers
    # the inside addresses the admin lets deliveries reach (REFRAIN_FETCH_ALLOW); none by default
    allow: AllowList | tuple[str, ...] | list[str] = ()

    def __post_init__(self):
        self.allow = parse_allow(self.allow)

    def request(
        self,
        method: str,
        url: str,
        *,
        json=None,
        form: Mapping | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping | None = None,
        content_type: str = "",
        errors_as_answers: bool = False,
        classify: Callable[[Response], Outcome | None] | None = None,
    ) -> Response:
        """One exchange; returns 2xx responses, raises ``DeliveryFailure`` with the right outcome otherwise.

        With ``errors_as_answers`` every answer comes back, for services whose error bodies say more
        than their status (Graph's error codes); failures on the wire still raise. ``classify`` is the
        channel's own reading of an answer, asked first (``None``: the usual verdict by status): a
        service that says "your token is revoked" in a 400, or in a code inside its body, is
        ``unauthorized`` only if the channel knows its words."""
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        payload, kind = _payload(json, form, body, content_type)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DeliveryFailure(
                Outcome.rejected(_("%(url)s is not an http(s) address; check the account's settings", url=repr(url)))
            )
        sent_headers = {"User-Agent": self.user_agent, "Accept": "application/json", **(headers or {})}
        if kind:
            sent_headers.setdefault("Content-Type", kind)
        response = self._exchange(method, parts, url, payload, sent_headers)
        self.log.append((method, _without_query(url), response.status))
        self._note_rate_limit(response)
        failure = (classify(response) if classify else None) or outcome_for(response)
        failure = None if errors_as_answers else failure
        if failure is not None:
            raise DeliveryFailure(failure)
        return response

    def _exchange(self, method, parts, url, payload, headers) -> Response:
        connection = self._connect(parts)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                connection.request(method, path, body=payload, headers=headers)
            except (ValueError, UnicodeError):  # a header (a token pasted with a newline or a curly quote)
                raise DeliveryFailure(
                    Outcome.rejected(
                        _(
                            "a header of the request cannot be sent (an account setting or secret holds a "
                            "character HTTP headers refuse): reconnect the account"
                        )
                    )
                ) from None
            except (OSError, http.client.HTTPException) as error:
                raise DeliveryFailure(
                    Outcome.retry(
                        _(
                            "the connection to %(hostname)s broke before the request was sent: %(reason)s",
                            hostname=parts.hostname,
                            reason=_reason(error),
                        )
                    )
                ) from None
            try:
                answer = connection.getresponse()
                data = answer.read(MAX_BODY + 1)
            except (OSError, http.client.HTTPException) as error:
                raise DeliveryFailure(
                    Outcome.unconfirmed(
                        _(
                            "%(hostname)s received the request but gave no answer (%(reason)s); it may have "
                            "been published: check, then mark it published or send it again",
                            hostname=parts.hostname,
                            reason=_reason(error),
                        )
                    )
                ) from None
            return Response(answer.status, _joined(answer.getheaders()), data[:MAX_BODY], url)
        finally:
            connection.close()

    def _connect(self, parts) -> http.client.HTTPConnection:
        """A connection already open to a checked address of the host (TLS for the host's name), so
        http.client never resolves or connects by itself; nothing is sent before this returns."""
        https = parts.scheme == "https"
        try:
            port = parts.port or (443 if https else 80)
        except ValueError:
            raise DeliveryFailure(
                Outcome.rejected(
                    _("%(shown_url)s has no valid port; check the account's settings", shown_url=_shown_url(parts))
                )
            )
        host = parts.hostname
        try:
            sock = connect(host, port, allow=self.allow, deadline=time.monotonic() + self.timeout, tls=https)
        except Refused as refusal:
            raise DeliveryFailure(Outcome.rejected(_("%(refusal)s; nothing was sent", refusal=refusal))) from None
        except (OSError, ssl.SSLError) as error:
            raise DeliveryFailure(
                Outcome.retry(_("could not reach %(host)s: %(reason)s", host=host, reason=_reason(error)))
            ) from None
        # from here each read and write gets the whole timeout again, as before the connection: an
        # upload may take longer than one timeout in all, as long as it keeps moving
        sock.deadline = None
        sock.settimeout(self.timeout)
        if https:
            connection = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=tls_context())
        else:
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        connection.sock = sock  # connected to the checked address: http.client must not connect again
        return connection

    def _note_rate_limit(self, response: Response) -> None:
        pause = pause_for(response)
        if pause and self.on_pause:
            self.on_pause(pause)


def _joined(headers) -> dict[str, str]:
    """Lower-case names; a header sent more than once (WordPress sends ``Link`` once per relation)
    keeps every value, comma-separated as HTTP allows, not only the last."""
    joined: dict[str, str] = {}
    for name, value in headers:
        name = name.lower()
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def _shown_url(parts) -> str:
    return repr(f"{parts.scheme}://{parts.netloc}")


def _payload(json, form, body, content_type):
    if json is not None:
        return jsonlib.dumps(json, ensure_ascii=False).encode("utf-8"), "application/json"
    if form is not None:
        return urlencode(form).encode("utf-8"), "application/x-www-form-urlencoded"
    return body, content_type


def _reason(error: BaseException) -> str:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return _("timed out")
    return str(error) or type(error).__name__


def _without_query(url: str) -> str:
    """Logged addresses lose their query: some services put tokens there."""
    return url.split("?", 1)[0]


def multipart(fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body (media uploads): fields, and files as (filename, bytes, content type)."""
    boundary = f"refrain-{uuid.uuid4().hex}"
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, kind) in files.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# --- what an answer means ----------------------------------------------------------------------------


def outcome_for(response: Response) -> Outcome | None:
    """None for a 2xx (the adapter reads it); the outcome any other status means."""
    status = response.status
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return Outcome.rejected(
            _(
                "%(host)s answered %(status)s, a redirect to another address, which deliveries "
                "never follow (the account's credentials would go with it): check the account's "
                "address",
                host=_host(response.url),
                status=status,
            )
        )
    message = f"{_host(response.url)} answered {status}: {service_message(response)}"
    if status in (401, 403):
        return Outcome.unauthorized(message)
    if status == 429 or status >= 500:
        return Outcome.retry(message, retry_after=retry_after(response))
    if status == 408:
        return Outcome.retry(message, retry_after=retry_after(response))
    return Outcome.rejected(message)


def _host(url: str) -> str:
    return urlsplit(url).hostname or _("the service")


def service_message(response: Response) -> str:
    """The service's own words about what went wrong, from the usual places of its JSON (``error``,
    ``message``, ``error_description``...), as plain words (WordPress puts HTML in its messages); for
    an HTML page (a web server's or a proxy's error page) its title; else the status's standard phrase.
    Short either way: at most ``SERVICE_MESSAGE_MAX`` characters.

    Never the body itself: the reason is stored on the post and shown to people, and the answer may
    come from anywhere (a proxy's error page, an internal service's page listing what it holds), so
    only a field a service deliberately filled for its clients, or a page's title, is repeated."""
    text = response.body.decode("utf-8", "replace")
    try:
        data = jsonlib.loads(text)
    except ValueError:
        data = None
    found = _first_message(data) if isinstance(data, (dict, list)) else ""
    if not found and data is None:
        title = PAGE_TITLE.search(text[:PAGE_HEAD])
        found = _("a page titled “%(title)s”", title=_plain(title.group(1))) if title and _plain(title.group(1)) else ""
    found = _plain(found)
    if len(found) > SERVICE_MESSAGE_MAX:
        found = found[: SERVICE_MESSAGE_MAX - 1].rstrip() + "…"
    return found or http.client.responses.get(response.status, "error")


PAGE_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
PAGE_HEAD = 20_000  # where a page's title is looked for
TAG = re.compile(r"<[^>]*>")


def _plain(text: str) -> str:
    """Words without markup, entities or control characters, on one line."""
    text = html.unescape(TAG.sub(" ", text))
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(text.split())


def _first_message(data) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, list) and data:
        return _first_message(data[0])
    if isinstance(data, dict):
        for key in ("error_description", "message", "detail", "error", "errors", "title", "msg"):
            if key in data and data[key]:
                found = _first_message(data[key])
                if found:
                    return found
    return ""


def retry_after(response: Response) -> float | None:
    """Seconds to wait: Retry-After (seconds or a date), else the rate-limit reset headers."""
    value = response.header("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            try:
                return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
            except (TypeError, ValueError):
                pass
    return _reset_in(response)


def _reset_in(response: Response) -> float | None:
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        value = response.header(name)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:  # Mastodon gives an ISO 8601 time
                from datetime import datetime

                return max(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - time.time(), 0.0)
            except ValueError:
                continue
        # an epoch time (X: seconds since 1970) or a number of seconds (the IETF draft's RateLimit-Reset)
        return max(number - time.time(), 0.0) if number > 1e9 else max(number, 0.0)
    return None


def pause_for(response: Response) -> float | None:
    """How long the account must not be used: after a 429, or when no requests are left before a reset."""
    if response.status == 429:
        return retry_after(response) or 60.0
    for name in ("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining"):
        value = response.header(name)
        if value.strip() == "0":
            return _reset_in(response) or 60.0
    return None
