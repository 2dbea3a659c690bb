"""Real `refrain worker` processes for the tests: the same command an operator runs, on the test's
database, Redis and instance folder."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def worker_env(app, **extra) -> dict:
    """The test's database, Redis and instance folder; ``extra`` adds settings or replaces these (a
    worker placed as on a host of its own has an instance folder of its own: tests/support/hosts.py)."""
    env = dict(
        os.environ,
        REFRAIN_INSTANCE=app.config["INSTANCE_PATH"],
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=app.config["REDIS_URL"],
    )
    env.update(extra)
    return env


def worker_command(burst: bool) -> list[str]:
    return [sys.executable, "-m", "scheduler", "worker"] + (["--burst"] if burst else [])


def start_worker(app, burst=True, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        worker_command(burst), env=worker_env(app, **extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


class LongRunningWorker:
    """One `refrain worker` (not --burst) that a test can SIGKILL and start again.

    Its output goes to a file, not a pipe: a worker that runs for the whole test writes more than a
    pipe holds, and a full pipe would stall it (a hang the test would then blame on the product).
    Every life of the worker appends to the same file, so a failure can show what each one said.
    """

    def __init__(self, app, log_path: Path, **extra):
        self.env = worker_env(app, PYTHONUNBUFFERED="1", **extra)  # a SIGKILL must not eat the last lines
        self.log_path = Path(log_path)
        self.process: subprocess.Popen | None = None
        self.lives = 0
        self.started_at = 0.0

    def start(self) -> "LongRunningWorker":
        self.lives += 1
        self.started_at = time.monotonic()
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- life {self.lives} ---\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                worker_command(burst=False),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.started_at if self.running else 0.0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is cleaned up, exactly as when a host loses power."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM first (RQ's warm shutdown), SIGKILL if it does not go."""
        if not self.running:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, characters: int = 3000) -> str:
        if not self.log_path.exists():
            return "(no output)"
        return self.log_path.read_text(errors="replace")[-characters:]


class WorkerFleet:
    """Several long-running workers; ``report()`` says who is alive and what each said last."""

    def __init__(self, workers: list[LongRunningWorker]):
        self.workers = workers

    def start(self) -> "WorkerFleet":
        for worker in self.workers:
            worker.start()
        return self

    def stop(self) -> None:
        for worker in self.workers:
            if worker.running:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            worker.stop()

    def report(self, characters: int = 1500) -> str:
        return "\n".join(
            f"=== worker {number} ({'running' if worker.running else 'exited'}, {worker.lives} lives, "
            f"{worker.log_path}) ===\n{worker.tail(characters)}"
            for number, worker in enumerate(self.workers)
        )
