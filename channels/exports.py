"""Folders Refrain writes into for a channel (a static blog's site, the ads editor's files), confined
to the export root (REFRAIN_EXPORT_ROOT).

Whoever connects an account types the folder, and the worker writes there with the server's rights:
left free, "/etc/cron.d" or "../../.ssh" would be a way to write anywhere. So the folder is relative
to the export root, which the admin chose: an absolute path, a way up (``..``) or a symbolic link
leading out of the root is refused, when the account is saved (a field error) and again at every
delivery (the link may have been made since).

A file already there that Refrain did not write is never replaced: each channel keeps its own mark
of what it wrote (the blog's front matter names its post, the ads' index lists its files), and a
foreign file of the same name fails the delivery with a reason, the file untouched.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from channels.base import DeliveryContext, Outcome
from scheduler.domain.language import _

EXPORT_ROOT_SETTING = "REFRAIN_EXPORT_ROOT"


class OutsideExports(ValueError):
    """A folder that is not (or no longer) inside the export root; ``str()`` says why, for people, and
    ``problem`` the same without the folder's name (for a message after a form field's label)."""

    def __init__(self, folder: str, problem: str):
        self.problem = problem
        super().__init__(f"the folder {folder!r} {problem}")


def folder_problem(given: str) -> str:
    """What is wrong with a folder as typed, judged without the disk ("" when nothing is): it must be
    relative to the export root and never climb out of it."""
    text = given.strip()
    if not text:
        return ""
    if "\x00" in text:
        return _("holds a character a folder name cannot hold")
    if text.startswith(("~", "/", "\\")) or PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute():
        return _(
            "must be a folder inside the export folder (%(export_root_setting)s), written "
            "relative to it, not an absolute path",
            export_root_setting=EXPORT_ROOT_SETTING,
        )
    if PureWindowsPath(text).drive:
        return _(
            "must be a folder inside the export folder (%(export_root_setting)s), not on another drive",
            export_root_setting=EXPORT_ROOT_SETTING,
        )
    if ".." in re.split(r"[/\\]+", text):
        return _(
            "must stay inside the export folder (%(export_root_setting)s): '..' is not allowed",
            export_root_setting=EXPORT_ROOT_SETTING,
        )
    return ""


def export_folder(root: Path, given: str) -> Path:
    """The folder ``given`` names inside ``root``, symbolic links followed; raises OutsideExports when
    it is not one, or when following its links leads out of the root."""
    problem = folder_problem(given)
    if problem:
        raise OutsideExports(given.strip(), problem)
    base = Path(root).resolve()
    folder = (base / given.strip()).resolve()
    if not folder.is_relative_to(base):
        raise OutsideExports(
            given.strip(),
            _(
                "leads outside the export folder (%(export_root_setting)s) through a symbolic "
                "link: Refrain writes only inside it",
                export_root_setting=EXPORT_ROOT_SETTING,
            ),
        )
    return folder


def within(base: Path, path: Path) -> bool:
    """Whether ``path``, its symbolic links followed, is still inside ``base`` (a file about to be replaced)."""
    return path.resolve().is_relative_to(base.resolve())


def unwritable(folder: Path) -> str:
    """Why Refrain cannot write in ``folder`` ("" when it can): proven by writing a file there and
    removing it, since permission bits say nothing of a read-only disk or of a process run as root. A
    folder not made yet is judged by its nearest existing parent, where it would be made."""
    target = Path(folder)
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return _("%(name)s is a file, not a folder", name=repr(existing.name))
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".refrain-check-"):
            pass
    except OSError as error:
        return _("nothing can be written there (%(value)s)", value=error.strerror or error)
    return ""


def folder_check(context: DeliveryContext, given: str, fallback: Path) -> Outcome:
    """A channel that writes files has no credentials to test: its connection check is whether the
    folder ``given`` (inside the export root; ``fallback`` when empty) can be written, making nothing."""
    if given and context.export_root is None:
        return Outcome.rejected(
            _(
                "no export folder is set (%(export_root_setting)s): nothing can be written",
                export_root_setting=EXPORT_ROOT_SETTING,
            )
        )
    try:
        folder = export_folder(context.export_root, given) if given else fallback
    except OutsideExports as refusal:
        return Outcome.rejected(_("%(refusal)s; change the account's folder", refusal=refusal))
    problem = unwritable(folder)
    if problem:
        return Outcome.rejected(
            _("Refrain cannot write in %(value)s: %(problem)s", value=given or "the outbox", problem=problem)
        )
    return Outcome.published(message=_("Refrain can write in %(value)s", value=given or "the outbox"))
