"""The blog account's connection check, by its target: the folder target writes a file and removes it
(its site folder is where posts go), the Micropub target asks the endpoint its configuration with the
token (``GET {endpoint}?q=config``, read-only)."""

from urllib.parse import urlsplit

from channels.base import DeliveryContext, Outcome
from channels.blog.micropub import token_refusals
from channels.blog.targets import missing_settings
from channels.credentials import connected
from channels.exports import EXPORT_ROOT_SETTING, OutsideExports, export_folder, unwritable
from scheduler.domain.language import _


def check_folder(context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("folder",), "folder")
    if missing:
        return missing
    if context.export_root is None:
        return Outcome.rejected(
            _(
                "no export folder is set (%(export_root_setting)s): the blog folder cannot be written",
                export_root_setting=EXPORT_ROOT_SETTING,
            )
        )
    try:
        site = export_folder(context.export_root, account.setting("folder"))
    except OutsideExports as refusal:
        return Outcome.rejected(_("%(refusal)s; change the account's Site folder", refusal=refusal))
    if not site.is_dir():
        return Outcome.rejected(
            _(
                "the blog folder %(setting)s does not exist in the export folder: create it, or "
                "check the account's Site folder setting",
                setting=repr(account.setting("folder")),
            )
        )
    problem = unwritable(site)
    if problem:
        return Outcome.rejected(
            _(
                "Refrain cannot write in the blog folder %(setting)s: %(problem)s",
                setting=repr(account.setting("folder")),
                problem=problem,
            )
        )
    return connected(
        _("the blog folder %(setting)s is there and Refrain can write in it", setting=repr(account.setting("folder")))
    )


def check_micropub(context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("micropub_endpoint", "micropub_token"), "micropub")
    if missing:
        return missing
    endpoint = account.setting("micropub_endpoint")
    context.http.request(
        "GET",
        endpoint,
        params={"q": "config"},
        headers={"Authorization": f"Bearer {account.secret('micropub_token')}"},
        classify=token_refusals,
    )
    return connected(
        _(
            "the Micropub endpoint at %(hostname)s accepted the token for its configuration "
            "(a server that answers that without a token is fully proven only by the first "
            "post)",
            hostname=urlsplit(endpoint).hostname,
        )
    )


CHECKS = {"folder": check_folder, "micropub": check_micropub}
