"""The style guide's words, for a lookup that forgives a typo (``domain.near_words``).

Kept per process and read again only when the guide changed (its entries' count and newest change, one
small query per lookup): the lookup runs on every keystroke, and folding every entry's text each time
would cost more than the search itself.
"""

import threading

from sqlalchemy import func, select

from scheduler.domain.near_words import near_words, vocabulary_of
from scheduler.models import StyleEntry
from scheduler.models.database import db

_lock = threading.Lock()
_cache: dict = {}
_STAMP = select(func.count(StyleEntry.id), func.count(StyleEntry.deleted_at), func.max(StyleEntry.updated_at))


def vocabulary() -> tuple[str, ...]:
    key = (db.engine.url.render_as_string(), tuple(db.session.execute(_STAMP).one()))
    with _lock:
        if _cache.get("key") == key:
            return _cache["words"]
    rows = db.session.execute(
        select(StyleEntry.search_title, StyleEntry.search_body).where(StyleEntry.deleted_at.is_(None))
    )
    words = vocabulary_of(text for row in rows for text in row)
    with _lock:
        _cache.update(key=key, words=words)
    return words


def corrections(terms: list[str]) -> list[str]:
    """The guide's words the typed terms most likely meant, where a term is not a word of the guide."""
    if not any(len(term) >= 4 for term in terms):
        return []
    return near_words(terms, vocabulary())
