"""What the blog's live targets share: the account (one account names its target and holds each
target's settings), the check that the chosen target's settings are there, and when a post goes out."""

from datetime import datetime

from channels.base import ADDRESS, FOLDER, Account, AccountField, DeliveryContext, Outcome, PostContent, as_utc
from scheduler.domain.language import N_, _

TARGETS = ("folder", "wordpress", "micropub")
CONTENT_DIR = "content/posts"

ACCOUNT_FIELDS = (
    AccountField(
        "target",
        N_("Publish to"),
        default="folder",
        help=N_("folder (a Hugo or Jekyll site on this server), wordpress or micropub"),
    ),
    AccountField(
        "folder",
        N_("Site folder"),
        required=False,
        help=N_(
            "folder target: the site's root folder on the server running Refrain; committed when it is a git repository"
        ),
        kind=FOLDER,
    ),
    AccountField(
        "content_dir",
        N_("Content folder"),
        required=False,
        default=CONTENT_DIR,
        help=N_("folder target: where posts go, inside the site folder"),
    ),
    AccountField(
        "site_url",
        N_("Site address"),
        required=False,
        help=N_(
            "the blog's public address (https://example.com): WordPress's address, or for a "
            "folder the address a post's slug is appended to (https://example.com/posts)"
        ),
        kind=ADDRESS,
    ),
    AccountField("user", N_("WordPress user"), required=False),
    AccountField(
        "app_password",
        N_("WordPress application password"),
        secret=True,
        required=False,
        help=N_("Users → Profile → Application Passwords in WordPress"),
    ),
    AccountField(
        "micropub_endpoint",
        N_("Micropub endpoint"),
        required=False,
        help=N_('micropub target: the endpoint your site announces (rel="micropub")'),
        kind=ADDRESS,
    ),
    AccountField(
        "micropub_token",
        N_("Micropub token"),
        secret=True,
        required=False,
        help=N_("micropub target: an IndieAuth access token with the create and update scopes"),
    ),
)


def publication_time(post: PostContent, context: DeliveryContext) -> tuple[datetime, bool]:
    """When the post goes out (aware UTC, whole seconds; now when unscheduled) and whether that is still ahead."""
    now = context.moment().replace(microsecond=0)
    when = as_utc(post.scheduled_at)
    when = when.replace(microsecond=0) if when else now
    return when, when > now


def missing_settings(account: Account, names: tuple[str, ...], target: str) -> Outcome | None:
    fields = {f.name: f for f in ACCOUNT_FIELDS}
    missing = [name for name in names if not (account.secret(name) if fields[name].secret else account.setting(name))]
    if not missing:
        return None
    labels = ", ".join(f"{_(fields[name].label)} ({name})" for name in missing)
    return Outcome.rejected(
        _(
            "the blog account's target is %(target)s but it has no %(labels)s: set it on the Accounts page",
            target=target,
            labels=labels,
        )
    )
