"""The folder target: the Markdown file, written atomically into a Hugo or Jekyll site's content
folder as ``<date>-<slug>.md``, committed (never pushed) when the site is a git repository.

Which file is this post's is decided by identity, never by its name: the front matter names the post
(``refrain_id: 42``, the mark of the files Refrain wrote), and the file an earlier delivery wrote is
stored as the post's remote id. So delivering again (a lost answer, an edit) rewrites this post's own
file, a new title or date renames it (one file per post, one commit in git), and a file of the same
name that is not this post's (hand-written, or another post's with the same title and day) is never
replaced: the post takes the next free name, ``<date>-<slug>-2.md``, its slug following so that the
site gives it an address of its own.

The site folder is relative to the export root and confined to it (``channels.exports``)."""

import json
import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

from channels.base import DeliveryContext, Draft, Outcome, PostContent
from channels.blog.rendering import front_matter, markdown_body
from channels.blog.targets import CONTENT_DIR, missing_settings, publication_time
from channels.exports import EXPORT_ROOT_SETTING, OutsideExports, export_folder, folder_problem
from channels.outbox import write_atomically
from scheduler.domain.language import _

GIT_TIMEOUT = 30.0
GIT_AUTHOR = ("Refrain", "refrain@localhost")
OWNER_KEY = "refrain_id"  # the front-matter key that says which post a file belongs to
FRONT_MATTER_MAX = 256 * 1024  # bytes of a Markdown file's front matter read to find its owner
SAME_NAME_MAX = 99  # <name>-2.md … <name>-99.md: the free names tried when a post's name is taken


def folder_front_matter(draft: Draft, post: PostContent, when: datetime, future: bool, slug: str) -> dict:
    matter = draft.payload["front_matter"]
    values = {"title": matter["title"], "date": when.isoformat()}
    if future:
        values["publishDate"] = when.isoformat()
    values.update({"draft": False, "slug": slug, "tags": list(matter.get("tags") or [])})
    if matter.get("canonical_url"):
        values["canonical_url"] = matter["canonical_url"]
    values[OWNER_KEY] = post.id
    return values


def owner_of(path: Path):
    """The post id a Markdown file's front matter names, or None (a file Refrain did not write). Only the
    front matter is read, and at most FRONT_MATTER_MAX bytes of it."""
    try:
        with open(path, "rb") as handle:
            if handle.readline() != b"---\n":
                return None
            read = 0
            for raw in handle:
                read += len(raw)
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if line == "---" or read > FRONT_MATTER_MAX:
                    return None
                key, _, value = line.partition(": ")
                if key == OWNER_KEY:
                    return json.loads(value)
    except (OSError, ValueError):
        return None
    return None


def files_of(post: PostContent, site: Path, content: Path) -> list[Path]:
    """This post's files: the one an earlier delivery stored as the remote id (relative to the site,
    wherever the content folder was then) and any in the content folder whose front matter names the
    post (a delivery whose answer was lost, a rename left halfway). A file is this post's only when its
    front matter says so: a stored name now holding someone else's file is not."""
    found = [path for path in sorted(content.glob("*.md")) if owner_of(path) == post.id]
    stored = post.remote_id.strip()
    if stored and not folder_problem(stored):
        path = site / stored
        inside = path.parent.resolve().is_relative_to(site)  # no folder of it leads out by a symbolic link
        if inside and path.is_file() and owner_of(path) == post.id:
            found.append(path)
    unique = {os.path.normpath(path): path for path in found}
    return list(unique.values())


def place_for(content: Path, name: str, ours: list[Path]) -> tuple[Path | None, str]:
    """Where the post's file goes, and the suffix its slug takes there ("" or "-2"...): the post's own
    file of that name when it has one (its name kept across deliveries), else ``<name>.md`` when
    nothing is there, else the first free ``<name>-<n>.md``; (None, "") when none is free."""
    pattern = re.compile(re.escape(name) + r"(-[0-9]+)?\.md")
    kept = sorted((p.name for p in ours if p.parent == content and pattern.fullmatch(p.name)), key=len)
    if kept:
        return content / kept[0], kept[0][len(name) : -len(".md")]
    for number in range(1, SAME_NAME_MAX + 1):
        suffix = f"-{number}" if number > 1 else ""
        path = content / f"{name}{suffix}.md"
        if not (path.exists() or path.is_symlink()):
            return path, suffix
    return None, ""


