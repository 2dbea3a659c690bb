"""A test channel whose delivery waits for a file to appear, so a test can kill a worker mid-delivery.

Loaded through REFRAIN_EXTRA_CHANNELS, the same way an installation adds a private channel.
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
        started = Path(context.outbox_dir) / "slowtest-started"
        started.parent.mkdir(parents=True, exist_ok=True)
        started.write_text(str(os.getpid()))
        release = Path(context.outbox_dir) / "slowtest-release"
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().deliver(draft, post, context)


register(SlowChannel)
