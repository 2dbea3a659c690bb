"""The newsletter's mail account (the connected channel account: SMTP server and addresses) and the
mailer that sends with it: one SMTP connection for many messages, or the outbox folder when
deliveries are not live.

The SMTP server is a host someone typed in: the connection goes through the address guard
(``scheduler.infra.outbound.smtp``), as a feed's does, so the newsletter cannot be pointed at an
inside address unless the admin allows it (REFRAIN_FETCH_ALLOW). A password is never sent over a
connection without TLS: a login with ``security = none`` is refused before connecting."""

import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from functools import lru_cache

from channels.base import Account, Outcome
from scheduler.domain.language import N_, _
from scheduler.infra.outbound.errors import Refused
from scheduler.infra.outbound.smtp import GuardedSMTP, GuardedSMTP_SSL
from scheduler.services import accounts, runtime
from scheduler.services.newsletter import EMAIL, addresses

SMTP_TIMEOUT = 30
SECURITY_MODES = ("starttls", "ssl", "none")
MAIL_OUTBOX = "newsletter-mail"
PLAIN_LOGIN_REFUSED = N_(
    "Refrain does not log in to an SMTP server without TLS (the password would cross the network in the"
    " clear): set the connection security to starttls or ssl, or leave the user name empty"
)


class MailNotConfigured(RuntimeError):
    pass


def mail_account() -> Account | None:
    """The newsletter's connected account (SMTP and addresses), decrypted; None when there is none."""
    account = accounts.for_channel("newsletter")
    if account is None or account.status == accounts.UNAUTHORIZED:
        return None
    return accounts.as_adapter_account(account)


def settings_problem(account: Account) -> str:
    """What makes this account unusable for mail, in words; "" when nothing does."""
    if not account.setting("host"):
        return _("the newsletter account has no SMTP server")
    if not account.setting("port", "587").isdigit():
        return _("the SMTP port %(port)s is not a number", port=repr(account.setting("port")))
    if account.setting("security", "starttls") not in SECURITY_MODES:
        return _("SMTP security must be one of %(modes)s", modes=", ".join(SECURITY_MODES))
    if account.setting("user") and account.setting("security", "starttls") == "none":
        return _(PLAIN_LOGIN_REFUSED)
    if not EMAIL.match(account.setting("from_address").lower()):
        return _("the newsletter account needs a valid From address")
    return ""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower() or "refrain.invalid"


def public_url() -> str:
    """Where every link in mail starts: ``REFRAIN_PUBLIC_URL``, the one address the operator vouches for.
    Never a request's Host, which whoever sends the request chooses."""
    return runtime.settings().public_url.rstrip("/")


@lru_cache(maxsize=1)
def local_hostname() -> str:
    """Looked up once per process: smtplib would otherwise ask DNS on every connection."""
    return socket.getfqdn()