def inside_git_repository(folder: Path) -> bool:
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


def git(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    name, email = GIT_AUTHOR
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_TERMINAL_PROMPT": "0",
    }
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )


def commit(folder: Path, written: str, removed: list[str], title: str) -> str:
    """Stages and commits only the post's files (anything else the owner has staged is left alone).
    Returns "" when committed or when there was nothing new, else what went wrong."""

    def failed(step, result):
        return f"git {step} failed: {' '.join((result.stderr or result.stdout).split())[:300]}"

    added = git(folder, "add", "--", written)
    if added.returncode:
        return failed("add", added)
    if removed:
        dropped = git(folder, "rm", "--cached", "--ignore-unmatch", "-q", "--", *removed)
        if dropped.returncode:
            return failed("rm", dropped)
    changed = git(
        folder, "diff", "--cached", "--name-only", "--no-renames", "-z", "--relative", "--", written, *removed
    )
    if changed.returncode:
        return failed("diff", changed)
    paths = [path for path in changed.stdout.split("\0") if path]
    if not paths:
        return ""  # the same content again: nothing to commit
    committed = git(folder, "commit", "--no-verify", "-q", "-m", f"Refrain: publish {title}", "--", *paths)
    return failed("commit", committed) if committed.returncode else ""


def deliver_to_folder(draft: Draft, post: PostContent, context: DeliveryContext) -> Outcome:
    account = context.account
    if post.id is None:
        return Outcome.rejected(_("only a saved post (one with an id) can be delivered"))
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
    try:  # checked again at each delivery: a symbolic link may have been made since the account was saved
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
    subdir = account.setting("content_dir", CONTENT_DIR).strip("/") or "."
    content = (site / subdir).resolve()
    if folder_problem(subdir) or not content.is_relative_to(site):
        return Outcome.rejected(_("the content folder %(subdir)s is outside the site folder", subdir=repr(subdir)))
    when, future = publication_time(post, context)
    name = f"{when.date().isoformat()}-{draft.payload['slug']}"
    try:
        content.mkdir(parents=True, exist_ok=True)
        ours = files_of(post, site, content)
        target, suffix = place_for(content, name, ours)
        if target is None:
            return Outcome.rejected(
                _(
                    "%(name)s.md and the next %(n)s free names are all taken by files that are not "
                    "this post's: they are left untouched; give this post another slug",
                    name=name,
                    n=SAME_NAME_MAX - 1,
                )
            )
        slug = draft.payload["slug"] + suffix
        text = front_matter(folder_front_matter(draft, post, when, future, slug)) + "\n" + markdown_body(draft)
        older = [path for path in ours if os.path.normpath(path) != os.path.normpath(target)]
        write_atomically(target, text.encode("utf-8"))
        for path in older:  # its slug or date changed: one file per post
            path.unlink(missing_ok=True)
    except OSError as error:
        return Outcome.retry(_("could not write to the blog folder: %(error)s", error=error))
    relative = target.resolve().relative_to(site.resolve()).as_posix()
    message = _("written to %(path)s", path=relative)
    if suffix and (content / f"{name}.md").exists():
        message = _(
            "written to %(path)s (%(name)s.md is not this post's file and is left untouched: this post's slug is "
            "%(slug)s)",
            path=relative,
            name=name,
            slug=slug,
        )
    if inside_git_repository(site.resolve()):
        removed = [path.resolve().relative_to(site.resolve()).as_posix() for path in older]
        try:
            trouble = commit(site, relative, removed, draft.payload["front_matter"]["title"])
        except FileNotFoundError:
            message = _("%(done)s; not committed: git is not installed", done=message)
        except subprocess.TimeoutExpired:
            return Outcome.retry(
                _(
                    "wrote %(relative)s but git took longer than %(git_timeout)s s to commit it",
                    relative=relative,
                    git_timeout=format(GIT_TIMEOUT, ".0f"),
                )
            )
        else:
            if trouble:  # written, not committed: delivering again rewrites the same file and commits it
                return Outcome.retry(
                    _("wrote %(relative)s but could not commit it: %(trouble)s", relative=relative, trouble=trouble)
                )
            message = _("%(done)s and committed", done=message)
    site_url = account.setting("site_url").rstrip("/")
    url = f"{site_url}/{slug}/" if site_url else target.as_uri()
    return Outcome.published(remote_id=relative, url=url, message=message)
