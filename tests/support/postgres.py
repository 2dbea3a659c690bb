"""A private PostgreSQL cluster for the fault tests: its own data directory and socket, started and
stopped at will (``pg_ctl stop -m fast`` is what an operator, a crash-restart or a failover does).

It listens on a Unix socket only (no TCP port to collide with), in a short directory under /tmp: a
socket path must fit in about 100 bytes. PostgreSQL refuses to run as root, so as root every server
command runs as the ``postgres`` user, who owns the directory.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL is not installed: the fault tests need its server binaries (initdb, pg_ctl). "
    "Install Debian's package: apt-get install postgresql (CI installs it)"
)


class PostgresMissing(RuntimeError):
    pass


def find_binaries() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin (Debian keeps initdb off the PATH), else the PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version, reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    if not found:
        raise PostgresMissing(INSTALL_HINT)
    return Path(found).parent


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    """Names the socket file (.s.PGSQL.<port>) uniquely, should another server share the directory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    def __init__(self):
        self.bin = find_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="rfpg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.root}&port={self.port}"

    def _run(self, *args: str) -> None:
        command = self.as_postgres + [str(self.bin / args[0]), *args[1:]]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}{tail}")

    def init(self) -> "PostgresCluster":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        return self

    def start(self) -> None:
        """Durability settings off: the tests stop the server cleanly (a fast shutdown checkpoints), they
        never crash the machine, and fsync would only make them slow."""
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", options)

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data))

    def running(self) -> bool:
        command = self.as_postgres + [str(self.bin / "pg_ctl"), "status", "-D", str(self.data)]
        return subprocess.run(command, capture_output=True).returncode == 0

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
