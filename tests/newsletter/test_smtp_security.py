"""The SMTP connection as the account says: STARTTLS (the certificate checked) and a login."""

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scheduler import reconfigure
from scheduler.models import ChannelAccount, NewsletterIssue, NewsletterSend, Post
from scheduler.models.database import db
from scheduler.services import accounts
from scheduler.services.newsletter import batches, issues, mailer, messages, subscribers
from tests.factories import make_plan
from tests.newsletter.conftest import Recorder, free_port


def self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # valid whatever day the suite runs on (and whatever clock OpenSSL reads): a test server's cert
    always = (datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2099, 12, 31, tzinfo=datetime.UTC))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(always[0])
        .not_valid_after(always[1])
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch):
    cert_file, key_file = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    trusting = ssl.create_default_context
    monkeypatch.setattr(mailer.ssl, "create_default_context", lambda: trusting(cafile=str(cert_file)))
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password))
        ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    recorder = Recorder()
    recorder.port = free_port()
    recorder.logins = logins
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=recorder.port,
        server_hostname="smtp.refrain.test",
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
        auth_exclude_mechanism=["LOGIN"],
    )
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


def connect(port, password, account=None):
    return accounts.connect(
        {
            "channel": "newsletter",
            "name": "Letters",
            "host": "127.0.0.1",
            "port": str(port),
            "security": "starttls",
            "user": "mailer",
            "password": password,
            "from_address": "news@refrain.test",
        },
        account,
    )


def test_starttls_and_login_then_a_refused_login_marks_the_account(app, tls_smtp):
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the local SMTP server, as an admin would allow it
    account = connect(tls_smtp.port, "s3cret")
    subscriber, _ = subscribers.signup({"email": "tls@example.com"})
    assert messages.send_confirmation(subscriber.id) == "sent"  # the server refuses anything before STARTTLS
    assert tls_smtp.received["tls@example.com"] == 1
    assert tls_smtp.logins[0][1:] == (b"mailer", b"s3cret")

    subscribers.confirm(subscribers.confirm_token(subscriber))
    post = Post(plan_id=make_plan().id, channel="newsletter", title="x", status="published")
    db.session.add(post)
    db.session.commit()
    connect(tls_smtp.port, "wrong", account)
    issues.start_issue(post.id, {"subject": "x", "sections": [], "text": "x"}, mailer.mail_account())
    assert batches.send_batch(post.id, 0) == "waiting: account to reconnect"
    db.session.expire_all()
    assert db.session.get(ChannelAccount, account.id).status == "unauthorized"
    assert "refused the login" in db.session.get(ChannelAccount, account.id).status_message
    assert db.session.query(NewsletterSend).one().status == "pending"  # nothing lost: it waits
    assert db.session.get(NewsletterIssue, post.id).finished_at is None
