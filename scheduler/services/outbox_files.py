"""The file an outbox delivery wrote for a post, read back for the post's page.

In outbox mode a delivery is a file on the server (``<instance>/outbox/<channel>/<post id>.json``,
``channels.base.write_to_outbox``). A ``file://`` link to it opens nothing in anyone's browser, and
would tell the world where the server keeps its files; the app shows the file itself instead, to
people signed in, from a path it builds from the post alone (never from anything typed).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from scheduler.domain.language import _
from scheduler.models import Post
from scheduler.services import runtime
from scheduler.services.errors import NotFound

LARGEST_SHOWN = 1024 * 1024  # a delivery is a few kilobytes; a larger file is cut, not read whole


@dataclass(frozen=True)
class DeliveredFile:
    name: str  # "12.json", as the post's history and its "Id at the service" call it
    folder: str  # the outbox folder of the post's channel, for the page to say where it is
    text: str  # the file, its JSON indented (or as written, when it is not JSON)
    record: dict  # the parsed file ({} when it is not JSON)


def outbox_path(post: Post) -> Path | None:
    """Where the outbox delivery of ``post`` is, if it is there: inside the outbox folder, not a link out."""
    root = runtime.settings().outbox
    path = root / post.channel / f"{int(post.id)}.json"
    try:
        if not path.is_file() or path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
            return None
    except OSError:
        return None
    return path


def delivered_file(post: Post) -> DeliveredFile:
    """The outbox file of a delivered post, or NotFound (a live delivery, or a file removed since)."""
    path = outbox_path(post)
    if path is None:
        raise NotFound("delivered file", _("delivered file of post %(id)s not found", id=post.id))
    with path.open("rb") as handle:
        raw = handle.read(LARGEST_SHOWN + 1)
    text = raw[:LARGEST_SHOWN].decode("utf-8", "replace")
    try:
        record = json.loads(text) if len(raw) <= LARGEST_SHOWN else {}
    except ValueError:
        record = {}
    shown = json.dumps(record, ensure_ascii=False, indent=2) if isinstance(record, dict) and record else text
    return DeliveredFile(
        name=path.name, folder=str(path.parent), text=shown, record=record if isinstance(record, dict) else {}
    )
