"""scheduler.infra.outbound against real HTTP(S) servers on 127.0.0.1: what it fetches, and what it refuses.

Refused addresses are refused before any connection, so those tests need no network at all. Only the
resolver is replaced, where a test needs a host name that no DNS knows (feed.test)."""

import pickle
import socket
import time

import pytest

from scheduler.infra.outbound import client, connection
from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import FetchError, Refused
from tests.fetching.conftest import ETAG, FEED, LAST_MODIFIED, LOCAL, reason_of

# --- what is fetched -------------------------------------------------------------------------------


def test_a_feed_on_an_allowed_address_is_fetched(base):
    fetched = fetch(base + "/feed", allow=LOCAL)
    assert fetched.status == 200 and not fetched.not_modified
    assert fetched.content == FEED
    assert fetched.content_type == "application/rss+xml"
    assert (fetched.etag, fetched.last_modified) == (ETAG, LAST_MODIFIED)
    assert fetched.url == base + "/feed"


def test_the_request_says_who_asks_and_for_which_host(base):
    headers = fetch(base + "/echo", allow=LOCAL).content.decode()
    assert "User-Agent: Refrain feed reader (+https://github.com/refrain)" in headers
    assert f"Host: {base.removeprefix('http://')}" in headers


def test_a_cidr_in_the_allow_list_lets_the_address_through(base):
    assert fetch(base + "/feed", allow=["127.0.0.0/8"]).content == FEED
    assert fetch(base + "/feed", allow="10.0.0.0/8, 127.0.0.0/8").content == FEED


def test_an_allowed_host_name_lets_all_its_addresses_through(base):
    port = base.rsplit(":", 1)[1]
    # localhost may come first as ::1, where nothing listens: the next address is tried
    assert fetch(f"http://localhost:{port}/feed", allow=["LocalHost."]).content == FEED


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(base, fake_dns, monkeypatch):
    port = base.rsplit(":", 1)[1]
    fake_dns["feed.test"] = ["10.9.9.9", "127.0.0.1"]  # the refused one is skipped, never connected to

    def no_second_lookup(*args, **kwargs):
        raise AssertionError("a second DNS lookup")

    monkeypatch.setattr(socket, "getaddrinfo", no_second_lookup)
    headers = fetch(f"http://feed.test:{port}/echo", allow=LOCAL).content.decode()
    assert f"Host: feed.test:{port}" in headers


def test_https_sends_the_host_name_as_sni_and_checks_the_certificate_against_it(tls_server, fake_dns, test_ca):
    port, server_names = tls_server
    fake_dns["feed.test"] = ["127.0.0.1"]
    fetched = fetch(f"https://feed.test:{port}/echo", allow=["feed.test"])
    assert f"Host: feed.test:{port}" in fetched.content.decode()
    assert server_names[-1] == "feed.test"


def test_https_refuses_a_certificate_for_another_name(tls_server, fake_dns, test_ca):
    port, _ = tls_server
    fake_dns["other.test"] = ["127.0.0.1"]
    reason, message = reason_of(f"https://other.test:{port}/feed", allow=LOCAL)
    assert reason == "network" and "certificate of other.test" in message
    reason, message = reason_of(f"https://127.0.0.1:{port}/feed", allow=LOCAL)
    assert reason == "network" and "certificate" in message


def test_gzip_and_deflate_bodies_are_decompressed(base):
    assert fetch(base + "/gzip", allow=LOCAL).content == FEED
    assert fetch(base + "/deflate", allow=LOCAL).content == FEED


def test_an_encoding_that_was_not_asked_for_is_an_error(base):
    reason, message = reason_of(base + "/brotli", allow=LOCAL)
    assert reason == "network" and "'br'" in message


# --- conditional GET and statuses ------------------------------------------------------------------


def test_a_matching_etag_gives_not_modified(base):
    fetched = fetch(base + "/feed", etag=ETAG, allow=LOCAL)
    assert fetched.not_modified and fetched.status == 304
    assert fetched.content == b"" and fetched.etag == ETAG


def test_a_matching_last_modified_gives_not_modified_and_keeps_it(base):
    fetched = fetch(base + "/feed", last_modified=LAST_MODIFIED, allow=LOCAL)
    assert fetched.not_modified and fetched.last_modified == LAST_MODIFIED


def test_a_stale_etag_gets_the_feed(base):
    fetched = fetch(base + "/feed", etag='"v0"', allow=LOCAL)
    assert fetched.content == FEED and fetched.etag == ETAG


@pytest.mark.parametrize("status", [404, 500, 410])
def test_an_error_status_is_a_fetch_error_with_the_status(base, status):
    with pytest.raises(FetchError) as caught:
        fetch(f"{base}/status/{status}", allow=LOCAL)
    assert caught.value.reason == "http_status" and caught.value.status == status
    assert str(status) in str(caught.value)


