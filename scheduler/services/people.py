"""The team's people: created with a role, a password they set themselves through a signed link, and
signing in with it.

Passwords are hashed with Argon2id (argon2-cffi), the winner of the Password Hashing Competition and
OWASP's first choice; nothing of ours does cryptography. A person never gets a password from someone
else: ``refrain user create`` and the people page hand out a one-time link instead, signed with the
app's secret key, that expires and dies as soon as it is used (it carries the session epoch, which
setting a password bumps; the same bump ends every session signed in before).
"""

from __future__ import annotations

import functools
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from scheduler.domain import access
from scheduler.domain.language import LANGUAGES, N_, _
from scheduler.models import User
from scheduler.models.database import db
from scheduler.services import actor, audit, clock, runtime
from scheduler.services.errors import Conflict, Invalid, NotFound
from scheduler.services.unit_of_work import after_commit, unit_of_work
from scheduler.services.validation import valid_time_zone

LINK_DAYS = 7  # a set-password link lives a week: long enough for an invitation to be read
RESET_HOURS = 2  # a link mailed on request ("forgot your password?") is read at once, or never
_LINK_SALT = "refrain set password"
_FIRST_OWNER_SALT = "refrain first owner"
SIGN_IN_REFUSED = N_("the address or the password is not right")


@functools.cache
def _hasher(cost: str) -> PasswordHasher:
    if cost == "fast":  # tests only: the same algorithm, a fraction of the memory and time
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2-cffi's defaults: RFC 9106's low-memory choice (t=3, m=64 MiB, p=4)


def hasher() -> PasswordHasher:
    return _hasher(runtime.settings().password_hashing)


@functools.cache
def _decoy(cost: str) -> str:
    """A hash to verify against when the address is unknown, so that a wrong address costs as long as a
    wrong password (no telling which addresses have accounts from the time an answer takes)."""
    return _hasher(cost).hash("not anybody's password")


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("person", _("no such person"))
    return user


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == access.normal_email(email)))


def everyone() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.email)))


def nobody_yet() -> bool:
    """True before the first person exists: the app then offers to create its owner."""
    return not db.session.scalar(select(func.count()).select_from(User))


def _check_role(role: str) -> None:
    if role not in access.ROLES:
        raise Invalid({"role": _("must be one of %(roles)s", roles=", ".join(reversed(access.ROLES)))})


@unit_of_work
def create_or_update(email: str, role: str, name: str | None = None) -> tuple[User, bool]:
    """A new person with ``role`` (no password yet), or an existing one given ``role``; returns the person
    and whether they are new."""
    problem = access.email_problem(email)
    if problem:
        raise Invalid({"email": problem})
    _check_role(role)
    if name is not None and len(name.strip()) > 200:
        raise Invalid({"name": _("is longer than %(n)s characters", n=200)})
    user = by_email(email)
    if user is None:
        user = User(email=access.normal_email(email), name=(name or "").strip(), role=role, session_epoch=0)
        db.session.add(user)
        db.session.flush()
        return user, True
    if user.role == "owner" and role != "owner":
        _keep_an_owner(user)
    user.role = role
    if name is not None and name.strip():
        user.name = name.strip()
    user.active = True
    return user, False


@unit_of_work
def update(user: User, *, role: str | None = None, name: str | None = None, active: bool | None = None) -> User:
    """The owner's changes to a person (role, name, whether they may sign in)."""
    if role is not None:
        _check_role(role)
        if user.role == "owner" and role != "owner":
            _keep_an_owner(user)
        user.role = role
    if name is not None:
        if len(name.strip()) > 200:
            raise Invalid({"name": _("is longer than %(n)s characters", n=200)})
        user.name = name.strip()
    if active is not None and active != user.active:
        if not active and user.role == "owner":
            _keep_an_owner(user)
        user.active = active
        user.session_epoch += 1  # whoever is signed in as them is signed out
    return user


def _keep_an_owner(user: User) -> None:
    others = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "owner", User.active, User.id != user.id)
    )
    if not others:
        raise Conflict(_("the team needs at least one owner: make someone else owner first"), {"role": _("last owner")})


@unit_of_work
def update_profile(user: User, *, name: str, language: str, time_zone: str) -> User:
    """A person's own settings."""
    errors = {}
    if len(name.strip()) > 200:
        errors["name"] = _("is longer than %(n)s characters", n=200)
    if language and language not in LANGUAGES:
        errors["language"] = _("must be English, French or Chinese, or left to the browser")
    if not valid_time_zone(time_zone):
        errors["timezone"] = _("is not a time zone (Europe/Paris, America/New_York, …)")
    if errors:
        raise Invalid(errors)
    user.name, user.language, user.timezone = name.strip(), language, time_zone
    return user


