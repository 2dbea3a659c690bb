"""Parts of pages many people read and few change, kept rendered in Redis and shared by every web
process: the calendar's grid of a busy month is most of its page's time, and fifty people paging
through a quarter ask for the same few grids again and again.

A part is found by what it shows: its caller's key holds the service's fingerprint of the data (which
changes with every write to what the part reads), the day it is rendered on, and the templates' own
digest, so a change to any of them is a new key and an entry is never served stale. Entries expire
after a few minutes anyway: a fingerprint built from ``updated_at`` could miss a write stamped with an
earlier time by a host whose clock lags, and the expiry bounds that to ``KEEP_SECONDS``. Without Redis
the part is simply rendered.
"""

import hashlib
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup
from redis.exceptions import RedisError

import channels.registry as channel_registry
from scheduler.domain import language
from scheduler.infra import shared_files
from scheduler.services import runtime

KEEP_SECONDS = 120


def part(name: str, key: tuple, render: Callable[[], str]) -> Markup:
    """The rendered part ``name`` for ``key``: from Redis when it is there, else rendered and kept."""
    # the same part reads differently in each language: the language spoken is part of what it shows
    shown = (key, language.code(), _templates_digest(), tuple(channel_registry.names()))
    digest = hashlib.sha1(repr(shown).encode()).hexdigest()
    redis_key = runtime.queues().key(f"page:{name}:{digest}")
    try:
        connection = runtime.queues().connection
        kept = connection.get(redis_key)
    except (RedisError, OSError):
        connection = kept = None
    if kept is not None:
        return Markup(kept.decode("utf-8"))
    html = render()
    if connection is not None:
        try:
            connection.set(redis_key, html.encode("utf-8"), ex=KEEP_SECONDS)
        except RedisError:
            pass
    return Markup(html)


@lru_cache(maxsize=1)
def _templates_digest() -> str:
    """The templates as this process has them: a deploy with new templates never reads old parts."""
    folder = shared_files.templates()
    content = hashlib.sha1()
    for path in sorted(folder.rglob("*.html")):
        content.update(str(path.relative_to(folder)).encode())
        content.update(path.read_bytes())
    return content.hexdigest()
