"""The newsletter's SMTP server is a host someone typed: the address guard holds for it as for feeds,
its password stays with the server it was given for, and it never crosses the network in the clear."""

import socket
from contextlib import closing

import pytest

from channels.base import Account
from scheduler import reconfigure
from scheduler.services import accounts
from scheduler.services.errors import Invalid
from scheduler.services.newsletter import mailer, messages, subscribers
from scheduler.services.newsletter.mailer import Mailer, MailNotConfigured
from tests.newsletter.test_smtp_security import connect, tls_smtp  # noqa: F401  (a fixture)
from tests.support.inside_addresses import FORMS, IDS, bare

SETTINGS = {"security": "starttls", "from_address": "news@refrain.test", "public_url": "https://refrain.test"}


class Listener:
    """A port on 127.0.0.1 that takes connections and tells whether any came."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                accepted, _ = self.server.accept()
            except BlockingIOError:
                return count
            accepted.close()
            count += 1


@pytest.fixture
def listener():
    listening = Listener()
    with closing(listening.server):
        yield listening


@pytest.mark.parametrize("host, kind", FORMS, ids=IDS)
def test_an_smtp_server_at_an_inside_address_is_never_contacted(app, smtp, host, kind, inside_names):
    reconfigure(app, delivery="live")  # the guard's default: nothing inside is allowed
    account = Account(1, "newsletter", "Letters", settings={**SETTINGS, "host": bare(host), "port": str(smtp.port)})
    with pytest.raises(MailNotConfigured) as refusal:
        Mailer(account).open()
    assert str(refusal.value).startswith("the SMTP server was not contacted: refused: ")
    assert kind in str(refusal.value) and "REFRAIN_FETCH_ALLOW" in str(refusal.value)
    assert smtp.raw == []


def test_moving_the_smtp_server_without_the_password_sends_it_nowhere(app, tls_smtp, listener):  # noqa: F811
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # both local servers, as an admin would allow them
    account = connect(tls_smtp.port, "s3cret")
    moved = accounts.connect(
        {
            "name": "Letters",
            "host": "localhost",
            "port": str(listener.port),
            "security": "starttls",
            "user": "mailer",
            "from_address": "news@refrain.test",
            "public_url": "https://refrain.test",
        },
        account,
    )
    assert moved.status == "unauthorized"
    assert "SMTP server, SMTP port changed" in moved.status_message and "SMTP password again" in moved.status_message
    assert accounts.account_dict(moved)["secrets_set"] == []

    subscriber, _ = subscribers.signup({"email": "moved@example.com"})
    with pytest.raises(MailNotConfigured):
        messages.send_confirmation(subscriber.id)
    assert mailer.mail_account() is None, "an account that asks for its password again sends nothing"
    assert listener.connections() == 0, "nothing connected to the new server, let alone logged in"
    assert tls_smtp.logins == []


def test_a_login_over_plain_smtp_is_refused_when_the_account_is_saved(app):
    with pytest.raises(Invalid) as refusal:
        accounts.connect(
            {
                "channel": "newsletter",
                "name": "Letters",
                "host": "smtp.example.com",
                "port": "25",
                "security": "none",
                "user": "mailer",
                "password": "s3cret",
                **{k: v for k, v in SETTINGS.items() if k != "security"},
            }
        )
    assert "does not send a password over a connection without TLS" in refusal.value.fields["security"]


def test_a_stored_account_that_would_log_in_without_tls_sends_nothing(app, smtp):
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))
    account = Account(
        1,
        "newsletter",
        "Letters",
        settings={**SETTINGS, "security": "none", "host": "127.0.0.1", "port": str(smtp.port), "user": "mailer"},
        secrets={"password": "s3cret"},
    )
    with pytest.raises(MailNotConfigured) as refusal:
        Mailer(account).open()
    assert "does not log in to an SMTP server without TLS" in str(refusal.value)
    assert smtp.raw == []
