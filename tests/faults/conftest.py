"""What the fault tests need beyond tests/conftest.py: a Redis server each test owns and may kill,
and a reproducible source of chaos. Outbox deliveries are counted by the shared ``outbox_writes``
fixture (tests/conftest.py), which a repeat cannot hide from.

``redis_server`` is overridden here, per test: the shared ``app`` fixture then runs on a server
this test started, so killing or flushing it harms no other test, and everything else about the
app (the migrated database, PostgreSQL when REFRAIN_TEST_DATABASE_URL is set) stays as everywhere.
"""

import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from scheduler.infra.embedded_redis import redis_server_binary

DEBIAN_REDIS = "/usr/bin/redis-server"


class KillableRedis:
    """A real redis-server on a Unix socket, which the test can SIGKILL and start again at the same
    address. It keeps nothing on disk, so a restart comes back empty: the worst a crash can do."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.binary = DEBIAN_REDIS if os.path.exists(DEBIAN_REDIS) else redis_server_binary()
        self.socket_path = folder / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10) -> "KillableRedis":
        self.socket_path.unlink(missing_ok=True)
        args = [
            self.binary,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.folder),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(self.folder / "redis.log"),
        ]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.binary} did not start: {self.log_tail()}")
            time.sleep(0.02)
        return self

    def answers(self) -> bool:
        try:
            return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1).ping()
        except (redis.RedisError, OSError):
            return False

    def kill(self) -> None:
        """SIGKILL: no save, no goodbye to the clients."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, characters: int = 1500) -> str:
        log = self.folder / "redis.log"
        return log.read_text(errors="replace")[-characters:] if log.exists() else "(no log)"


@pytest.fixture
def redis_server():
    """A server per test, in a short temporary folder (a Unix socket's path holds 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="refrain-faults-"))
    server = KillableRedis(folder).start()
    yield server
    server.kill()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def chaos(request) -> random.Random:
    """Seeded randomness, the seed printed (shown with a failure): REFRAIN_FAULT_SEED=<seed> replays a run."""
    seed = int(os.environ.get("REFRAIN_FAULT_SEED") or random.SystemRandom().randrange(2**32))
    print(f"{request.node.name}: fault seed {seed} (replay with REFRAIN_FAULT_SEED={seed})")
    rng = random.Random(seed)
    rng.seed_value = seed
    return rng
