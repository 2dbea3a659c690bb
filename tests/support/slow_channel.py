"""A test channel whose delivery waits for a file to appear, so a test can kill a worker mid-delivery.

Loaded through REFRAIN_EXTRA_CHANNELS, the same way an installation adds a private channel (the
``slow_channel`` fixture in tests/conftest.py does both). A delivery that has begun has been claimed
and committed: ``wait_until_started`` gives the process delivering it, which the test may kill or
leave waiting, and ``release`` lets the delivery go on (to the outbox, ``outbox/slowtest``).
"""

import os
import time
from pathlib import Path

from channels.base import Channel, Draft
from channels.registry import register


class SlowChannel(Channel):
    name = "slowtest"
    label = "Slow test channel"
    limits = {}

    def render(self, post):
        return Draft(channel=self.name, payload={"text": post.body}, preview=post.body)

    def check(self, post, draft):
        return None, []

    def deliver(self, draft, post, context):
        started = Path(context.outbox_dir) / STARTED
        started.parent.mkdir(parents=True, exist_ok=True)
        started.write_text(str(os.getpid()))
        release = Path(context.outbox_dir) / RELEASE
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().deliver(draft, post, context)


STARTED, RELEASE = "slowtest-started", "slowtest-release"


def wait_until_started(app, timeout: float = 60) -> int:
    """The id of the process delivering a slowtest post, once its delivery has begun."""
    started = Path(app.config["INSTANCE_PATH"]) / "outbox" / STARTED
    deadline = time.monotonic() + timeout
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), "no worker began the slow delivery"
    while not (text := started.read_text()):  # written, maybe not yet flushed
        time.sleep(0.01)
    return int(text)


def release(app) -> None:
    """Lets every slowtest delivery, under way or to come, go on."""
    (Path(app.config["INSTANCE_PATH"]) / "outbox" / RELEASE).touch()


register(SlowChannel)
