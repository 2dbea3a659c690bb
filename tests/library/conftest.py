"""A local HTTP server playing the feeds' hosts, and the app allowed to reach it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scheduler import reconfigure


class FeedHost:
    """Serves what a test puts in ``pages`` (path -> (status, headers, body)) and records requests."""

    def __init__(self):
        self.pages: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[dict] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.requests.append({"path": self.path, "headers": dict(self.headers)})
                status, headers, body = host.pages.get(self.path, (404, {}, b"not here"))
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )  # a short poll: closing a server then takes 50 ms, not 500
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def serve(self, path: str, body, content_type="application/rss+xml; charset=utf-8", status=200, **headers):
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (status, {"Content-Type": content_type, **headers}, body)
        return self.url(path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_host(app):
    host = FeedHost()
    reconfigure(app, fetch_allow=("127.0.0.1",))  # an administrator's allow-list entry
    yield host
    host.close()
