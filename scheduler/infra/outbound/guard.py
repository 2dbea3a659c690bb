"""Which addresses Refrain may connect to: public ones, and those the admin allows.

The guard judges an address already resolved, not a host name: a client resolves the name once,
asks ``check_address`` of each address, and connects to an address that passed (see
``connection``), so a second DNS answer can't differ from the one checked. IPv4-mapped, NAT64, 6to4
and Teredo addresses are judged by the IPv4 address they stand for or tunnel to.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.infra.outbound.errors import Refused

ALLOW_SETTING = "REFRAIN_FETCH_ALLOW"

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


@dataclass(frozen=True)
class AllowList:
    """Host names and networks the admin lets feeds be fetched from although they aren't public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    def allows(self, host: str, address: IPAddress) -> bool:
        if normal_host(host) in self.hosts:
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
    host = normal_host(entry)
    labels = host.split(".")
    valid = host and len(host) <= 253 and all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()
    if not valid:
        raise ValueError(f"{ALLOW_SETTING}: {entry!r} is neither a host name nor an IP address or CIDR network")
    return host


def normal_host(host: str) -> str:
    """A host name as compared: lower case, no final dot, international names in their ASCII form."""
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
        named = f"{ip} is" if not host or normal_host(host) == normal_host(str(ip)) else f"{host} is at {ip},"
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


def ip_literal(host: str) -> IPAddress | None:
    """The IP address a host is written as, or None for a host name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
