"""SMTP over the guarded path: the newsletter's mail server is a host someone typed in, like a feed.

``smtplib`` resolves and connects by itself; these subclasses hand it a socket from
``connection.connect`` instead, so the server's address is checked by the guard (an inside address
refused unless the admin allows it) and the connection goes to the very address checked. TLS (SMTPS
from the start, or STARTTLS later, which smtplib does on this same socket) checks the certificate
against the host name that was typed, not the address.
"""

from __future__ import annotations

import smtplib
import socket
import time

from scheduler.infra.outbound.connection import connect
from scheduler.infra.outbound.guard import AllowList, parse_allow


def _guarded_socket(host: str, port: int, timeout: float, allow: AllowList) -> socket.socket:
    sock = connect(host, port, allow=allow, deadline=time.monotonic() + timeout)
    # the deadline was for reaching the server; from here each exchange gets the timeout, as smtplib's own
    sock.deadline = None
    sock.settimeout(timeout)
    return sock


class GuardedSMTP(smtplib.SMTP):
    """``smtplib.SMTP`` whose connection passes the address guard (raises ``Refused`` otherwise)."""

    def __init__(self, host: str, port: int, *, allow=(), **kwargs):
        self.allow = parse_allow(allow)  # set before smtplib connects, from its __init__
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host, port, timeout):
        return _guarded_socket(host, port, timeout, self.allow)


class GuardedSMTP_SSL(smtplib.SMTP_SSL):  # noqa: N801  (named as smtplib names it)
    """``smtplib.SMTP_SSL`` (SMTPS) whose connection passes the address guard."""

    def __init__(self, host: str, port: int, *, allow=(), **kwargs):
        self.allow = parse_allow(allow)
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host, port, timeout):
        sock = _guarded_socket(host, port, timeout, self.allow)
        try:
            return self.context.wrap_socket(sock, server_hostname=self._host)
        except BaseException:
            sock.close()
            raise
