"""Who reads the newsletter: signup with double opt-in, the signed links in its mail (confirm,
unsubscribe), one-click unsubscribe, and the staff's referral codes with the signups each brought."""

import hashlib
import re
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from scheduler.domain.language import _
from scheduler.models import NewsletterSend, ReferralCode, Subscriber, User
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.clock import now
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.newsletter import CONFIRMED, PENDING, SKIPPED, UNSUBSCRIBED, addresses
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader

CONFIRM_MAX_AGE = 7 * 24 * 3600
RESEND_CONFIRMATION_AFTER = timedelta(minutes=2)  # a second signup soon after the first sends nothing new
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


class BadToken(ValueError):
    """A link that was tampered with, expired, or meant for another request."""


# signed links


def _serializer(purpose: str, timed: bool = True) -> URLSafeSerializer:
    """Confirmation links expire; unsubscribe links never do (and stay the same in every retry)."""
    kind = URLSafeTimedSerializer if timed else URLSafeSerializer
    return kind(runtime.settings().secret_key, salt=f"refrain-newsletter-{purpose}")


def _email_tag(email: str) -> str:
    """Binds a link to the address too, so an id reused after a deletion opens nothing."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:10]


def confirm_token(subscriber: Subscriber) -> str:
    return _serializer("confirm").dumps([subscriber.id, subscriber.token_nonce])


def unsubscribe_token(subscriber_id: int, email: str) -> str:
    return _serializer("unsubscribe", timed=False).dumps([subscriber_id, _email_tag(email)])


def _read(token: str, purpose: str, max_age: int | None = None) -> list:
    try:
        value = (
            _serializer(purpose).loads(token, max_age=max_age)
            if max_age
            else _serializer(purpose, timed=False).loads(token)
        )
    except SignatureExpired:
        raise BadToken(_("this link has expired: sign up again to get a new one")) from None
    except BadSignature:
        raise BadToken(_("this link is not valid")) from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise BadToken(_("this link is not valid"))
    return value


# subscribers


def new_nonce() -> str:
    return secrets.token_hex(8)


def signup(data) -> tuple[Subscriber, bool]:
    """A signup from the public form: (subscriber, whether a confirmation mail should go out).

    The answer is the same whether or not the address was known, so the form tells nobody who reads
    the newsletter; a confirmed subscriber gets no mail, a pending one gets the link again (not more
    than once every two minutes), an unsubscribed one starts a new opt-in."""
    reader = Reader(dict(data))
    typed = reader.text("email", max_length=320)
    name = " ".join(reader.text("name", required=False, max_length=200).split())
    ref = reader.text("ref", required=False, max_length=40).lower()
    email, problem = addresses.read(typed) if typed else ("", "")
    if problem:  # accents are fine (léa@example.fr): only what is not an address is refused
        reader.fail("email", problem)
    reader.done()
    try:
        created = _add_subscriber(email, name, ref)
    except IntegrityError:  # the same address, signed up at the same moment elsewhere
        created = None
    return (created, True) if created is not None else _sign_up_again(email, name, ref)


def _referral(ref: str) -> str | None:
    return ref if ref and db.session.scalar(select(ReferralCode.id).where(ReferralCode.code == ref)) else None


@unit_of_work
def _add_subscriber(email: str, name: str, ref: str) -> Subscriber | None:
    """A new, pending subscriber; None when the address is already known."""
    if db.session.scalar(select(Subscriber.id).where(Subscriber.email == email)) is not None:
        return None
    subscriber = Subscriber(
        email=email,
        name=name,
        status=PENDING,
        referral_code=_referral(ref),
        source="signup",
        token_nonce=new_nonce(),
        created_at=now(),
        confirm_sent_at=now(),
    )
    db.session.add(subscriber)
    return subscriber


@unit_of_work
def _sign_up_again(email: str, name: str, ref: str) -> tuple[Subscriber, bool]:
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
    if subscriber.status == CONFIRMED:
        return subscriber, False
    if subscriber.status == UNSUBSCRIBED:
        subscriber.status, subscriber.token_nonce, subscriber.unsubscribed_at = PENDING, new_nonce(), None
    elif subscriber.confirm_sent_at and now() - subscriber.confirm_sent_at < RESEND_CONFIRMATION_AFTER:
        return subscriber, False
    subscriber.name = name or subscriber.name
    subscriber.referral_code = subscriber.referral_code or _referral(ref)  # the first referral counts
    subscriber.confirm_sent_at = now()  # when the last link was asked for: the throttle counts from here
    return subscriber, True


@unit_of_work
def confirm(token: str) -> Subscriber:
    subscriber_id, nonce = _read(token, "confirm", max_age=CONFIRM_MAX_AGE)
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound("subscriber", _("subscriber not found"))
    if subscriber.status == CONFIRMED:
        return subscriber
    if subscriber.status != PENDING or not secrets.compare_digest(nonce, subscriber.token_nonce or ""):
        raise BadToken(_("this link was replaced by a newer one: use the latest email, or sign up again"))
    db.session.execute(
        update(Subscriber)
        .where(Subscriber.id == subscriber.id, Subscriber.status == PENDING)
        .values(status=CONFIRMED, confirmed_at=now())
    )
    db.session.refresh(subscriber)
    return subscriber


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    subscriber_id, tag = _read(token, "unsubscribe")
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or not secrets.compare_digest(tag, _email_tag(subscriber.email)):
        raise NotFound("subscriber", _("subscriber not found"))
    return subscriber


@unit_of_work
def unsubscribe(token: str) -> Subscriber:
    """One click, no questions: also drops the subscriber from every issue still being mailed."""
    subscriber = subscriber_for_unsubscribe(token)
    if subscriber.status != UNSUBSCRIBED:
        db.session.execute(
            update(Subscriber).where(Subscriber.id == subscriber.id).values(status=UNSUBSCRIBED, unsubscribed_at=now())
        )
        db.session.execute(
            update(NewsletterSend)
            .where(NewsletterSend.subscriber_id == subscriber.id, NewsletterSend.status == PENDING)
            .values(status=SKIPPED, error="unsubscribed before this issue reached them")
        )
        db.session.refresh(subscriber)
    return subscriber


def counts_by_status() -> dict:
    found = dict(db.session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status)).all())
    return {status: found.get(status, 0) for status in (PENDING, CONFIRMED, UNSUBSCRIBED)}


# referral codes


def add_referral_code(data) -> ReferralCode:
    try:
        return _add_referral_code(data)
    except IntegrityError:  # the same code, added at the same moment elsewhere
        raise Invalid({"code": _("is already taken")}) from None


@unit_of_work
def _add_referral_code(data) -> ReferralCode:
    reader = Reader(dict(data))
    code = reader.text("code", max_length=40).lower()
    staff = " ".join(reader.text("staff_name", max_length=200).split())
    if code and not CODE.match(code):
        reader.fail("code", _("use 2 to 40 letters, digits, - or _ (it goes in a link)"))
    if code and CODE.match(code) and db.session.scalar(select(ReferralCode.id).where(ReferralCode.code == code)):
        reader.fail("code", _("is already taken"))
    reader.done()
    referral = ReferralCode(code=code, staff_name=staff, created_at=now(), user_id=_person_named(staff))
    db.session.add(referral)
    return referral


def _person_named(staff: str) -> int | None:
    """The team member the staff name is, by name or email (what contests count signups by); None
    when nobody, or more than one person, answers to it."""
    folded = staff.casefold()
    found = db.session.scalars(
        select(User.id).where((func.lower(User.name) == folded) | (User.email == folded)).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def referral_report() -> list[dict]:
    """Per staff member: their codes and the confirmed subscribers each brought. Only confirmed ones count:
    anyone can type addresses into a signup link, and only the owner of an inbox can confirm it."""
    counted = dict(
        db.session.execute(
            select(Subscriber.referral_code, func.count())
            .where(Subscriber.referral_code.is_not(None), Subscriber.status == CONFIRMED)
            .group_by(Subscriber.referral_code)
        ).all()
    )
    return [
        {"code": referral.code, "staff_name": referral.staff_name, "confirmed": counted.get(referral.code, 0)}
        for referral in db.session.scalars(select(ReferralCode).order_by(ReferralCode.staff_name, ReferralCode.code))
    ]
