"""The folder target: the Markdown file, written atomically into a Hugo or Jekyll site's content
folder as ``<date>-<slug>.md``, its front matter naming the post (``refrain_id``) so a new slug or date
replaces the old file instead of adding one; committed (never pushed) when the site is a git repository.

The site folder is relative to the export root and confined to it (``channels.exports``); the
``refrain_id`` is the mark of the files Refrain wrote, so a file of the same name without it (or naming
another post) is never replaced."""

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

from channels.base import DeliveryContext, Draft, Outcome, PostContent
from channels.blog.rendering import front_matter, markdown_body
from channels.blog.targets import CONTENT_DIR, missing_settings, publication_time
from channels.exports import EXPORT_ROOT_SETTING, OutsideExports, export_folder, folder_problem
from channels.outbox import write_atomically

GIT_TIMEOUT = 30.0
GIT_AUTHOR = ("Refrain", "refrain@localhost")
OWNER_KEY = "refrain_id"  # the front-matter key that says which post a file belongs to
FRONT_MATTER_MAX = 256 * 1024  # bytes of a Markdown file's front matter read to find its owner


def folder_front_matter(draft: Draft, post: PostContent, when: datetime, future: bool) -> dict:
    matter = draft.payload["front_matter"]
    values = {"title": matter["title"], "date": when.isoformat()}
    if future:
        values["publishDate"] = when.isoformat()
    values.update({"draft": False, "slug": matter["slug"], "tags": list(matter.get("tags") or [])})
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
        return Outcome.rejected("only a saved post (one with an id) can be delivered")
    missing = missing_settings(account, ("folder",), "folder")
    if missing:
        return missing
    if context.export_root is None:
        return Outcome.rejected(f"no export folder is set ({EXPORT_ROOT_SETTING}): the blog folder cannot be written")
    try:  # checked again at each delivery: a symbolic link may have been made since the account was saved
        site = export_folder(context.export_root, account.setting("folder"))
    except OutsideExports as refusal:
        return Outcome.rejected(f"{refusal}; change the account's Site folder")
    if not site.is_dir():
        return Outcome.rejected(
            f"the blog folder {account.setting('folder')!r} does not exist in the export folder: create it, or "
            "check the account's Site folder setting"
        )
    subdir = account.setting("content_dir", CONTENT_DIR).strip("/") or "."
    content = (site / subdir).resolve()
    if folder_problem(subdir) or not content.is_relative_to(site):
        return Outcome.rejected(f"the content folder {subdir!r} is outside the site folder")
    when, future = publication_time(post, context)
    slug = draft.payload["slug"]
    target = content / f"{when.date().isoformat()}-{slug}.md"
    text = front_matter(folder_front_matter(draft, post, when, future)) + "\n" + markdown_body(draft)
    try:
        content.mkdir(parents=True, exist_ok=True)
        if (target.exists() or target.is_symlink()) and owner_of(target) != post.id:
            # another post's file, or one Refrain did not write (no refrain_id names this post): left untouched
            return Outcome.rejected(
                f"{target.name} already exists and Refrain did not write it for this post (it holds another post "
                "or a file of the site's own): it is left untouched; give this post another slug"
            )
        older = [path for path in content.glob("*.md") if path != target and owner_of(path) == post.id]
        write_atomically(target, text.encode("utf-8"))
        for path in older:  # its slug or date changed: one file per post
            path.unlink(missing_ok=True)
    except OSError as error:
        return Outcome.retry(f"could not write to the blog folder: {error}")
    relative = target.resolve().relative_to(site.resolve()).as_posix()
    message = f"written to {relative}"
    if inside_git_repository(site.resolve()):
        removed = [path.resolve().relative_to(site.resolve()).as_posix() for path in older]
        try:
            trouble = commit(site, relative, removed, draft.payload["front_matter"]["title"])
        except FileNotFoundError:
            message += "; not committed: git is not installed"
        except subprocess.TimeoutExpired:
            return Outcome.retry(f"wrote {relative} but git took longer than {GIT_TIMEOUT:.0f} s to commit it")
        else:
            if trouble:  # written, not committed: delivering again rewrites the same file and commits it
                return Outcome.retry(f"wrote {relative} but could not commit it: {trouble}")
            message += " and committed"
    site_url = account.setting("site_url").rstrip("/")
    url = f"{site_url}/{slug}/" if site_url else target.as_uri()
    return Outcome.published(remote_id=relative, url=url, message=message)
