"""The AT Protocol's own server for the tests: ``scripts/real/bluesky/start.mjs`` (a PDS on SQLite and
an in-memory PLC directory, installed by ``scripts/real/bluesky.sh``) started as a child process,
and a few plain XRPC calls to make accounts on it and read back what Refrain wrote. These calls go
around Refrain on purpose: they are the test's own eyes, not the code under test."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import select
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from urllib.parse import urlencode, urlsplit

STARTUP_SECONDS = 60
NUMBERS = count(1)  # handles and post ids no other test of the run uses


@dataclass
class Answer:
    status: int
    data: object
    body: bytes

    @property
    def error(self) -> str:
        return self.data.get("error", "") if isinstance(self.data, dict) else ""


class Pds:
    """A PDS process, with the address it answers at (127.0.0.1: what Refrain's guard is told to allow)."""

    def __init__(self, settings: dict, folder: Path):
        self.log = folder / "pds.log"
        self.started_in = 0.0
        began = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [settings["node"], settings["start"], str(folder / "data")],
                cwd=settings["folder"],
                stdout=subprocess.PIPE,
                stderr=log,
                env={**os.environ, "LOG_ENABLED": "false"},
            )
        line = self._first_line()
        self.started_in = time.monotonic() - began
        told = json.loads(line)
        self.url = told["pds"].replace("//localhost:", "//127.0.0.1:")
        self.admin_password = told["admin_password"]
        self.jwt_secret = told["jwt_secret"]
        self.port = urlsplit(self.url).port

    def _first_line(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the PDS stopped at start: {self.log.read_text()[-2000:]}")
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                return self.process.stdout.readline().decode()
        self.stop()
        raise RuntimeError(f"the PDS did not start within {STARTUP_SECONDS} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def xrpc(self, method, name, *, body=None, params=None, token="", raw=None, content_type="", admin=False):
        url = f"{self.url}/xrpc/{name}" + (f"?{urlencode(params)}" if params else "")
        headers = {}
        data = raw
        if body is not None:
            data, content_type = json.dumps(body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if admin:
            headers["Authorization"] = "Basic " + base64.b64encode(f"admin:{self.admin_password}".encode()).decode()
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:
                status, payload, kind = answer.status, answer.read(), answer.headers.get("content-type", "")
        except urllib.error.HTTPError as error:
            status, payload, kind = error.code, error.read(), error.headers.get("content-type", "")
        parsed = json.loads(payload) if payload and "json" in kind else None
        return Answer(status, parsed, payload)

    def create_account(self, handle: str) -> dict:
        """An account with its own password, and an app password made with it (what Refrain is given)."""
        password = f"pw-{handle}"
        made = self.xrpc(
            "POST",
            "com.atproto.server.createAccount",
            body={"handle": handle, "email": f"{handle}@example.com", "password": password},
        )
        assert made.status == 200, made.data
        app = self.xrpc(
            "POST",
            "com.atproto.server.createAppPassword",
            body={"name": "refrain"},
            token=made.data["accessJwt"],
        )
        assert app.status == 200, app.data
        return {
            "handle": handle,
            "did": made.data["did"],
            "password": password,
            "app_password": app.data["password"],
            "access": made.data["accessJwt"],
        }

    def records(self, did: str, collection: str = "app.bsky.feed.post") -> list[dict]:
        listed = self.xrpc(
            "GET", "com.atproto.repo.listRecords", params={"repo": did, "collection": collection, "limit": 100}
        )
        assert listed.status == 200, listed.data
        return listed.data["records"]

    def record(self, uri: str) -> Answer:
        did, collection, rkey = uri.removeprefix("at://").split("/")
        return self.xrpc(
            "GET", "com.atproto.repo.getRecord", params={"repo": did, "collection": collection, "rkey": rkey}
        )

    def expired(self, token: str) -> str:
        """The same access token, re-signed by the PDS's own secret with its time run out an hour ago:
        what a session saved a day earlier holds."""
        header, payload, _ = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        signed = f"{header}.{body}".encode()
        signature = hmac.new(self.jwt_secret.encode(), signed, hashlib.sha256).digest()
        return f"{header}.{body}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()

    def take_down(self, did: str, applied: bool = True) -> None:
        done = self.xrpc(
            "POST",
            "com.atproto.admin.updateSubjectStatus",
            admin=True,
            body={
                "subject": {"$type": "com.atproto.admin.defs#repoRef", "did": did},
                "takedown": {"applied": applied, "ref": "refrain-test"},
            },
        )
        assert done.status == 200, done.data


class Proxy:
    """Between Refrain and the PDS: passes every exchange on, noting its path, except that it hangs up
    instead of answering the first ``lose`` exchanges whose path holds one of ``lose``'s names (made on
    the PDS all the same: the lost answer of a real network), and answers 503 without passing them on
    to the first of ``refuse``."""

    def __init__(self, target_port: int, lose=(), refuse=()):
        self.paths: list[str] = []
        self.lose, self.refuse = list(lose), list(refuse)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _pass(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.paths.append(self.path.split("?")[0].removeprefix("/xrpc/"))
                refused = next((name for name in proxy.refuse if name in self.path), None)
                if refused:
                    proxy.refuse.remove(refused)
                    return self._answer(503, [("Content-Type", "application/json")], b'{"error":"Unavailable"}')
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=20)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                lost = next((name for name in proxy.lose if name in self.path), None)
                if lost:
                    proxy.lose.remove(lost)
                    self.close_connection = True
                    self.connection.close()
                    return
                self._answer(answer.status, answer.getheaders(), data)

            def _answer(self, status, headers, data):
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, name: str) -> int:
        return sum(1 for path in self.paths if path == name)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
