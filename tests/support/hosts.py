"""Refrain placed as on several hosts: web processes and workers, each a separate process with an
environment and an instance folder of its own, sharing only what the README's "Running at scale"
says every host shares: the database, Redis, ``SECRET_KEY`` and ``REFRAIN_PUBLIC_URL``.

A web process is gunicorn on ``scheduler.wsgi:app`` with the arguments ``refrain serve`` gives it
(``infra.serve.gunicorn_args``: gthread, its threads and keep-alive), on a port of its own; a worker
is ``refrain worker`` (tests/support/workers.py). Nothing is shared through the file system: a
worker's outbox is in its own instance folder, as it would be on its own disk, so a test that counts
deliveries watches every worker's outbox (``Site.outbox``).

    site = Site(app, tmp_path, web_processes=2, workers=3, REFRAIN_DELIVERY="outbox").start()
    api = Api(site.web[0].url, token)
    status, plan = api.call("POST", "/api/v1/plans", {...})
    site.stop()

The benchmark of the same layouts (``python -m bench scale``) uses this module too, so the figures it
gives are of the very processes the test proves.
"""

import http.client
import json
import secrets
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from scheduler.infra.serve import gunicorn_args
from tests.support.workers import LongRunningWorker, WorkerFleet, worker_env

ANSWERS_AT = "/static/favicon.svg"  # a file every web process serves, signed in or not


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebProcess:
    """One web host: gunicorn with one process (``refrain serve``'s threads in it), its own port, its
    output in a file (a pipe nobody reads would fill and stall it)."""

    def __init__(self, port: int, env: dict, log_path: Path):
        self.port, self.env, self.log_path = port, env, Path(log_path)
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WebProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                gunicorn_args("127.0.0.1", self.port, 1),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    def wait_until_answering(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", ANSWERS_AT)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the web process on {self.url} did not answer:\n{self.tail()}")
            time.sleep(0.1)

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's graceful stop: the requests in hand are answered
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:] if self.log_path.exists() else "(no output)"


class Site:
    """Web processes and workers on the app's database and Redis, each with its own instance folder
    under ``folder``; ``settings`` (``REFRAIN_*`` variables) go to every one of them."""

    def __init__(self, app, folder: Path, web_processes: int, workers: int, **settings):
        folder.mkdir(parents=True, exist_ok=True)
        ports = [free_port() for _ in range(web_processes)]
        self.shared = {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "REDIS_URL": app.config["REDIS_URL"],
            "SECRET_KEY": secrets.token_urlsafe(32),  # the same on every host, none in an instance folder
            # the address people use, the load balancer's; here the first web process stands for it
            "REFRAIN_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
            **settings,
        }
        self.web = [
            WebProcess(
                port, worker_env(app, **self.host(folder / f"web-{n}"), PYTHONUNBUFFERED="1"), folder / f"web-{n}.log"
            )
            for n, port in enumerate(ports, start=1)
        ]
        self.fleet = WorkerFleet(
            [
                LongRunningWorker(app, folder / f"worker-{n}.log", **self.host(folder / f"worker-{n}"))
                for n in range(1, workers + 1)
            ]
        )

    def host(self, instance: Path) -> dict:
        return {**self.shared, "REFRAIN_INSTANCE": str(instance)}

    @property
    def workers(self) -> list[LongRunningWorker]:
        return self.fleet.workers

    def start(self, workers: bool = True) -> "Site":
        """Every process at once (they start in parallel); back when every web process answers."""
        if workers:
            self.fleet.start()
        for web in self.web:
            web.start()
        for web in self.web:
            web.wait_until_answering()
        return self

    def stop(self) -> None:
        for web in self.web:
            web.stop()
        self.fleet.stop()

    @staticmethod
    def outbox(worker: LongRunningWorker) -> Path:
        """The worker's own outbox folder (``<its instance>/outbox``)."""
        return Path(worker.env["REFRAIN_INSTANCE"]) / "outbox"

    def report(self) -> str:
        """What every process said last, for a failure's message."""
        webs = "\n".join(f"=== web {n} ({web.url}) ===\n{web.tail(1500)}" for n, web in enumerate(self.web, start=1))
        return f"{webs}\n{self.fleet.report()}"


class Api:
    """A script's connection to one web process: JSON over one kept-alive HTTP connection, with a Bearer
    token. Not shared between threads. A request that fails on the way is not sent again: a POST
    repeated after a lost answer could create a second post, and the test counts posts."""

    def __init__(self, base_url: str, token: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port, self.token, self.timeout = parts.hostname, parts.port, token, timeout
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def call(self, method: str, path: str, data=None, headers: dict | None = None) -> tuple[int, object]:
        body = None if data is None else json.dumps(data).encode()
        sent = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        self.connection.request(method, path, body=body, headers=sent)
        answer = self.connection.getresponse()
        raw = answer.read()
        kind = answer.getheader("Content-Type", "")
        return answer.status, json.loads(raw) if "json" in kind else raw.decode(errors="replace")

    def close(self) -> None:
        self.connection.close()
