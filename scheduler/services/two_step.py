"""Two-step sign-in for owners and managers: after the password, a code from an authenticator app
(TOTP, RFC 6238: six digits, a new one every 30 seconds, computed by pyotp).

Owners and managers hold what a stolen password would hurt most (the team's accounts and credentials,
approvals), so they may turn it on from their own page; other roles are not offered it. Turning it on
takes a current code, so nobody locks themselves out with a secret their app never read; turning it off
takes one too, so a session left open is not enough to remove it.

The secret is stored sealed (``infra.secrets``: Fernet under a key derived from SECRET_KEY) in
``users.totp_secret``, as a small document: the secret, whether it is on yet, and the last time step a
code was accepted for. A code is accepted for its own 30 seconds and the ones either side (a phone's
clock a little off), and never twice: a code seen over a shoulder, or replayed from a proxy's log, is
refused once used, as RFC 6238 §5.2 asks. The step is written only if the stored document is still the
one the code was checked against (compare and set), so two requests racing with one code cannot both
pass. These writes are UPDATE statements, not changes to the loaded person, so the audit trail holds
one line per turn on or off, not one per sign-in.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import pyotp
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from scheduler.domain import access
from scheduler.domain.language import N_, _
from scheduler.infra import secrets
from scheduler.models import User
from scheduler.models.database import db
from scheduler.services import audit, clock, runtime
from scheduler.services.errors import Conflict, Invalid
from scheduler.services.unit_of_work import unit_of_work

ISSUER = "Refrain"
STEP = 30  # seconds a code lives (RFC 6238's default, what every authenticator app assumes)
DRIFT = 1  # steps either side accepted: a phone's clock up to 30 s off
OFFERED_FROM = "manager"  # managers and owners may turn it on
WRONG_CODE = N_("is not the current code of your authenticator app")


@dataclass(frozen=True)
class Setup:
    """What a person copies into their authenticator app: the secret, or the otpauth:// URI (a QR code)."""

    secret: str
    uri: str


def offered(user: User) -> bool:
    return access.may(user.role, OFFERED_FROM)


def _stored(user: User) -> dict:
    return secrets.unseal(user.totp_secret or "", runtime.settings().secret_key)


def _store(user: User, values: dict | None, **also) -> None:
    """Replaces the stored document, if it is still the one ``user`` was read with; Conflict otherwise."""
    sealed = secrets.seal(values, runtime.settings().secret_key) if values else None
    as_read = User.totp_secret.is_(None) if user.totp_secret is None else User.totp_secret == user.totp_secret
    written = db.session.execute(
        update(User)
        .where(User.id == user.id, as_read)
        .values(totp_secret=sealed, **also)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        raise Invalid({"code": _("was just used in another request: wait for the next one")})
    for name, value in {"totp_secret": sealed, **also}.items():
        set_committed_value(user, name, value)  # as written: nothing left for a flush (or the trail) to find


def is_on(user: User) -> bool:
    """Whether signing in as ``user`` asks for a code after the password."""
    if not user.totp_secret:
        return False
    try:
        return bool(_stored(user).get("on"))
    except secrets.UnreadableSecrets:
        # SECRET_KEY changed: the secret is lost; asking for a code nobody can produce would lock the
        # person out for good, so the password alone signs in until they turn it on again
        return False


def _setup(user: User, secret: str) -> Setup:
    uri = pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return Setup(secret, uri)


@unit_of_work
def begin(user: User) -> Setup:
    """The secret being set up (made now if none is waiting): shown until a code confirms it."""
    if not offered(user):
        raise Conflict(_("two-step sign-in is offered to owners and managers"))
    if is_on(user):
        raise Conflict(_("two-step sign-in is already on"))
    try:
        waiting = _stored(user).get("secret")
    except secrets.UnreadableSecrets:
        waiting = None
    if not waiting:
        waiting = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        _store(user, {"secret": waiting, "on": False, "last_step": None})
    return _setup(user, waiting)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code ``code`` is, within the drift allowed; None when it is none of them."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    now = clock.now().timestamp()
    current = int(now // STEP)
    found = None
    for step in range(current - DRIFT, current + DRIFT + 1):  # every one compared: the time does not tell which
        if hmac.compare_digest(totp.at(step * STEP), code):
            found = step
    return found


def _accept(user: User, stored: dict, code: str, field: str) -> dict:
    step = _matching_step(stored.get("secret", ""), code)
    if step is None:
        raise Invalid({field: _(WRONG_CODE)})
    if stored.get("last_step") is not None and step <= stored["last_step"]:
        raise Invalid({field: _("was used already: wait for the next one")})
    return {**stored, "last_step": step}


@unit_of_work
def confirm(user: User, code: str) -> User:
    """Turns two-step sign-in on, once a code shows the app holds the secret."""
    if is_on(user):
        raise Conflict(_("two-step sign-in is already on"))
    stored = _stored(user)
    if not stored.get("secret"):
        raise Invalid({"code": _("has nothing to confirm: start again")})
    _store(user, {**_accept(user, stored, code, "code"), "on": True})
    audit.note("two-step sign-in on", user, {"two_step": [False, True]})
    return user


@unit_of_work
def turn_off(user: User, code: str) -> User:
    if not is_on(user):
        _store(user, None)  # a setup never confirmed, or a secret SECRET_KEY no longer opens
        return user
    _accept(user, _stored(user), code, "code")
    _store(user, None)
    audit.note("two-step sign-in off", user, {"two_step": [True, False]})
    return user


@unit_of_work
def check(user: User, code: str) -> User:
    """The second step of signing in: Invalid unless ``code`` is current and not used before."""
    _store(user, _accept(user, _stored(user), code, "code"), last_sign_in_at=clock.now())
    return user


@unit_of_work
def turn_off_for(user: User) -> User:
    """An owner's rescue for someone who lost their phone: off without a code (their password still holds)."""
    if user.totp_secret:
        _store(user, None)
        audit.note("two-step sign-in off", user, {"two_step": [True, False]}, "turned off by an owner")
    return user
