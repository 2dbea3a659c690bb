"""A socket connected to a checked address of a host, held to one deadline.

``connect`` resolves the host itself (the lookup held to the deadline too), keeps the addresses
that pass ``guard.check_address`` and connects to one of those, never to the name: a second lookup
could answer differently (DNS rebinding). With TLS, the host name goes in SNI and the certificate
check. Every read and write gets only the time left before the deadline.
"""

from __future__ import annotations

import functools
import socket
import ssl
import threading
import time

from scheduler.infra.outbound.errors import Refused
from scheduler.infra.outbound.guard import AllowList, check_address, ip_literal


def connect(host: str, port: int, *, allow: AllowList, deadline: float, tls: bool = False) -> socket.socket:
    """A socket connected to the first address of ``host`` that passes the guard (with TLS for
    ``host`` when asked), its reads and writes held to ``deadline`` (``time.monotonic()``'s clock).

    Raises Refused when no address passes, TimeoutError once the deadline has passed, and the
    socket module's errors (``OSError``, ``ssl.SSLError``) for the caller to put in words."""
    addresses = _allowed_only(_resolve(host, port, deadline), host, allow)
    sock = _open_socket(addresses, deadline)
    if tls:
        sock = _start_tls(sock, host, deadline)
    return sock


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


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


def _resolve(host: str, port: int, deadline: float) -> list[tuple[int, tuple]]:
    """(family, sockaddr) pairs for the host, the lookup itself held to the deadline."""
    literal = ip_literal(host)
    if literal is not None:
        return [(socket.AF_INET6, (host, port, 0, 0)) if literal.version == 6 else (socket.AF_INET, (host, port))]
    outcome: dict = {}

    def look_up():
        try:
            outcome["addresses"] = lookup(host, port)
        except Exception as error:  # handed to the calling thread
            outcome["error"] = error

    # getaddrinfo has no timeout of its own; an abandoned lookup ends by itself later
    thread = threading.Thread(target=look_up, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():
        raise TimeoutError
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, OSError) else socket.gaierror(str(error))
    if not outcome["addresses"]:
        raise socket.gaierror(f"no address for {host}")
    return outcome["addresses"]


def lookup(host: str, port: int) -> list[tuple[int, tuple]]:
    """The system resolver's (family, sockaddr) pairs, IPv4 and IPv6, each once. The one seam for
    tests that need host names of their own."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    unique = []
    for family, _type, _proto, _name, sockaddr in infos:
        if (family, sockaddr) not in unique and family in (socket.AF_INET, socket.AF_INET6):
            unique.append((family, sockaddr))
    return unique


def _open_socket(addresses: list[tuple[int, tuple]], deadline: float) -> socket.socket:
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        sock = _DeadlineSocket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(_remaining(deadline))
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


def _start_tls(sock: socket.socket, host: str, deadline: float) -> ssl.SSLSocket:
    sock.settimeout(_remaining(deadline))  # the handshake keeps to this as one deadline
    try:
        tls = tls_context().wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise
    tls.deadline = deadline
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


def make_tls_context(**trust) -> ssl.SSLContext:
    """The default context (certificate and host name checked) making deadline-keeping sockets."""
    context = ssl.create_default_context(**trust)
    context.sslsocket_class = _DeadlineSSLSocket
    return context


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The context every TLS connection uses (tests swap in one that trusts their own CA)."""
    return make_tls_context()
