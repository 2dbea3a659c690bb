"""A local HTTP server that plays a channel's service: it records each request exactly as it came
(method, path, headers, body) and answers from a script, including the failures that matter: a
status with headers, a connection dropped after the request was read, a slow answer.

    service = StandIn()
    service.answer("POST", "/2/tweets", 201, {"data": {"id": "1"}})
    service.answer("POST", "/2/tweets", 429, {"title": "Too Many Requests"}, headers={"Retry-After": "30"})
    service.answer("POST", "/2/tweets", drop=True)         # read the request, then hang up
    service.answer("POST", "/2/tweets", delay=2.0, ...)    # answer late
Answers for one route are used in order; the last one repeats. ``service.requests`` lists what came.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> dict:
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Answer:
    status: int = 200
    body: object = None  # dict/list → JSON, str/bytes as they are
    headers: dict = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


class StandIn:
    def __init__(self):
        self.requests: list[Seen] = []
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with stand_in.lock:
                    stand_in.requests.append(seen)
                    answer = stand_in._next(self.command, parts.path)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = answer.body
                kind = "application/json"
                if isinstance(payload, (dict, list)) or payload is None:
                    payload = json.dumps(payload if payload is not None else {}).encode()
                elif isinstance(payload, str):
                    payload, kind = payload.encode(), "text/plain; charset=utf-8"
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers.get("Content-Type", kind))
                    for name, value in answer.headers.items():
                        if name != "Content-Type":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":  # an answer to HEAD has headers only
                        self.wfile.write(payload)
                except OSError:
                    pass

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )  # a short poll: closing a server then takes 50 ms, not 500
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(
        self, method: str, path: str, status: int = 200, body=None, *, headers=None, drop=False, delay=0.0
    ) -> None:
        self.routes.setdefault((method.upper(), path), []).append(
            Answer(status, body, dict(headers or {}), drop, delay)
        )

    def _next(self, method: str, path: str) -> Answer:
        script = self.routes.get((method, path))
        if not script:
            return Answer(404, {"error": f"no route {method} {path} in this stand-in"})
        return script.pop(0) if len(script) > 1 else script[0]

    def reset(self) -> None:
        """Forgets the script and what came: a stand-in shared by a module's tests, made new for each."""
        with self.lock:
            self.routes.clear()
            self.requests.clear()

    def received(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