class Mailer:
    """One SMTP connection for many messages (or, in outbox mode, the outbox folder)."""

    def __init__(self, account: Account | None, mode: str | None = None):
        self.account = account
        settings = runtime.settings()
        self.mode = mode or settings.delivery
        self.smtp = None
        self.folder = settings.outbox / MAIL_OUTBOX

    @property
    def sender(self) -> str:
        return self.account.setting("from_address") if self.account else "newsletter@localhost"

    def open(self) -> "Mailer":
        if self.mode != "live":
            self.folder.mkdir(parents=True, exist_ok=True)
            return self
        if self.account is None:
            raise MailNotConfigured(_("no newsletter account is connected: connect one on the Accounts page"))
        problem = settings_problem(self.account)
        if problem:
            raise MailNotConfigured(problem)
        host, port = self.account.setting("host"), int(self.account.setting("port", "587"))
        security = self.account.setting("security", "starttls")
        allow = runtime.settings().fetch_allow
        try:
            if security == "ssl":
                smtp = GuardedSMTP_SSL(
                    host,
                    port,
                    allow=allow,
                    local_hostname=local_hostname(),
                    timeout=SMTP_TIMEOUT,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = GuardedSMTP(host, port, allow=allow, local_hostname=local_hostname(), timeout=SMTP_TIMEOUT)
        except Refused as refusal:
            raise MailNotConfigured(_("the SMTP server was not contacted: %(why)s", why=refusal)) from None
        try:
            if security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.account.setting("user"):
                smtp.login(self.account.setting("user"), self.account.secret("password"))
        except BaseException:
            _close(smtp)
            raise
        self.smtp = smtp
        return self

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self.smtp is None:  # outbox: one file per message, named by its stable Message-ID
            name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>")) + ".eml"
            international = addresses.needs_smtputf8(recipient)  # as an SMTPUTF8 server would get it
            (self.folder / name).write_bytes(
                message.as_bytes(policy=message.policy.clone(utf8=True)) if international else bytes(message)
            )
            return
        # the domain in IDNA; a local part with accents makes smtplib ask for SMTPUTF8 (and send UTF-8 headers)
        self.smtp.send_message(message, from_addr=self.sender, to_addrs=[addresses.for_smtp(recipient)])

    def close(self) -> None:
        if self.smtp is not None:
            _close(self.smtp)
            self.smtp = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()


def login_refusal(error: smtplib.SMTPAuthenticationError, account: Account) -> str:
    """The words for a login the server refused for good (a 5xx, 535 "credentials invalid", 534 "an
    application password is required"...); "" for a refusal of the moment (454), worth trying again."""
    code = error.smtp_code
    if 400 <= code < 500:
        return ""
    reply = (
        error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    )
    reply = " ".join(reply.split())[:300]
    return _(
        "the SMTP server %(host)s refused the login of %(user)s (%(code)s %(reply)s): check the SMTP user name and"
        " password (some providers want an app password), then reconnect the account on the Accounts page",
        host=account.setting("host"),
        user=repr(account.setting("user")),
        code=code,
        reply=reply,
    )


def check_login(account: Account | None) -> Outcome:
    """Whether the newsletter's SMTP account works: connect (through the address guard), STARTTLS or
    SSL as set, log in when a user is set, and quit. No message is sent."""
    if account is None:
        return Outcome.unauthorized(_("no newsletter account is connected: connect one on the Accounts page"))
    problem = settings_problem(account)
    if problem:
        return Outcome.rejected(_("%(problem)s: fix it on the Accounts page", problem=problem))
    host, user = account.setting("host"), account.setting("user")
    mailer = Mailer(account, mode="live")
    try:
        mailer.open()
    except MailNotConfigured as error:
        return Outcome.rejected(str(error))
    except smtplib.SMTPAuthenticationError as error:
        refusal = login_refusal(error, account)
        if refusal:
            return Outcome.unauthorized(refusal)
        return Outcome.retry(_("%(host)s cannot check logins now: %(error)s", host=host, error=error))
    except smtplib.SMTPNotSupportedError:
        return Outcome.rejected(
            _(
                "%(host)s offers no login on this connection: check the port and security (587 with starttls,"
                " 465 with ssl), or leave the user name empty if it needs none",
                host=host,
            )
        )
    except ssl.SSLError as error:
        return Outcome.rejected(
            _(
                "the TLS connection to %(host)s failed (%(error)s): check the port and security",
                host=host,
                error=error.reason or error,
            )
        )
    except smtplib.SMTPResponseException as error:
        kind = Outcome.retry if 400 <= error.smtp_code < 500 else Outcome.rejected
        return kind(
            _("%(host)s answered %(code)s while connecting: %(error)s", host=host, code=error.smtp_code, error=error)
        )
    except (smtplib.SMTPException, OSError) as error:
        return Outcome.retry(_("could not reach the SMTP server %(host)s: %(error)s", host=host, error=error))
    finally:
        mailer.close()
    security = account.setting("security", "starttls")
    if user:
        said = _(
            "connected to the SMTP server %(host)s (%(security)s) and logged in as %(user)s; no mail was sent",
            host=host,
            security=security,
            user=user,
        )
    else:
        said = _(
            "connected to the SMTP server %(host)s (%(security)s) (it asks for no login); no mail was sent",
            host=host,
            security=security,
        )
    return Outcome.published(message=said)


def _close(smtp) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
