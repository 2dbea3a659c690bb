"""The outbound guard: every kind of inside address refused (after resolution, and however it is
spelled), other schemes and malformed addresses refused, the allow-list honoured. Refused addresses
are refused before any connection, so most of these need no network at all."""

import re

import pytest

from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import Refused
from scheduler.infra.outbound.guard import check_address, parse_allow
from tests.fetching.conftest import reason_of
from tests.support.inside_addresses import FORMS, IDS

# --- refusals --------------------------------------------------------------------------------------


def test_a_loopback_address_is_refused_without_an_allow_list(base):
    reason, message = reason_of(base + "/feed")
    assert reason == "refused"
    assert message == "refused: 127.0.0.1 is a loopback address (set REFRAIN_FETCH_ALLOW to allow it)"


def test_localhost_is_refused_after_resolution(base):
    port = base.rsplit(":", 1)[1]
    reason, message = reason_of(f"http://localhost:{port}/feed")
    assert reason == "refused" and "localhost is at" in message and "loopback" in message


@pytest.mark.parametrize(
    "ip, kind",
    [
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("127.0.0.1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("240.0.0.1", "reserved"),
        ("2002:7f00:1::", "loopback"),  # 6to4 to 127.0.0.1
    ],
)
def test_each_kind_of_inside_address_is_refused(ip, kind):
    with pytest.raises(Refused) as caught:
        check_address(ip, ip, ())
    assert caught.value.reason == "refused"
    assert re.search(rf"\ban? {kind} address \(set REFRAIN_FETCH_ALLOW", str(caught.value))
    host = f"[{ip}]" if ":" in ip else ip
    reason, message = reason_of(f"http://{host}/feed")  # refused before connecting: no network needed
    assert reason == "refused" and kind in message


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1"])
def test_odd_spellings_of_loopback_are_refused_once_resolved(host):
    reason, message = reason_of(f"http://{host}/feed")
    assert reason == "refused" and "127.0.0.1" in message


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(ip):
    check_address(ip, "example.com", ())


def test_check_address_honours_hosts_and_networks():
    check_address("10.1.2.3", "intranet.example", ["intranet.example"])
    check_address("10.1.2.3", "x.example", ["10.0.0.0/8"])
    check_address("::ffff:10.1.2.3", "x.example", parse_allow(["10.0.0.0/8"]))
    with pytest.raises(Refused):
        check_address("10.1.2.3", "other.example", ["intranet.example", "192.168.0.0/16"])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://example.com/",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "ws://example.com/",
    ],
)
def test_other_schemes_are_refused(url):
    assert reason_of(url)[0] == "refused"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "http://",
        "http://[::1",
        "http://exa mple.com/",
        "http://example.com:99999/",
        "http://user:secret@example.com/feed",
    ],
)
def test_malformed_addresses_are_bad_urls(url):
    assert reason_of(url)[0] == "bad_url"


@pytest.mark.parametrize(
    "entry", ["10.0.0.0/33", "10.0.0.1/8", "not a host!", "http://intranet", "10.0.0.256", "a..b", "host:8080"]
)
def test_a_bad_allow_entry_raises_value_error_naming_it(entry):
    with pytest.raises(ValueError, match="REFRAIN_FETCH_ALLOW") as caught:
        parse_allow(["intranet.example", entry])
    assert repr(entry) in str(caught.value)


def test_fetch_rejects_a_bad_allow_entry_too(base):
    with pytest.raises(ValueError):
        fetch(base + "/feed", allow=["10.0.0.0/33"])


@pytest.mark.parametrize("host, kind", FORMS, ids=IDS)
def test_a_feed_at_any_spelling_of_an_inside_address_is_refused(host, kind, inside_names):
    """The same 28 forms every other outbound path is tried with (tests/support/inside_addresses.py)."""
    reason, message = reason_of(f"http://{host}/feed")
    assert reason == "refused" and kind in message
