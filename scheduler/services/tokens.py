"""API tokens: a person's key for scripts, shown once, kept only as a hash, labelled, revocable.

A token is ``rfn_`` and 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: a
stolen database gives no token, and since tokens are random (not chosen by people) a fast hash loses
nothing against guessing while keeping each API call cheap. A read-only token acts as a viewer,
whatever its person's role.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from scheduler.domain.language import _
from scheduler.models import ApiToken, User
from scheduler.models.database import db
from scheduler.services import audit, clock
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.unit_of_work import unit_of_work

PREFIX = "rfn_"
LAST_USED_EVERY = timedelta(minutes=1)  # "last used" to the minute: not one write per API call


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@unit_of_work
def create(user: User, label: str = "", read_only: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the token itself (which is never shown again)."""
    label = (label or "").strip()
    if len(label) > 100:
        raise Invalid({"label": _("is longer than %(n)s characters", n=100)})
    if not user.active:
        raise Invalid({"email": _("belongs to someone who may not sign in any more")})
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label, digest=digest(token), prefix=token[:10], read_only=bool(read_only))
    db.session.add(row)
    db.session.flush()
    audit.note("token created", user, {"token": [None, f"{row.prefix}… {label}".strip()]})
    return row, token


def authenticate(token: str) -> tuple[User, ApiToken] | None:
    """The person and token a presented token stands for, if it is live; None otherwise."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    wanted = digest(token)
    row = db.session.scalar(select(ApiToken).where(ApiToken.digest == wanted))
    if row is None or row.revoked_at is not None:  # found by its digest: nothing left to compare
        return None
    user = row.user
    if not user.active:
        return None
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        with unit_of_work():  # its own small unit: a read by a token records only when it was used
            db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        db.session.refresh(row)
    return user, row


def of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


@unit_of_work
def revoke(user: User, token_id: int, by_owner: bool = False) -> ApiToken:
    """Revokes one of ``user``'s tokens (an owner may revoke anyone's: ``by_owner``)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and not by_owner):
        raise NotFound("token", _("no such token"))
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.note("token revoked", row.user, {"token": [f"{row.prefix}… {row.label}".strip(), None]})
    return row
