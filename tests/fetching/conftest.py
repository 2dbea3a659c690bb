"""A feed server on 127.0.0.1 (plain and TLS, with a certificate of the tests' own CA), a resolver of
the tests' own host names, and a helper that says why a fetch was refused."""

import gzip
import socket
import ssl
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler.infra.outbound import connection
from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import FetchError
from tests.support.inside_addresses import inside_names  # noqa: F401  (a fixture: host names resolving inside)

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
