"""``refrain serve``: the web server, the workers and (unless REDIS_URL is set) the embedded Redis,
as one foreground process tree that a single user starts and stops with Ctrl-C.

It supervises: a worker that dies is started again, and so is the embedded Redis server, since
the database keeps every post and the sweeper rebuilds whatever Redis lost.
"""

import os
import signal
import subprocess
import sys
import time

RESTART_PAUSE = 2.0


class Child:
    def __init__(self, name, args, env):
        self.name, self.args, self.env = name, args, env
        self.process = None
        self.started_at = 0.0

    def start(self):
        self.process = subprocess.Popen(self.args, env=self.env)
        self.started_at = time.monotonic()

    @property
    def dead(self) -> bool:
        return self.process is None or self.process.poll() is not None


def run(app, host: str, port: int, workers: int, web_processes: int) -> None:
    service = app.extensions["refrain.queue"]
    env = dict(os.environ, REFRAIN_INSTANCE=app.config["INSTANCE_PATH"])
    env["REDIS_URL"] = service.embedded.ensure_running() if service.embedded else service.url
    env["REFRAIN_PUBLIC_URL"] = app.extensions["refrain.settings"].public_url  # the origin the command serves
    # no --name: RQ refuses a name whose last owner was killed until its key expires (minutes), so a
    # restarted worker takes a fresh one
    children = [Child(f"worker {n}", [sys.executable, "-m", "scheduler", "worker"], env) for n in range(workers)]
    web = Child("web", gunicorn_args(host, port, web_processes), env)
    children.append(web)
    for child in children:
        child.start()
    print(f"Refrain is running on http://{host}:{port}/ with {workers} worker(s); Ctrl-C stops it all", flush=True)
    stopping = []
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            if web.dead and time.monotonic() - web.started_at < 5:
                print("the web server could not start (is the port taken?); stopping", file=sys.stderr)
                break
            if service.embedded and not service.embedded.is_running():
                print("the embedded Redis server stopped; starting it again", file=sys.stderr)
                service.embedded.ensure_running()
            for child in children:
                if child.dead and time.monotonic() - child.started_at > RESTART_PAUSE:
                    print(f"{child.name} exited ({child.process.returncode}); starting it again", file=sys.stderr)
                    child.start()
            time.sleep(0.5)
    finally:
        _stop(children)
        if service.embedded:
            service.embedded.stop()


WEB_THREADS = 4
# Seconds an idle connection stays open for its next request. Gunicorn's default (2 s) is shorter than
# a person's pause between pages: the server closed connections that browsers and proxies were about
# to reuse, and those requests failed with "connection reset by peer" (every error of the web bench,
# 50 users pausing 1-3 s). gthread keeps idle connections in its poller, not in a thread, so holding
# them is cheap; 75 s outlasts any reading pause and stays above the usual 60 s idle timeout of a
# reverse proxy in front, so the client or the proxy, not the server, ends an idle connection.
KEEP_ALIVE_SECONDS = 75


def gunicorn_args(host: str, port: int, web_processes: int) -> list[str]:
    """gthread workers: a few threads per process overlap database and Redis waits, and a process per
    core does the Python work (the pages are CPU-bound: more threads would only queue on the GIL)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(web_processes),
        "--worker-class",
        "gthread",
        "--threads",
        str(WEB_THREADS),
        "--keep-alive",
        str(KEEP_ALIVE_SECONDS),
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "scheduler.wsgi:app",
    ]


def _stop(children, timeout: float = 20) -> None:
    for child in children:
        if not child.dead:
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.process.kill()
