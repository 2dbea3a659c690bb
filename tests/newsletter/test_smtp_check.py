"""The newsletter account's connection test: an SMTP login over STARTTLS through the guarded path, and
no mail sent; a refused login marks the account, a refusal of the moment does not."""

import smtplib

from channels.base import Account
from scheduler import reconfigure
from scheduler.models import ChannelAccount
from scheduler.models.database import db
from scheduler.services import connection_checks
from scheduler.services.newsletter.mailer import login_refusal
from tests.newsletter.test_smtp_security import connect, tls_smtp  # noqa: F401  (a fixture)


def test_the_login_is_tested_and_no_mail_is_sent(app, tls_smtp):  # noqa: F811
    reconfigure(app, delivery="live", fetch_allow=("127.0.0.1",))  # the local SMTP server, as an admin would allow it
    account = connect(tls_smtp.port, "s3cret")
    result = connection_checks.check_account(account.id)
    assert result == {
        "status": "connected",
        "message": "connected to the SMTP server 127.0.0.1 (starttls) and logged in as mailer; no mail was sent",
        "account_status": "connected",
    }
    assert tls_smtp.logins[0][1:] == (b"mailer", b"s3cret") and tls_smtp.raw == []


def test_a_refused_login_marks_the_account_and_names_the_password(app, tls_smtp):  # noqa: F811
    reconfigure(app, delivery="outbox", fetch_allow=("127.0.0.1",))  # a test asks the server whatever the mode
    account = connect(tls_smtp.port, "wrong")
    result = connection_checks.check_account(account.id)
    assert result["status"] == "unauthorized" and "535" in result["message"]
    assert "SMTP user name and password" in result["message"] and "wrong" not in result["message"]
    db.session.expire_all()
    stored = db.session.get(ChannelAccount, account.id)
    assert stored.status == "unauthorized" and stored.status_message == result["message"]
    assert tls_smtp.raw == []


def test_a_server_at_an_inside_address_is_not_contacted(app, tls_smtp):  # noqa: F811
    reconfigure(app, delivery="live")  # nothing inside allowed
    account = connect(tls_smtp.port, "s3cret")
    result = connection_checks.check_account(account.id)
    assert result["status"] == "rejected" and "not contacted" in result["message"]
    assert tls_smtp.logins == []


def test_a_refusal_of_the_moment_is_not_a_wrong_password():
    account = Account(1, "newsletter", "Letters", settings={"host": "smtp.example.com", "user": "mailer"})
    assert login_refusal(smtplib.SMTPAuthenticationError(454, b"4.7.0 Temporary authentication failure"), account) == ""
    refusal = login_refusal(
        smtplib.SMTPAuthenticationError(534, b"5.7.9 Application-specific password required"), account
    )
    assert "Application-specific password required" in refusal and "app password" in refusal
