"""scheduler.infra.outbound against real HTTP(S) servers on 127.0.0.1: what it fetches, and what it refuses.

Refused addresses are refused before any connection, so those tests need no network at all. Only the
resolver is replaced, where a test needs a host name that no DNS knows (feed.test)."""

import gzip
import pickle
import re
import socket
import ssl
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler.infra.outbound import client, connection
from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import FetchError, Refused
from scheduler.infra.outbound.guard import check_address, parse_allow

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Jan 2023 00:00:00 GMT"
LOCAL = ["127.0.0.1"]

# a CA and a certificate for feed.test it signed, valid until 2126 (made with openssl)
CA_PEM = """-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUTbDgzYQG4Gj68fFYaeuOi/trXLswCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPUmVmcmFpbiB0ZXN0IENBMCAXDTI2MTEyMzEwMzcwN1oYDzIx
MjYxMDMwMTAzNzA3WjAaMRgwFgYDVQQDDA9SZWZyYWluIHRlc3QgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAREEVcEH+32LSgMqCMf0yZGcE0seeB6lc9Vb9oT
jeoAPzojckkiK65Pul+N3qzDjVi7lsm4Ckyq0H04JrwHMV4Fo2MwYTAdBgNVHQ4E
FgQUYsozeBoZeYtPMSvZFxgEcoqMsnMwHwYDVR0jBBgwFoAUYsozeBoZeYtPMSvZ
FxgEcoqMsnMwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI
zj0EAwIDSQAwRgIhAPT6+LL6cCF/4eBdXCq1r93jk5IuorYw2MMGBvp5K7xtAiEA
r/4Y+rtcie4VO+YYvH6EIETVzCiuVSG0BeNfEupXZV0=
-----END CERTIFICATE-----
"""
FEED_TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIBvzCCAWWgAwIBAgIUSQHZQAtx29ubscxnJQrhbyYu+bAwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPUmVmcmFpbiB0ZXN0IENBMCAXDTI2MTEyMzEwMzcwN1oYDzIx
MjYxMDMwMTAzNzA3WjAUMRIwEAYDVQQDDAlmZWVkLnRlc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAARoZqTKyvKJsK8iYg3dBdpGtYeyVv7dv2sErQq1y3UqTZW7
zxa6jXtbHzT1et1pht7XQGB/Im4wXB7/4IH74+Uko4GMMIGJMBQGA1UdEQQNMAuC
CWZlZWQudGVzdDAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUE
DDAKBggrBgEFBQcDATAfBgNVHSMEGDAWgBRiyjN4Ghl5i08xK9kXGARyioyyczAd
BgNVHQ4EFgQUR3VOyJZGhd3YguBXOr3PJphC+3owCgYIKoZIzj0EAwIDSAAwRQIh
ANxMipsPN83dtHQ+BbBOK+sYsg1++LxQD4uMictoGUnEAiBQl9NgpuyaA0/E4UUc
LGTtDZIIRp75WBbhoqOn4cJQVw==
-----END CERTIFICATE-----
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2BQ8pQs9mq2fYCVC
/8FCFfpsLFL3isP3iZqK429WeU6hRANCAARoZqTKyvKJsK8iYg3dBdpGtYeyVv7d
v2sErQq1y3UqTZW7zxa6jXtbHzT1et1pht7XQGB/Im4wXB7/4IH74+Uk
-----END PRIVATE KEY-----
"""


class FeedServer(BaseHTTPRequestHandler):
    """Each path is one behaviour, good or hostile."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        handler = getattr(self, "serve_" + parts[0].replace("-", "_"), None)
        if handler is None:
            self.send_error(404)
        else:
            handler(*parts[1:], **query)

    def answer(self, body=b"", status=200, **headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_feed(self):
        if self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.answer(status=304, ETag=ETAG)
        else:
            self.answer(FEED, Content_Type="application/rss+xml", ETag=ETAG, Last_Modified=LAST_MODIFIED)

    def serve_echo(self):
        self.answer(str(self.headers).encode(), Content_Type="text/plain")

    def serve_status(self, code):
        self.answer(b"nope", status=int(code))

    def serve_redirect(self, count, status="302"):
        if int(count) == 0:
            self.serve_feed()
        else:
            self.answer(status=int(status), Location=f"/redirect/{int(count) - 1}?status={status}")

    def serve_deep(self, *path):
        self.answer(status=301, Location="../../feed")  # from /deep/a/b: /feed

    def serve_to(self, url):
        self.answer(status=302, Location=url)

    def serve_no_location(self):
        self.answer(status=302)

    def serve_trickle(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.dribble(b"<")

    def serve_slow_headers(self):
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        self.dribble(b"X-Slow: yes\r\n")

    def dribble(self, piece):
        for _ in range(200):  # 10 s at most, long after the client gave up
            try:
                self.wfile.write(piece)
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.05)

    def serve_big_declared(self, size):
        self.answer(b"x" * int(size))

    def serve_big_streamed(self, size):
        self.send_response(200)  # HTTP/1.0 and no Content-Length: the body ends when the connection does
        self.end_headers()
        self.write_quietly(b"x" * int(size))

    def serve_big_chunked(self, size):
        self.protocol_version = "HTTP/1.1"
        self.close_connection = True
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 1000
        self.write_quietly(b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(int(size) // 1000)))
        self.write_quietly(b"0\r\n\r\n")

    def serve_cut_short(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"<rss>")

    def serve_gzip(self):
        self.answer(gzip.compress(FEED), Content_Encoding="gzip")

    def serve_deflate(self):
        raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        self.answer(raw.compress(FEED) + raw.flush(), Content_Encoding="deflate")

    def serve_bomb(self, size):
        self.answer(gzip.compress(b"\0" * int(size), compresslevel=1), Content_Encoding="gzip")

    def serve_brotli(self):
        self.answer(b"\x0b\x02\x80hello\x03", Content_Encoding="br")

    def write_quietly(self, data):
        try:
            self.wfile.write(data)
        except OSError:  # the client stopped reading, as it should
            pass


def start(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def base():
    server = start(ThreadingHTTPServer(("127.0.0.1", 0), FeedServer))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An https server on 127.0.0.1 whose certificate is for feed.test; records the SNI it is sent."""
    pem = tmp_path_factory.mktemp("tls") / "feed.test.pem"
    pem.write_text(FEED_TEST_CERT)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    server_names = []
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    start(server)
    yield server.server_address[1], server_names
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_dns(monkeypatch):
    """Host names of the tests' own, resolved to the addresses given; any other lookup fails loudly."""
    names = {}

    def lookup(host, port):
        if host not in names:
            raise socket.gaierror(f"no such test host {host}")
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, (ip, port)) for ip in names[host]]

    monkeypatch.setattr(connection, "lookup", lookup)
    return names


@pytest.fixture
def test_ca(monkeypatch):
    monkeypatch.setattr(connection, "tls_context", lambda: connection.make_tls_context(cadata=CA_PEM))


def reason_of(url, **kwargs):
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    assert "Traceback" not in str(caught.value)
    return caught.value.reason, str(caught.value)


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
