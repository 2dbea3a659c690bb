"""Fetching feeds whose addresses users typed in, without letting those addresses reach inside.

A feed URL is untrusted input. Fetched naively by the server, it lets any user make Refrain request
its own admin ports, the cloud's metadata service (and the machine's credentials with it) or any
host of the internal network, and read the answer back on the feed's page: server-side request
forgery (SSRF). A hostile server can also hold a worker forever by trickling bytes, or exhaust its
memory with an endless or gzip-bombed body.

So ``fetch`` speaks only http and https; resolves the host name itself and refuses any address that
isn't public unless the admin allowed it (REFRAIN_FETCH_ALLOW); then connects to that very address,
because a second DNS lookup could answer differently (DNS rebinding), while the real host name goes
in the Host header, in SNI and in the certificate check. Every redirect goes through the same
checks. One deadline covers the whole exchange, redirects included, and one cap the body's size,
after decompression. Proxies from the environment are deliberately not used. The bytes returned go
to feedparser, never the URL.
"""

from __future__ import annotations

import functools
import http
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5

ALLOW_SETTING = "REFRAIN_FETCH_ALLOW"
USER_AGENT = "Refrain feed reader (+https://github.com/refrain)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
READ_SIZE = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A feed could not be fetched. ``str(error)`` is for the feed's page; ``reason`` is a short code:
    refused, too_large, timeout, too_many_redirects, bad_url, http_status or network."""

    def __init__(self, message: str, reason: str = "network", status: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.status = status

    def __reduce__(self):
        return type(self), (str(self), self.reason, self.status)


class Refused(FetchError):
    """The address is one Refrain must not fetch from (not public, or not http/https)."""

    def __init__(self, message: str, reason: str = "refused", status: int | None = None):
        super().__init__(message, "refused")


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


# --- what the admin allows -------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowList:
    """Host names and networks the admin lets feeds be fetched from although they aren't public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    def allows(self, host: str, address: IPAddress) -> bool:
        if _normal_host(host) in self.hosts:
            return True
        candidates = {address, _unmapped(address)}
        return any(candidate in network for candidate in candidates for network in self.networks)


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")


def parse_allow(entries: Iterable[str] | str | AllowList) -> AllowList:
    """Host names ("intranet.example") and IP addresses or CIDR networks ("10.0.0.0/8"); a string
    may hold several, separated by commas or spaces. A bad entry raises ValueError naming it."""
    if isinstance(entries, AllowList):
        return entries
    if isinstance(entries, str):
        entries = re.split(r"[,\s]+", entries)
    hosts, networks = set(), []
    for entry in entries:
        text = str(entry).strip()
        if not text:
            continue
        network = _as_network(text)
        if network is not None:
            networks.append(network)
        else:
            hosts.add(_as_host_name(text))
    return AllowList(frozenset(hosts), tuple(networks))


def _as_network(entry: str) -> IPNetwork | None:
    """The network an IP or CIDR entry stands for, or None when the entry is meant as a host name."""
    text = entry.strip("[]")
    looks_numeric = "/" in text or ":" in text or re.fullmatch(r"[0-9.]+", text)
    if not looks_numeric:
        return None
    try:
        return ipaddress.ip_network(text)
    except ValueError as error:
        raise ValueError(f"{ALLOW_SETTING}: {entry!r} is not a valid IP address or CIDR network ({error})") from None


def _as_host_name(entry: str) -> str:
    host = _normal_host(entry)
    labels = host.split(".")
    valid = host and len(host) <= 253 and all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()
    if not valid:
        raise ValueError(f"{ALLOW_SETTING}: {entry!r} is neither a host name nor an IP address or CIDR network")
    return host


def _normal_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


# --- which addresses are refused -------------------------------------------------------------------


def check_address(ip: str, host: str, allow: AllowList | Iterable[str] = ()) -> None:
    """Refuse (raise Refused) an address that isn't public, unless ``host`` or the address is allowed."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        raise Refused(f"refused: {ip!r} is not an IP address") from None
    if parse_allow(allow).allows(host, address):
        return
    problem = why_not_public(address)
    if problem:
        named = f"{ip} is" if not host or _normal_host(host) == _normal_host(str(ip)) else f"{host} is at {ip},"
        raise Refused(f"refused: {named} {problem} (set {ALLOW_SETTING} to allow it)")


def why_not_public(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("a private address"), or None for a public one."""
    for candidate in _forms_of(address):
        problem = _classify(candidate)
        if problem:
            return problem
    return None


