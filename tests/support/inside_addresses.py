"""Every spelling of an inside address the outbound guard must refuse, shared by the tests of each
outbound path (feeds, deliveries, images, SMTP), and a resolver of the tests' own host names.

Each form is a host as a person could type it in an address; ``FORMS`` pairs it with the address class
the refusal names. Names that resolve inside (``localhost``, and names the ``inside_names`` fixture
adds through ``connection.lookup``, the guard's one resolver seam) come last.
"""

import socket

import pytest

from scheduler.infra.outbound import connection

# (host as typed in a URL, what the refusal calls it)
LITERALS = [
    ("127.0.0.1", "loopback"),
    ("127.9.9.9", "loopback"),
    ("[::1]", "loopback"),
    ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped IPv6
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("[fc00::1]", "private"),
    ("169.254.1.1", "link-local"),
    ("[fe80::1]", "link-local"),
    ("169.254.169.254", "cloud metadata"),
    ("[fd00:ec2::254]", "cloud metadata"),
    ("100.100.100.200", "cloud metadata"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("[ff02::1]", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("[::]", "unspecified"),
    ("240.0.0.1", "reserved"),
]
ODD_SPELLINGS = [  # what inet_aton reads as 127.0.0.1, the way browsers and curl do
    ("2130706433", "loopback"),  # decimal
    ("0177.0.0.1", "loopback"),  # octal
    ("0x7f.0.0.1", "loopback"),  # hexadecimal
    ("0x7f000001", "loopback"),  # one hexadecimal number
    ("127.1", "loopback"),  # shortened
]
NAMES = [
    ("localhost", "loopback"),
    ("metadata.inside.test", "cloud metadata"),  # the inside_names fixture's
    ("intranet.inside.test", "private"),
    ("both.inside.test", "private"),  # a public address and a private one: refused (the first refusal)
]
FORMS = LITERALS + ODD_SPELLINGS + NAMES
IDS = [host for host, _ in FORMS]

INSIDE_NAMES = {
    "metadata.inside.test": ["169.254.169.254"],
    "intranet.inside.test": ["10.1.2.3"],
    "both.inside.test": ["10.9.9.9", "fd12::1"],
}


def bare(host: str) -> str:
    """The host as typed where no URL surrounds it (an SMTP server): no brackets."""
    return host.strip("[]")


@pytest.fixture
def inside_names(monkeypatch):
    """Host names of the tests' own that resolve to inside addresses, through the guard's resolver seam;
    any other name is resolved as usual."""
    system = connection.lookup

    def lookup(host, port):
        if host in INSIDE_NAMES:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, (ip, port, 0, 0) if ":" in ip else (ip, port))
                for ip in INSIDE_NAMES[host]
            ]
        return system(host, port)

    monkeypatch.setattr(connection, "lookup", lookup)
    return INSIDE_NAMES
