"""Writing a file so that a crash leaves all of it or nothing: the outbox (``base.write_to_outbox``)
and the folder channels (the blog's folder target, the ads' export) write this way.
"""

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """All of ``data`` or nothing at ``target``, even across a crash: a temporary file beside it,
    flushed to disk, renamed over it, and the rename itself made durable.

    Both syncs stay, since the caller reports the post published as soon as this returns. Without the
    file's fsync, a power cut after the rename can leave ``target`` empty or truncated (the rename may
    reach the disk before the data); without the folder's, it can leave no ``target`` at all while the
    database says published: a post lost without anyone being told. Measured on the benchmark disk
    (ext4 on a virtual disk): about 0.4 ms for the file's and 0.2 ms for the folder's when the machine
    is quiet, 1-3 ms together under load; ``fdatasync`` saved nothing measurable, a new file's size being
    metadata it must write too.
    """
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Makes the rename itself durable; some systems cannot open a folder, and then there is nothing to do."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