# --- redirects -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_five_redirects_are_followed(base, status):
    fetched = fetch(f"{base}/redirect/5?status={status}", allow=LOCAL)
    assert fetched.content == FEED and fetched.url == f"{base}/redirect/0?status={status}"


def test_a_sixth_redirect_is_too_many(base):
    assert reason_of(base + "/redirect/6", allow=LOCAL) == ("too_many_redirects", "too many redirects (more than 5)")
    assert reason_of(base + "/redirect/2", allow=LOCAL, max_redirects=1)[0] == "too_many_redirects"


def test_a_relative_location_is_resolved_against_the_current_url(base):
    fetched = fetch(base + "/deep/a/b", allow=LOCAL)
    assert fetched.content == FEED and fetched.url == base + "/feed"


def test_a_redirect_without_location_is_an_error(base):
    assert reason_of(base + "/no-location", allow=LOCAL)[0] == "http_status"


@pytest.mark.parametrize(
    "target, kind",
    [
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://10.1.2.3/", "a private address"),
        ("http://[fd00:ec2::254]/", "a cloud metadata address"),
        ("http://100.100.100.200/", "a cloud metadata address"),
    ],
)
def test_a_redirect_to_an_inside_address_is_refused(base, target, kind):
    reason, message = reason_of(f"{base}/to?url={target}", allow=LOCAL)
    assert reason == "refused" and kind in message and "REFRAIN_FETCH_ALLOW" in message


def test_a_redirect_to_another_scheme_is_refused(base):
    assert reason_of(base + "/to?url=file:///etc/passwd", allow=LOCAL)[0] == "refused"


# --- limits ----------------------------------------------------------------------------------------


def test_a_trickling_body_is_cut_off_by_the_total_deadline(base):
    started = time.monotonic()
    reason, message = reason_of(base + "/trickle", allow=LOCAL, timeout=1.0)
    assert reason == "timeout" and message == "no answer within 1 s"
    assert time.monotonic() - started < 5  # generous: the point is that it ends at all


def test_trickling_headers_are_cut_off_by_the_total_deadline(base):
    assert reason_of(base + "/slow-headers", allow=LOCAL, timeout=0.5)[0] == "timeout"


def test_a_slow_lookup_is_cut_off_by_the_total_deadline(monkeypatch):
    monkeypatch.setattr(connection, "lookup", lambda host, port: time.sleep(3))
    assert reason_of("http://slow.test/feed", timeout=0.3)[0] == "timeout"


def test_a_declared_oversized_body_is_refused(base):
    reason, message = reason_of(base + "/big-declared/5000", allow=LOCAL, max_bytes=1000)
    assert (reason, message) == ("too_large", "the feed is larger than 1000 bytes")


@pytest.mark.parametrize("path", ["/big-streamed/200000", "/big-chunked/200000"])
def test_an_undeclared_oversized_body_is_cut_off(base, path):
    assert reason_of(base + path, allow=LOCAL, max_bytes=10_000)[0] == "too_large"


def test_a_body_of_exactly_the_limit_passes(base):
    assert fetch(base + "/feed", allow=LOCAL, max_bytes=len(FEED)).content == FEED
    assert fetch(base + "/big-chunked/3000", allow=LOCAL, max_bytes=3000).content == b"x" * 3000


def test_a_zip_bomb_is_cut_off_by_its_decompressed_size(base):
    reason, message = reason_of(base + "/bomb/3000000", allow=LOCAL, max_bytes=1024 * 1024)
    assert (reason, message) == ("too_large", "the feed is larger than 1 MB")


def test_the_default_limits_are_those_of_the_issue():
    assert client.DEFAULT_TIMEOUT == 15.0
    assert client.DEFAULT_MAX_BYTES == 5 * 1024 * 1024
    assert client.DEFAULT_MAX_REDIRECTS == 5


# --- network failures ------------------------------------------------------------------------------


def test_a_body_cut_short_is_a_network_error(base):
    assert reason_of(base + "/cut-short", allow=LOCAL)[0] == "network"


def test_a_closed_port_is_a_network_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reason, message = reason_of(f"http://127.0.0.1:{port}/feed", allow=LOCAL)
    assert reason == "network" and "refused the connection" in message


def test_an_unknown_host_is_a_network_error(fake_dns):
    reason, message = reason_of("http://nowhere.test/feed")
    assert reason == "network" and "nowhere.test" in message


def test_fetch_errors_survive_pickling():
    error = pickle.loads(pickle.dumps(FetchError("the server answered 404 Not Found", "http_status", 404)))
    assert (str(error), error.reason, error.status) == ("the server answered 404 Not Found", "http_status", 404)
    refusal = pickle.loads(pickle.dumps(Refused("refused: nope")))
    assert isinstance(refusal, Refused) and refusal.reason == "refused"
