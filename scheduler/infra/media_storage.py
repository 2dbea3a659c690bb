"""Where uploaded media are kept: a small interface with two homes behind it.

* ``FolderStorage``: ``<instance>/media`` (the default), one file per name, written to a temporary name
  and renamed, so a reader never sees half a file.
* ``S3Storage``: a bucket of any S3-compatible store (``REFRAIN_MEDIA_S3_*``), through boto3.

Names are given by the media service: a file's SHA-256 and its extension (``<hex>.jpg``, a thumbnail
``<hex>.thumb.webp``), so the same content always has the same name and a name can never climb out of
its folder or prefix: ``check_name`` refuses anything else before either home is touched. Every file is
reached through the app's own address (``/media/<name>``), whichever home holds it, so a media's URL
stays the same when the storage moves.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from scheduler.config import S3Location, Settings, make_private_folder

NAME = re.compile(r"^[0-9a-f]{64}(\.thumb)?\.(jpg|png|gif|webp|mp4|webm|mov)$")
CHUNK = 256 * 1024


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise ValueError(f"not a media file name: {name!r}")
    return name


@dataclass(frozen=True)
class StoredFile:
    """A file as a home gives it back: its size, and either a path on this machine (served with
    ranges and conditional requests) or its bytes as chunks."""

    size: int
    path: Path | None = None
    chunks: Iterator[bytes] | None = None


class MediaStorage(Protocol):
    def put(self, name: str, source: bytes | BinaryIO, content_type: str) -> None: ...

    def get(self, name: str) -> StoredFile | None: ...

    def delete(self, name: str) -> None: ...


class FolderStorage:
    def __init__(self, root: Path):
        self.root = root

    def put(self, name: str, source: bytes | BinaryIO, content_type: str) -> None:
        target = self.root / check_name(name)
        make_private_folder(self.root)
        if target.exists():
            return  # named by its content: the file already there is the same
        fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                if isinstance(source, bytes):
                    handle.write(source)
                else:
                    shutil.copyfileobj(source, handle, CHUNK)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> StoredFile | None:
        path = self.root / check_name(name)
        try:
            return StoredFile(size=path.stat().st_size, path=path)
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        (self.root / check_name(name)).unlink(missing_ok=True)


class S3Storage:
    """A bucket through boto3 (imported here only: Refrain runs without it when media stay local)."""

    def __init__(self, location: S3Location):
        import boto3
        from botocore.config import Config

        self.location = location
        self.client = boto3.client(
            "s3",
            endpoint_url=location.endpoint_url,
            region_name=location.region,
            aws_access_key_id=location.access_key,
            aws_secret_access_key=location.secret_key,
            # path-style addressing: what S3-compatible servers all take (a bucket as a host name needs DNS)
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def key(self, name: str) -> str:
        prefix = self.location.prefix
        return f"{prefix}/{check_name(name)}" if prefix else check_name(name)

    def put(self, name: str, source: bytes | BinaryIO, content_type: str) -> None:
        if isinstance(source, bytes):
            self.client.put_object(
                Bucket=self.location.bucket, Key=self.key(name), Body=source, ContentType=content_type
            )
        else:  # a video: sent in parts as it is read, never whole in memory
            self.client.upload_fileobj(
                source, self.location.bucket, self.key(name), ExtraArgs={"ContentType": content_type}
            )

    def get(self, name: str) -> StoredFile | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.location.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        body = answer["Body"]
        return StoredFile(size=int(answer["ContentLength"]), chunks=_closing(body.iter_chunks(CHUNK), body))

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.location.bucket, Key=self.key(name))


def _closing(chunks: Iterator[bytes], body) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        body.close()


@lru_cache(maxsize=8)
def _s3(location: S3Location) -> S3Storage:
    return S3Storage(location)  # one client per bucket and process: boto3 clients are thread-safe


def storage_for(settings: Settings) -> MediaStorage:
    """The home the settings name: the S3 bucket when one is configured, else ``<instance>/media``."""
    if settings.media_s3 is not None:
        return _s3(settings.media_s3)
    return FolderStorage(settings.media_folder)