# --- passwords -------------------------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.settings().secret_key, salt=salt)


def password_token(user: User, hours: int = LINK_DAYS * 24) -> str:
    """Signed: the person, their session epoch (so the link dies once a password is set) and how many
    hours the link lives (an owner's invitation a week, a mailed reset ``RESET_HOURS``)."""
    return _serializer(_LINK_SALT).dumps({"u": user.id, "e": user.session_epoch, "h": hours})


def password_link(user: User, hours: int = LINK_DAYS * 24) -> str:
    return f"{runtime.settings().public_url}/password/{password_token(user, hours)}"


def user_for_password_token(token: str) -> User:
    """The person a set-password link is for; Invalid when it expired, was used, or was never ours."""
    expired = Invalid({"link": _("has expired: ask for a new one")})
    try:
        data, signed_at = _serializer(_LINK_SALT).loads(token, max_age=LINK_DAYS * 86400, return_timestamp=True)
    except SignatureExpired:
        raise expired from None
    except BadSignature:
        raise Invalid({"link": _("is not a link Refrain sent")}) from None
    hours = data.get("h", LINK_DAYS * 24) if isinstance(data, dict) else 0
    # on itsdangerous' clock (the real one), as its own max_age: a test's pinned app clock is not the signer's
    if not isinstance(hours, int) or time.time() - signed_at.timestamp() > hours * 3600:
        raise expired
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_epoch != data.get("e"):
        raise Invalid({"link": _("was already used or replaced: ask for a new one")})
    return user


def reset_link(email: str) -> tuple[User, str] | None:
    """For "forgot your password?": the person with that address and a short-lived set-password link,
    when they may sign in; None otherwise (the caller answers the same either way)."""
    user = by_email(email) if not access.email_problem(email) else None
    if user is None or not user.active:
        return None
    return user, password_link(user, hours=RESET_HOURS)


@unit_of_work
def set_password(token: str, password: str) -> User:
    user = user_for_password_token(token)
    _store_password(user, password)
    return user


@unit_of_work
def change_password(user: User, current: str, new: str) -> User:
    if not _verifies(user.password_hash, current):
        raise Invalid({"current_password": _("is not your current password")})
    _store_password(user, new, field="new_password")
    return user


def _store_password(user: User, password: str, field: str = "password") -> None:
    problem = access.password_problem(password, user.email, user.name)
    if problem:
        raise Invalid({field: problem})
    user.password_hash = hasher().hash(password)
    user.session_epoch += 1  # every other session, and every link issued before, ends here
    audit.note("password set", user, {})


def _verifies(stored: str | None, password: str) -> bool:
    try:
        return hasher().verify(stored or _decoy(runtime.settings().password_hashing), password or "") and bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@unit_of_work
def sign_in(email: str, password: str) -> User:
    """The person with that address and password; Invalid (one message for both fields) otherwise."""
    user = by_email(email) if not access.email_problem(email) else None
    ok = _verifies(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        raise Invalid({"password": _(SIGN_IN_REFUSED)})
    if hasher().check_needs_rehash(user.password_hash):  # the cost went up since it was hashed
        user.password_hash = hasher().hash(password)
    user.last_sign_in_at = clock.now()
    return user


def session_user(user_id: int, epoch: int) -> User | None:
    """The person a session cookie names, if that session is still theirs (same epoch, still active)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


def as_actor(user: User) -> actor.Actor:
    """The person as the services' actor, for work done in their name outside a request (the demo's)."""
    return actor.Actor(user.id, user.display_name, user.role)


# --- the first owner -------------------------------------------------------------------------------


WELCOME_FILE = "welcome-link.txt"


def welcome_file():
    """Where ``refrain serve`` keeps the first owner's link (the instance folder is private)."""
    return runtime.settings().instance_path / WELCOME_FILE


def first_owner_link() -> str:
    """The one-time link the first ``refrain serve`` prints: whoever opens it first becomes the owner."""
    token = _serializer(_FIRST_OWNER_SALT).dumps({"first": True})
    return f"{runtime.settings().public_url}/welcome/{token}"


def check_first_owner_token(token: str) -> None:
    try:
        _serializer(_FIRST_OWNER_SALT).loads(token, max_age=LINK_DAYS * 86400)
    except BadSignature:
        raise Invalid({"link": _("is not a link this Refrain printed, or it has expired")}) from None
    if not nobody_yet():
        raise Conflict(_("the team already has an owner: sign in instead"))


@unit_of_work
def create_first_owner(token: str, email: str, name: str, password: str) -> User:
    check_first_owner_token(token)
    user, _new = create_or_update(email, "owner", name)
    _store_password(user, password)
    after_commit(lambda: welcome_file().unlink(missing_ok=True))  # spent: nothing left to find
    return user
