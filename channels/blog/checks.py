"""The blog account's connection check, by its target: the folder target writes a file and removes it
(its site folder is where posts go), the Micropub target asks the endpoint its configuration with the
token (``GET {endpoint}?q=config``, read-only)."""

from urllib.parse import urlsplit

from channels.base import DeliveryContext, Outcome
from channels.blog.micropub import token_refusals
from channels.blog.targets import missing_settings
from channels.credentials import connected
from channels.exports import EXPORT_ROOT_SETTING, OutsideExports, export_folder, unwritable


def check_folder(context: DeliveryContext) -> Outcome:
    account = context.account
    missing = missing_settings(account, ("folder",), "folder")
    if missing:
        return missing
    if context.export_root is None:
        return Outcome.rejected(f"no export folder is set ({EXPORT_ROOT_SETTING}): the blog folder cannot be written")
    try:
        site = export_folder(context.export_root, account.setting("folder"))
    except OutsideExports as refusal:
        return Outcome.rejected(f"{refusal}; change the account's Site folder")
    if not site.is_dir():
        return Outcome.rejected(
            f"the blog folder {account.setting('folder')!r} does not exist in the export folder: create it, or "
            "check the account's Site folder setting"
        )
    problem = unwritable(site)
    if problem:
        return Outcome.rejected(f"Refrain cannot write in the blog folder {account.setting('folder')!r}: {problem}")
    return connected(f"the blog folder {account.setting('folder')!r} is there and Refrain can write in it")


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
        f"the Micropub endpoint at {urlsplit(endpoint).hostname} accepted the token for its configuration "
        "(a server that answers that without a token is fully proven only by the first post)"
    )


CHECKS = {"folder": check_folder, "micropub": check_micropub}
