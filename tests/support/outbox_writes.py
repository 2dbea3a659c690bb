"""Every write to an outbox folder, counted as it happens: the proof that a post went out once.

The outbox replaces a post's file when it is written again, so the files alone cannot show a double:
a post delivered twice leaves one ``<post id>.json``, exactly like a post delivered once. Every write
ends in one rename into the folder (``channels.outbox.write_atomically``), and the kernel reports each
one through inotify(7), whichever process made it: the test's own, a worker's, a killed worker's.

    writes = OutboxWrites(instance / "outbox" / "twitter")
    ...                                   # workers deliver
    assert writes.per_post() == {7: 1, 8: 1}
"""

import ctypes
import ctypes.util
import os
import select
import struct
import threading
from collections import Counter
from pathlib import Path

IN_MOVED_TO, IN_Q_OVERFLOW = 0x80, 0x4000
EVENT_HEADER = struct.Struct("iIII")


class OutboxWrites:
    """Counts, per file name, the renames into one folder, from a thread reading the kernel's events."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or self.libc.inotify_add_watch(self.fd, str(folder).encode(), IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify is not available")
        self.renames: Counter = Counter()
        self.overflowed = False
        self.stopping = threading.Event()
        self.closed = False
        self.thread = threading.Thread(target=self.read_until_stopped, name="outbox-writes", daemon=True)
        self.thread.start()

    def read_until_stopped(self) -> None:
        while not self.stopping.is_set():
            select.select([self.fd], [], [], 0.1)
            self.drain()
        self.drain()

    def drain(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                _, mask, _, length = EVENT_HEADER.unpack_from(data, offset)
                name = data[offset + EVENT_HEADER.size : offset + EVENT_HEADER.size + length].rstrip(b"\0").decode()
                offset += EVENT_HEADER.size + length
                self.overflowed |= bool(mask & IN_Q_OVERFLOW)
                if mask & IN_MOVED_TO:
                    self.renames[name] += 1

    def close(self) -> Counter:
        """Stops watching (every write made so far is counted) and gives the renames per file name."""
        if not self.closed:
            self.closed = True
            self.stopping.set()
            self.thread.join(timeout=5)
            os.close(self.fd)
        assert not self.overflowed, "the kernel dropped outbox events: the count would be a guess"
        return self.renames

    def per_post(self) -> Counter:
        """Writes per post id (the outbox names each post's file ``<id>.json``), once stopped."""
        return Counter(
            {int(name.split(".")[0]): count for name, count in self.close().items() if name.endswith(".json")}
        )
