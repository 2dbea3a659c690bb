"""The translations, read from the gettext catalogs in ``scheduler/translations/<language>/*.po``.

Each area of the interface keeps its own catalog file per language (``posts.po``, ``report.po``…), so
that work on one area never touches another's file; here they are read together as one catalog. The
``.po`` files are the only copy: they are compiled in memory once per process (a few milliseconds),
so no compiled ``.mo`` can ever be older than its source. An entry marked fuzzy or left empty is not
a translation and falls back to English; ``scripts/i18n.py check`` (run by the test suite) makes sure
no sentence is left that way.
"""

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from scheduler.domain.language import DEFAULT, LANGUAGES

FOLDER = Path(__file__).resolve().parent.parent / "translations"
# gettext's classic plural rules (CLDR's newer French rule adds a third form for millions that no
# sentence of ours needs): French says "1 post, 2 posts" and "0 post"; Chinese has one form
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "zh": "nplurals=1; plural=0;"}


def empty(language: str) -> Catalog:
    made = Catalog(locale=language, domain="messages", project="Refrain")
    if language in PLURAL_FORMS:
        made.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    return made


def files(language: str) -> list[Path]:
    return sorted((FOLDER / language).glob("*.po"))


def catalog(language: str) -> Catalog:
    """Every translated entry of ``language``'s files (the first file, by name, wins a repeated one)."""
    merged = empty(language)
    for path in files(language):
        with path.open("rb") as source:
            for message in read_po(source, locale=language):
                if message.id and message.id not in merged and _translated(message):
                    merged[message.id] = message
    return merged


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return not message.fuzzy and all(strings)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """``language``'s translations (English, or a language we do not speak: the sentences as written)."""
    if language == DEFAULT or language not in LANGUAGES:
        english = NullTranslations()  # Babel's: Flask-Babel asks it for ``ugettext`` too
        english.language = DEFAULT
        return english
    compiled = BytesIO()
    write_mo(compiled, catalog(language))
    compiled.seek(0)
    spoken = Translations(compiled, domain="messages")
    spoken.language = language  # what domain.language.code() answers while these are spoken
    return spoken
