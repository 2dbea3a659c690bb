"""A real SMTP server (aiosmtpd, on a free port of 127.0.0.1) that records what it accepted, and the
app in live mode with a newsletter account pointing at it."""

import socket
import threading
from collections import Counter
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser

import pytest
from aiosmtpd.controller import Controller

from scheduler import reconfigure
from scheduler.services import accounts
from tests.support.inside_addresses import inside_names  # noqa: F401  (a fixture: host names resolving inside)

HEADERS = BytesHeaderParser()


class Recorder:
    """Counts, per address, the messages it accepted; ``fail_after`` makes it answer 421 from then on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.raw = []  # (recipients, bytes): parsed only when a test looks, to keep the server quick
        self.received = Counter()
        self.fail_after = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_after is not None and len(self.raw) >= self.fail_after:
                return "421 4.3.2 Too busy: try again later"
            recipients = [r.lower() for r in envelope.rcpt_tos]
            self.received.update(recipients)
            self.raw.append((recipients, envelope.content))
        return "250 2.0.0 OK"

    # methods, not properties: aiosmtpd looks through the handler's attributes on every connection

    def first(self):
        return message_from_bytes(self.raw[0][1], policy=policy.default)

    def message_ids(self) -> list[str]:
        return [HEADERS.parsebytes(content)["Message-ID"] for _, content in self.raw]

    def to(self, address):
        return [
            message_from_bytes(content, policy=policy.default)
            for recipients, content in self.raw
            if address.lower() in recipients
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    recorder = Recorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port, server_hostname="smtp.refrain.test")
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def live(app, smtp):
    # the local SMTP server, as an admin would allow it; the mail's links lead to the public URL
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",), public_url="https://refrain.test")
    accounts.connect(
        {
            "channel": "newsletter",
            "name": "Refrain Letters",
            "host": "127.0.0.1",
            "port": str(smtp.port),
            "security": "none",
            "from_address": "news@refrain.test",
            "from_name": "Refrain Letters",
            "reply_to": "editor@refrain.test",
        }
    )
    return app
