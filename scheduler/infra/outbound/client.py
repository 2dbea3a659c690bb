"""Fetching feeds whose addresses users typed in: ``fetch``, a bounded GET.

``fetch`` speaks only http and https, over ``connection``'s checked connections; every redirect goes
through the same checks. One deadline covers the whole exchange, redirects included, and one cap
the body's size, after decompression (``body``). The bytes returned go to feedparser, never the URL.
"""

from __future__ import annotations

import http
import http.client
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from scheduler.infra.outbound.body import read_body
from scheduler.infra.outbound.connection import connect
from scheduler.infra.outbound.errors import FetchError, Refused, shown
from scheduler.infra.outbound.guard import AllowList, ip_literal, normal_host, parse_allow

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "Refrain feed reader (+https://github.com/refrain)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow: AllowList | Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
) -> Fetched:
    """GET a feed, following redirects; raises FetchError (or Refused) with a message for the user."""
    allow = parse_allow(allow)
    limits = _Limits(deadline=time.monotonic() + timeout, timeout=timeout, max_bytes=max_bytes)
    conditions = _conditional_headers(etag, last_modified)
    current = url
    for _hop in range(max_redirects + 1):
        target = _Target.parse(current)
        answer = _exchange(target, conditions, allow, limits)
        if answer.location is None:
            return _fetched(current, answer, etag, last_modified)
        current = urljoin(current, answer.location)
    raise FetchError(f"too many redirects (more than {max_redirects})", "too_many_redirects")


@dataclass(frozen=True)
class _Limits:
    deadline: float
    timeout: float
    max_bytes: int

    def timed_out(self) -> FetchError:
        return FetchError(f"no answer within {self.timeout:g} s", "timeout")


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    location: str | None  # set for a redirect, which is all the caller needs of it


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), lower case, IPv6 without brackets
    port: int
    request_path: str

    @classmethod
    def parse(cls, url: str) -> _Target:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise FetchError(f"{shown(url)} is not a valid web address", "bad_url") from None
        scheme = parts.scheme.lower()
        if scheme and scheme not in DEFAULT_PORTS:
            raise Refused(f"refused: only http and https feeds can be fetched, not {scheme}:")
        if not scheme or not parts.netloc:
            raise FetchError(f"{shown(url)} is not a web address (it should start with https:// or http://)", "bad_url")
        if parts.username is not None or parts.password is not None:
            raise FetchError("feed addresses with a user name or password are not supported", "bad_url")
        host = _url_host(parts.hostname or "", url)
        if port == 0:
            raise FetchError(f"{shown(url)} is not a valid web address (port 0)", "bad_url")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return cls(scheme, host, port or DEFAULT_PORTS[scheme], quote(path, safe="/%:@!$&'()*+,;=-._~?"))

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def _url_host(hostname: str, url: str) -> str:
    if ip_literal(hostname):
        return hostname
    host = normal_host(hostname)
    if not host or not re.fullmatch(r"[a-z0-9._-]+", host):
        raise FetchError(f"{shown(url)} is not a valid web address (bad host name)", "bad_url")
    return host


def _conditional_headers(etag: str | None, last_modified: str | None) -> list[tuple[str, str]]:
    headers = [("If-None-Match", etag), ("If-Modified-Since", last_modified)]
    # a validator a server gave us earlier is untrusted too: one that can't be a header is dropped
    return [(name, value) for name, value in headers if value and not re.search(r"[\x00-\x1f\x7f]", value)]


def _exchange(target: _Target, conditions, allow: AllowList, limits: _Limits) -> _Answer:
    """One request and its answer, with every failure turned into a FetchError naming the host."""
    connection = None
    try:
        connection = _connect(target, allow, limits)
        response = _send(connection, target, conditions)
        if response.status in REDIRECTS:
            return _Answer(response.status, response.headers, b"", _redirect_location(response))
        return _Answer(response.status, response.headers, read_body(response, limits.max_bytes), None)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as error:
        if isinstance(error, TimeoutError) or time.monotonic() >= limits.deadline:
            raise limits.timed_out() from error
        raise FetchError(_network_problem(error, target.host), "network") from error
    finally:
        if connection is not None:
            connection.close()


def _redirect_location(response: http.client.HTTPResponse) -> str:
    location = (response.getheader("Location") or "").strip()
    if not location:
        raise FetchError(
            f"the server answered {_status_text(response.status)} without saying where to go",
            "http_status",
            response.status,
        )
    return location


def _fetched(url: str, answer: _Answer, etag: str | None, last_modified: str | None) -> Fetched:
    status = answer.status
    if status != 304 and not 200 <= status < 300:
        raise FetchError(f"the server answered {_status_text(status)}", "http_status", status)
    headers = answer.headers
    not_modified = status == 304
    return Fetched(
        url=url,
        status=status,
        content=answer.body,
        content_type=headers.get("Content-Type", "") or "",
        etag=headers.get("ETag") or (etag if not_modified else None),
        last_modified=headers.get("Last-Modified") or (last_modified if not_modified else None),
    )


def _connect(target: _Target, allow: AllowList, limits: _Limits) -> http.client.HTTPConnection:
    sock = connect(target.host, target.port, allow=allow, deadline=limits.deadline, tls=target.scheme == "https")
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected to the checked address: http.client must not connect again
    return connection


def _send(connection: http.client.HTTPConnection, target: _Target, conditions) -> http.client.HTTPResponse:
    connection.putrequest("GET", target.request_path, skip_host=True, skip_accept_encoding=True)
    headers = [
        ("Host", target.host_header),
        ("User-Agent", USER_AGENT),
        ("Accept", ACCEPT),
        ("Accept-Encoding", "gzip, deflate"),
        ("Connection", "close"),
        *conditions,
    ]
    for name, value in headers:
        connection.putheader(name, value)
    connection.endheaders()
    return connection.getresponse()


# --- messages --------------------------------------------------------------------------------------


def _network_problem(error: BaseException, host: str) -> str:
    if isinstance(error, socket.gaierror):
        return f"could not find the server {host}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the certificate of {host} is not valid ({error.verify_message or 'verification failed'})"
    if isinstance(error, ssl.SSLError):
        return f"the secure connection to {host} failed ({error.reason or 'TLS error'})"
    if isinstance(error, http.client.RemoteDisconnected):
        return f"{host} closed the connection without answering"
    if isinstance(error, http.client.IncompleteRead):
        return f"the connection to {host} was cut before the whole feed arrived"
    if isinstance(error, http.client.HTTPException):
        return f"{host} did not answer with valid HTTP"
    if isinstance(error, ConnectionRefusedError):
        return f"{host} refused the connection"
    if isinstance(error, ConnectionResetError):
        return f"{host} reset the connection"
    return (
        f"could not reach {host} ({error.strerror or error})"
        if isinstance(error, OSError)
        else f"could not reach {host}"
    )


def _status_text(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)  # the server's own reason phrase is not repeated: it is untrusted text
