"""Channel accounts: connecting them (secrets sealed, never shown back), and what a delivery needs.

An account the service refused (401/403) is marked ``unauthorized``; its posts wait in the calendar
(the sweeper does not queue them) until someone reconnects it, and every page says so.

Secrets are bound to where they were given: the account's address fields (``AccountField.kind ==
ADDRESS``: an API base, a server, its port, its TLS setting). Whoever may edit an account could
otherwise point it at a server of their own, leave the token field empty ("keep the stored one"),
and receive the token with the next post. So a changed address keeps none of the stored secrets: the
ones given with the change are kept, and when a required one is missing the account is saved
``unauthorized``, asking for it, and nothing is sent until it is given.
"""

from sqlalchemy import select, update

import channels.registry as channel_registry
from channels.base import ADDRESS, FOLDER, Account
from channels.exports import OutsideExports, export_folder
from scheduler.domain.language import _
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
        raise Invalid({"channel": _("%(channel)s needs no account", channel=channel_registry.get(channel).label)})
    given = {field.name: _field_value(reader, field) for field in fields}
    moved = _moved_address(fields, given, account)
    stored = _stored_secrets(account)
    kept = {} if moved else stored
    settings, sealed, asked = {}, {}, []
    for field in fields:
        value = given[field.name] or (kept.get(field.name, "") if field.secret else field.default)
        if field.secret and moved and not value and (field.required or stored.get(field.name)):
            asked.append(_(field.label))  # saved all the same: the account asks for it (below)
        elif field.required and not value:
            reader.fail(field.name, _("is required (%(field)s)", field=_(field.label)))
        (sealed if field.secret else settings)[field.name] = value
    check_folders(reader, fields, settings)
    for field_name, problem in channel_registry.get(channel).account_problems(settings, any(sealed.values())).items():
        reader.fail(field_name, problem)
    reader.done()
    account = account or ChannelAccount(channel=channel)
    account.name, account.settings, account.secrets = name, settings, secrets.seal(sealed, _key())
    account.status, account.status_message = CONNECTED, ""
    if asked:
        account.status = UNAUTHORIZED
        account.status_message = _(
            "the %(moved)s changed, so the stored credentials were dropped (they were given for the old "
            "address): enter the %(asked)s again",
            moved=", ".join(moved),
            asked=", ".join(asked),
        )
    db.session.add(account)
    db.session.flush()
    return account


def check_folders(reader: Reader, fields, settings: dict) -> None:
    """A folder field names a folder inside the export root (REFRAIN_EXPORT_ROOT), never outside it."""
    root = runtime.settings().export_root
    for field in fields:
        if field.kind == FOLDER and settings.get(field.name):
            try:
                export_folder(root, settings[field.name])
            except OutsideExports as refusal:
                reader.fail(field.name, refusal.problem)


def _field_value(reader: Reader, field) -> str:
    value = reader.text(field.name, required=False, max_length=5000)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        reader.fail(field.name, _("holds a line break or a control character: paste it again as one line"))
    return value


def _moved_address(fields, given: dict, account: ChannelAccount | None) -> list[str]:
    """The labels of the address fields this change moves (empty for a new account: nothing is stored)."""
    if account is None:
        return []
    before = dict(account.settings or {})
    return [
        _(field.label)
        for field in fields
        if field.kind == ADDRESS
        and _same_form(given[field.name] or field.default) != _same_form(before.get(field.name) or field.default)
    ]


def _same_form(value: str) -> str:
    """An address as compared: a trailing slash or surrounding spaces are no move."""
    return str(value).strip().rstrip("/")


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
        # the required secrets not set (dropped when the account's address moved): it waits for them
        "secrets_needed": sorted(f.name for f in fields if f.secret and f.required and not stored.get(f.name)),
    }