def _forms_of(address: IPAddress) -> list[IPAddress]:
    """The addresses to judge: an IPv4-mapped or NAT64 address by the IPv4 address it stands for, a
    6to4 or Teredo one by the IPv4 address it tunnels to as well as by itself."""
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    if address.ipv4_mapped:
        return [address.ipv4_mapped]
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    tunnelled = [address.sixtofour, address.teredo and address.teredo[1]]
    return [form for form in tunnelled if form is not None] + [address]


def _classify(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address in CARRIER_GRADE_NAT:
        return "a carrier-grade NAT address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def _unmapped(address: IPAddress) -> IPAddress:
    return getattr(address, "ipv4_mapped", None) or address


# --- fetching --------------------------------------------------------------------------------------


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

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def timed_out(self) -> FetchError:
        return FetchError(f"no answer within {self.timeout:g} s", "timeout")

    def too_large(self) -> FetchError:
        return FetchError(f"the feed is larger than {_size(self.max_bytes)}", "too_large")


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
            raise FetchError(f"{_shown(url)} is not a valid web address", "bad_url") from None
        scheme = parts.scheme.lower()
        if scheme and scheme not in DEFAULT_PORTS:
            raise Refused(f"refused: only http and https feeds can be fetched, not {scheme}:")
        if not scheme or not parts.netloc:
            raise FetchError(
                f"{_shown(url)} is not a web address (it should start with https:// or http://)", "bad_url"
            )
        if parts.username is not None or parts.password is not None:
            raise FetchError("feed addresses with a user name or password are not supported", "bad_url")
        host = _url_host(parts.hostname or "", url)
        if port == 0:
            raise FetchError(f"{_shown(url)} is not a valid web address (port 0)", "bad_url")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return cls(scheme, host, port or DEFAULT_PORTS[scheme], quote(path, safe="/%:@!$&'()*+,;=-._~?"))

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def _url_host(hostname: str, url: str) -> str:
    if _ip_literal(hostname):
        return hostname
    host = _normal_host(hostname)
    if not host or not re.fullmatch(r"[a-z0-9._-]+", host):
        raise FetchError(f"{_shown(url)} is not a valid web address (bad host name)", "bad_url")
    return host


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


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
        return _Answer(response.status, response.headers, _read_body(response, limits), None)
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


# --- connecting to the checked address -------------------------------------------------------------


def _connect(target: _Target, allow: AllowList, limits: _Limits) -> http.client.HTTPConnection:
    addresses = _allowed_only(_resolve(target.host, target.port, limits), target.host, allow)
    sock = _open_socket(addresses, limits)
    if target.scheme == "https":
        sock = _start_tls(sock, target.host, limits)
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected to the checked address: http.client must not connect again
    return connection


def _allowed_only(addresses: list[tuple[int, tuple]], host: str, allow: AllowList) -> list[tuple[int, tuple]]:
    """The addresses that pass check_address; when none does, the first refusal is raised."""
    allowed, refusal = [], None
    for family, sockaddr in addresses:
        try:
            check_address(sockaddr[0], host, allow)
        except Refused as error:
            refusal = refusal or error
        else:
            allowed.append((family, sockaddr))
    if not allowed:
        raise refusal
    return allowed


def _resolve(host: str, port: int, limits: _Limits) -> list[tuple[int, tuple]]:
    """(family, sockaddr) pairs for the host, the lookup itself held to the deadline."""
    literal = _ip_literal(host)
    if literal is not None:
        return [(socket.AF_INET6, (host, port, 0, 0)) if literal.version == 6 else (socket.AF_INET, (host, port))]
    outcome: dict = {}

    def look_up():
        try:
            outcome["addresses"] = _lookup(host, port)
        except Exception as error:  # handed to the calling thread
            outcome["error"] = error

    # getaddrinfo has no timeout of its own; an abandoned lookup ends by itself later
    thread = threading.Thread(target=look_up, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(limits.remaining())
    if thread.is_alive():
        raise TimeoutError
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, OSError) else socket.gaierror(str(error))
    if not outcome["addresses"]:
        raise socket.gaierror(f"no address for {host}")
    return outcome["addresses"]


def _lookup(host: str, port: int) -> list[tuple[int, tuple]]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    unique = []
    for family, _type, _proto, _name, sockaddr in infos:
        if (family, sockaddr) not in unique and family in (socket.AF_INET, socket.AF_INET6):
            unique.append((family, sockaddr))
    return unique


def _open_socket(addresses: list[tuple[int, tuple]], limits: _Limits) -> socket.socket:
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = limits.deadline
        try:
            sock.settimeout(limits.remaining())
            sock.connect(sockaddr)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as error:
            sock.close()
            last_error = error
    assert last_error is not None
    raise last_error


def _start_tls(sock: socket.socket, host: str, limits: _Limits) -> ssl.SSLSocket:
    sock.settimeout(limits.remaining())  # the handshake keeps to this as one deadline
    try:
        tls = _tls_context().wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise
    tls.deadline = limits.deadline
    return tls


class _DeadlineMixin:
    """Sockets that give each read and write only the time left before the deadline.

    A plain socket timeout applies to each read, so a server sending one byte a second would never
    trip it; http.client reads through a buffered file, out of our reach, hence the socket itself."""

    deadline: float | None = None

    def _arm(self) -> None:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the deadline has passed")
            self.settimeout(left)

    def recv(self, *args, **kwargs):
        self._arm()
        return super().recv(*args, **kwargs)

    def recv_into(self, *args, **kwargs):
        self._arm()
        return super().recv_into(*args, **kwargs)

    def send(self, *args, **kwargs):
        self._arm()
        return super().send(*args, **kwargs)

    def sendall(self, *args, **kwargs):
        self._arm()
        return super().sendall(*args, **kwargs)


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    pass


def _make_tls_context(**trust) -> ssl.SSLContext:
    """The default context (certificate and host name checked) making deadline-keeping sockets."""
    context = ssl.create_default_context(**trust)
    context.sslsocket_class = _DeadlineSSLSocket
    return context


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return _make_tls_context()


# --- the request and the answer --------------------------------------------------------------------


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


def _read_body(response: http.client.HTTPResponse, limits: _Limits) -> bytes:
    """The decoded body, failing as soon as more than max_bytes came or would come out of it."""
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise limits.too_large()
    decoder = _decoder_for(response.getheader("Content-Encoding") or "")
    body = bytearray()
    received = 0
    while True:
        chunk = response.read1(READ_SIZE)  # read1: one socket read at a time, so the deadline is checked
        if not chunk:
            break
        received += len(chunk)
        if received > limits.max_bytes:
            raise limits.too_large()
        body += decoder.decode(chunk, limits.max_bytes + 1 - len(body))
        if len(body) > limits.max_bytes:
            raise limits.too_large()
    if response.length:  # http.client's read1 takes an early end of a Content-Length body quietly
        raise http.client.IncompleteRead(bytes(body), response.length)
    return bytes(body)


def _decoder_for(content_encoding: str) -> _Identity | _Inflater:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return _Inflater(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _Inflater(zlib.MAX_WBITS)
    raise FetchError(
        f"the server sent the feed compressed as {_shown(encoding, 40)}, which Refrain cannot read", "network"
    )


class _Identity:
    def decode(self, data: bytes, room: int) -> bytes:
        return data


class _Inflater:
    """Decompresses at most ``room`` bytes at a time, so a small bomb never becomes a big buffer."""

    def __init__(self, wbits: int):
        self.wbits = wbits
        self.inflater = zlib.decompressobj(wbits)
        self.started = False

    def decode(self, data: bytes, room: int) -> bytes:
        try:
            return self._decode(data, room)
        except zlib.error:
            raise FetchError("the server sent a damaged compressed feed", "network") from None

    def _decode(self, data: bytes, room: int) -> bytes:
        if self.inflater.eof:
            return b""
        if not self.started and self.wbits == zlib.MAX_WBITS:
            self.started = True
            try:
                return self.inflater.decompress(data, room)
            except zlib.error:  # "deflate" sent raw, without its zlib header, as some servers do
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self.started = True
        return self.inflater.decompress(data, room)


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


def _size(count: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _shown(text: str, limit: int = 200) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    return repr(text if len(text) <= limit else text[:limit] + "…")
