"""The words people read, in their language: ``_`` for every sentence a person may see.

The domain and the services write sentences (a refusal, a reason, a finding) long before a page shows
them, and they must not know whether a request, a worker or the command line asked. So the sentences
are translated through the translations *spoken now*: a shell says which ones (a page: the person's
language or the browser's; the CLI: the terminal's; a mail: its reader's) and every ``_`` under it
answers in that language, English when nobody said.

``_("Posts must be at least %(n)s", n=1)`` formats after translating (the translator moves the
placeholder, never the code); a literal percent sign is written ``%%`` only where values are given.
``N_`` marks a sentence kept in a constant (a label, a legend) so that extraction finds it; whoever
shows it passes it through ``_`` then.
"""

import gettext as _stdlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# the languages the interface speaks, by code, each named in itself (as a chooser shows them)
LANGUAGES = {"en": "English", "fr": "Français", "zh": "中文"}
DEFAULT = "en"

_NOBODY_SAID = _stdlib.NullTranslations()
_spoken: ContextVar[_stdlib.NullTranslations | None] = ContextVar("refrain_spoken", default=None)
_heard: list[Callable[[], _stdlib.NullTranslations | None]] = []


def hear_from(resolver: Callable[[], _stdlib.NullTranslations | None]) -> None:
    """The shell's own way to say which translations are spoken (the web's: the current request's)."""
    _heard[:] = [resolver]


def translations() -> _stdlib.NullTranslations:
    said = _spoken.get()
    if said is not None:
        return said
    for resolver in _heard:
        heard = resolver()
        if heard is not None:
            return heard
    return _NOBODY_SAID


def code() -> str:
    """The code of the language spoken now (``en`` when nobody said)."""
    return getattr(translations(), "language", DEFAULT)


def _(message: str, **values) -> str:
    text = translations().gettext(message)
    return text % values if values else text


gettext = _


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    """One post / 3 posts: the form the language wants for ``n`` (``%(num)s`` is ``n``)."""
    values.setdefault("num", n)
    return translations().ngettext(singular, plural, n) % values


def N_(message: str) -> str:
    """Marks a sentence for translation where it is kept; ``_`` translates it where it is shown."""
    return message


@contextmanager
def speaking(spoken: _stdlib.NullTranslations) -> Iterator[None]:
    """Every ``_`` in this block answers with ``spoken`` (a mail in its reader's language)."""
    token = _spoken.set(spoken)
    try:
        yield
    finally:
        _spoken.reset(token)


def best_of(asked: str | None) -> str:
    """A language code we speak from one a person or a terminal gave ("fr_FR.UTF-8", "zh-Hans-CN")."""
    code = (asked or "").replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else DEFAULT
