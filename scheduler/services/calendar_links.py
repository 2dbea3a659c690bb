"""A person's secret calendar link: the address a calendar app subscribes to, without signing in.

One secret per person gives every plan's feed (``/calendar/<secret>/plans/<id>.ics``, and each channel's
with ``?channel=``); the person's page lists the addresses. The secret is 256 random bits, looked up by
its SHA-256 (as API tokens are: ``services.tokens``), so the lookup is one indexed read.

Shown again, not once. Unlike an API token, which a person pastes once into a script they keep, a
calendar address is pasted into an app, then into another device's app, or a colleague's shared
calendar months later; Google Calendar, Outlook and the schedulers teams compare us with (Buffer,
Hootsuite) all show a private feed address again on its settings page. Shown once, a lost address
could only be replaced by renewing, which breaks every subscription made with the old one. So the
secret is also kept sealed (``infra.secrets``: Fernet under SECRET_KEY), never in clear: a database
dump alone gives no address, and a changed SECRET_KEY leaves subscriptions working (the digest needs no
key) while the page asks to renew to show the addresses again.

Renewing replaces the secret (the old addresses stop at once); revoking stops them. A link that is
revoked, or whose person may no longer sign in, answers 404 like an address that never existed: it
does not tell anyone holding an old link that it once worked. The person's role still applies on each
read (every role reads the plans today; a role that could not would find nothing).
"""

from __future__ import annotations

import hashlib
import secrets as random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from scheduler.domain import access
from scheduler.domain.language import _
from scheduler.infra import secrets
from scheduler.models import CalendarLink, Plan, User
from scheduler.models.database import db
from scheduler.services import audit, clock, runtime
from scheduler.services.errors import Invalid
from scheduler.services.unit_of_work import unit_of_work

PREFIX = "cal_"
LAST_USED_EVERY = timedelta(hours=1)  # calendar apps read every few minutes to hours: not one write each
LONGEST = 200  # a secret longer than this is no secret of ours, whatever it hashes to


@dataclass(frozen=True)
class PlanAddresses:
    """A plan's feed addresses for one person: the whole plan's, and each committed channel's."""

    plan_id: int
    plan_name: str
    starts_on: date
    ends_on: date
    url: str
    channels: list[tuple[str, str]]  # (channel, url)


@dataclass(frozen=True)
class Shown:
    """A person's link as their page shows it: ``secret`` is None when it cannot be read back any more
    (SECRET_KEY changed), and the page then offers to renew."""

    secret: str | None
    created_at: datetime
    last_used_at: datetime | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@unit_of_work
def renew(user: User) -> str:
    """A new secret for ``user`` (made, or put in place of the one they had): the addresses change."""
    if not user.active:
        raise Invalid({"email": _("belongs to someone who may not sign in any more")})
    secret = PREFIX + random.token_urlsafe(32)
    row = _row_of(user)
    renewing = row is not None and row.revoked_at is None
    if row is None:
        row = CalendarLink(user_id=user.id)
        db.session.add(row)
    row.digest = digest(secret)
    row.sealed = secrets.seal({"secret": secret}, runtime.settings().secret_key)
    row.created_at, row.last_used_at, row.revoked_at = clock.now(), None, None
    db.session.flush()
    audit.note(
        "calendar link renewed" if renewing else "calendar link created",
        user,
        {"calendar link": ["(secret)" if renewing else None, "(secret)"]},
    )
    return secret


@unit_of_work
def revoke(user: User) -> None:
    """Ends ``user``'s link: every address made from it answers 404 from now on."""
    row = _row_of(user)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at, row.sealed = clock.now(), ""
    audit.note("calendar link revoked", user, {"calendar link": ["(secret)", None]})


def shown(user: User) -> Shown | None:
    """The person's live link, for their page; None when they have none (or revoked it)."""
    row = _row_of(user)
    if row is None or row.revoked_at is not None:
        return None
    try:
        secret = secrets.unseal(row.sealed, runtime.settings().secret_key).get("secret")
    except secrets.UnreadableSecrets:
        secret = None
    return Shown(secret=secret, created_at=row.created_at, last_used_at=row.last_used_at)


def holder(secret: str) -> User | None:
    """The person a presented secret belongs to, if the link is live and they may read plans; None
    otherwise (revoked, renewed since, unknown, or a person who may no longer sign in)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > LONGEST:
        return None
    row = db.session.scalar(select(CalendarLink).where(CalendarLink.digest == digest(secret)))
    if row is None or row.revoked_at is not None:
        return None
    user = row.user
    if not user.active or not access.may(user.role, "viewer"):
        return None
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        with unit_of_work():  # its own small unit: a read records only when the link was last used
            db.session.execute(update(CalendarLink).where(CalendarLink.id == row.id).values(last_used_at=now))
    return user


def path(secret: str, plan_id: int, channel: str | None = None) -> str:
    """The address of a plan's feed (a channel's with ``channel``), from the public URL's root."""
    return f"/calendar/{secret}/plans/{plan_id}.ics" + (f"?channel={channel}" if channel else "")


def addresses(secret: str) -> list[PlanAddresses]:
    """Every plan's feed addresses under ``secret``, the latest plans first."""
    public = runtime.settings().public_url
    plans = db.session.scalars(select(Plan).order_by(Plan.starts_on.desc(), Plan.id.desc()))
    return [
        PlanAddresses(
            plan_id=plan.id,
            plan_name=plan.name,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            url=public + path(secret, plan.id),
            channels=[(c.channel, public + path(secret, plan.id, c.channel)) for c in plan.commitments],
        )
        for plan in plans
    ]


def _row_of(user: User) -> CalendarLink | None:
    return db.session.scalar(select(CalendarLink).where(CalendarLink.user_id == user.id))
