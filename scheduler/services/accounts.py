"""Channel accounts: connecting them (secrets sealed, never shown back), and what a delivery needs.

An account the service refused (401/403) is marked ``unauthorized``; its posts wait in the calendar
(the sweeper does not queue them) until someone reconnects it, and every page says so.
"""

from sqlalchemy import select, update

import channels.registry as channel_registry
from channels.base import Account
from scheduler.infra import secrets
from scheduler.models import ChannelAccount
from scheduler.models.database import db
from scheduler.services import runtime
from scheduler.services.errors import Invalid, NotFound
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id

CONNECTED, UNAUTHORIZED = "connected", "unauthorized"


def get_account(account_id) -> ChannelAccount:
    account = db.session.get(ChannelAccount, account_id) if is_id(account_id) else None
    if account is None:
        raise NotFound(f"account {account_id}")
    return account


def list_accounts() -> list[ChannelAccount]:
    return list(db.session.scalars(select(ChannelAccount).order_by(ChannelAccount.channel, ChannelAccount.id)))


def for_channel(channel: str) -> ChannelAccount | None:
    """The account a channel's posts go out through: its first connected one (the oldest)."""
    return db.session.scalar(
        select(ChannelAccount).where(ChannelAccount.channel == channel).order_by(ChannelAccount.id).limit(1)
    )


def waiting_channels() -> set[str]:
    """Channels whose account must be reconnected: their posts are held back."""
    return set(db.session.scalars(select(ChannelAccount.channel).where(ChannelAccount.status == UNAUTHORIZED)))


def _key() -> str:
    return runtime.settings().secret_key


@unit_of_work
def connect(data, account: ChannelAccount | None = None) -> ChannelAccount:
    """New or reconnected: settings replace the old ones; a secret left empty keeps its stored value."""
    reader = Reader(data)
    channel = account.channel if account else reader.choice("channel", channel_registry.names())
    name = reader.text("name", max_length=200)
    if reader.errors:
        raise Invalid(reader.errors)
    fields = channel_registry.get(channel).account_fields
    if not fields:
        raise Invalid({"channel": f"{channel_registry.get(channel).label} needs no account"})
    old_secrets = _stored_secrets(account)
    settings, sealed = {}, {}
    for field in fields:
        value = reader.text(field.name, required=False, max_length=5000)
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            reader.fail(field.name, "holds a line break or a control character: paste it again as one line")
        if field.secret:
            value = value or old_secrets.get(field.name, "")
        else:
            value = value or field.default
        if field.required and not value:
            reader.fail(field.name, f"is required ({field.label})")
        (sealed if field.secret else settings)[field.name] = value
    reader.done()
    account = account or ChannelAccount(channel=channel)
    account.name, account.settings, account.secrets = name, settings, secrets.seal(sealed, _key())
    account.status, account.status_message = CONNECTED, ""
    db.session.add(account)
    db.session.flush()
    return account


def _stored_secrets(account: ChannelAccount | None) -> dict:
    if account is None:
        return {}
    try:
        return secrets.unseal(account.secrets, _key())
    except secrets.UnreadableSecrets:
        return {}


@unit_of_work
def disconnect(account: ChannelAccount) -> None:
    db.session.delete(account)


def as_adapter_account(account: ChannelAccount) -> Account:
    return Account(
        id=account.id,
        channel=account.channel,
        name=account.name,
        settings=dict(account.settings or {}),
        secrets=secrets.unseal(account.secrets, _key()),
    )


@unit_of_work
def save_renewed_secrets(account_id: int, renewed: dict) -> None:
    """A token refreshed during a delivery is kept at once, in its own unit of work (its predecessor
    may already be void, and the delivery's outcome is recorded later, if at all)."""
    account = db.session.get(ChannelAccount, account_id)
    values = {**_stored_secrets(account), **renewed}
    db.session.execute(
        update(ChannelAccount).where(ChannelAccount.id == account_id).values(secrets=secrets.seal(values, _key()))
    )


@unit_of_work
def mark_unauthorized(account_id: int, message: str) -> None:
    db.session.execute(
        update(ChannelAccount)
        .where(ChannelAccount.id == account_id)
        .values(status=UNAUTHORIZED, status_message=message[:1000])
    )


def account_dict(account: ChannelAccount) -> dict:
    """Never the secrets: only which of them are set."""
    fields = channel_registry.get(account.channel).account_fields if account.channel in channel_registry.names() else ()
    stored = _stored_secrets(account)
    return {
        "id": account.id,
        "channel": account.channel,
        "name": account.name,
        "settings": dict(account.settings or {}),
        "secrets_set": sorted(f.name for f in fields if f.secret and stored.get(f.name)),
        "status": account.status,
        "status_message": account.status_message or None,
    }
