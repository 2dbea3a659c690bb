"""The context a live call to a channel runs in, built one way for a delivery and for a connection
check: the account's settings and secrets, the guarded HTTP client (the delivery timeout, the admin's
REFRAIN_FETCH_ALLOW, a 429 resting the account for every worker), renewed tokens saved at once, the
app's clock, the export root, and the newsletter's mail service."""

from channels.base import Account, DeliveryContext, identity_marker
from channels.http import HttpClient
from scheduler.infra import ratelimits
from scheduler.services import accounts, runtime
from scheduler.services.clock import now
from scheduler.services.newsletter.issues import MailingList


def live_context(account: Account, post_id: int | None = None, timeout: float | None = None) -> DeliveryContext:
    """``account``: the adapter's view of a stored account (``accounts.as_adapter_account``); ``post_id``
    gives the idempotency key of a delivery (none for a check); ``timeout`` shortens the client's."""
    settings = runtime.settings()
    connection = runtime.queues().connection
    account_id = account.id
    http = HttpClient(
        timeout=timeout or settings.delivery_timeout,
        on_pause=lambda seconds: ratelimits.pause(connection, account_id, seconds),
        allow=settings.fetch_allow,  # the admin's exceptions to the address guard, as for feeds
    )
    return DeliveryContext(
        mode="live",
        outbox_dir=settings.outbox,
        account=account,
        http=http,
        save_secrets=lambda renewed: accounts.save_renewed_secrets(account_id, renewed),
        idempotency_key=identity_marker(post_id) if post_id is not None else "",
        now=now(),
        export_root=settings.export_root,
        mailing_list=MailingList() if account.channel == "newsletter" else None,
    )
