"""Text normalisation shared by theme matching and repetition detection.

Both need to see "l'Offre d'été" and "offre ete" as the same words, and both must leave Chinese,
Japanese and Korean characters intact (they carry meaning without spaces between words), so the
folding rules live in one place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "\u00b4": "'", "`": "'", "_": " "})
ELISION = re.compile(r"(?<!\w)(?:jusqu|lorsqu|puisqu|qu|[ldjnscmt])'")
_APOSTROPHE_LIKE = re.compile("[\u2019\u02bc\u2018\u00b4`_]")


def straighten(text: str) -> str:
    """Typographic apostrophes to ' (and _ to a space); most texts have none, so look before translating."""
    return text.translate(_APOSTROPHES) if _APOSTROPHE_LIKE.search(text) else text


_ASCII_SEPARATORS = re.compile(r"\W+")  # "_" is already a space (_APOSTROPHES)
# Diacritics (and emoji variation selectors) that NFKD splits off Latin, Greek and Cyrillic letters.
# Marks of other scripts (Devanagari vowel signs, kana voicing...) are part of the letter: kept.
_ACCENTS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef]+"
)

CJK_CLASS = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005-\u3007\u3021-\u3029\u3038-\u303c"  # ideographic iteration marks and numerals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f\u3130-\u318f\u3190-\u31ff"  # Bopomofo, Hangul compatibility jamo, Kanbun, strokes
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs (+ extension A)
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul syllables and jamo extensions
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # halfwidth Katakana
    "\U00020000-\U0003134f"  # CJK unified ideographs extensions B and beyond
)
_CJK = re.compile(f"[{CJK_CLASS}]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_OR_HASHTAG = re.compile(r"(?<![\w&])[@#＃]\w+")


def is_cjk(ch: str) -> bool:
    """True for a Chinese, Japanese or Korean character (scripts written without word spaces)."""
    return bool(ch) and _CJK.match(ch) is not None


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def fold(text: str) -> str:
    """Lower-case, accent-free, elision-free words separated by single spaces."""
    if text.isascii():
        text, separators = straighten(text).lower(), _ASCII_SEPARATORS
    else:
        text, separators = fold_unicode(text), fold_tables().separators
    if "'" in text:
        text = ELISION.sub("", text)
    return separators.sub(" ", text).strip()


def message_text(text: str, words: FoldedWords | None = None) -> str:
    """What a post says, with links, @mentions, #hashtags and emoji set aside.

    Links and tags span words, so they go first, from the whole text; the rest (emoji, case,
    accents, elisions, separators) never reaches across a space, so it is done word by word, and
    each distinct word once: pass the same ``words`` for many texts (posts share most of their
    words) and the costly Unicode passes run over the vocabulary, not over every post."""
    # "w." first: only w and W lower to w, so without it there is no "www." to find, and no need to lower.
    if "://" in text or (("w." in text or "W." in text) and "www." in text.lower()):
        text = _URL.sub(" ", text)
    if "@" in text or "#" in text or "＃" in text:
        text = _MENTION_OR_HASHTAG.sub(" ", text)
    folded = map((FoldedWords() if words is None else words).__getitem__, straighten(text).split(" "))
    return " ".join(filter(None, folded))


class FoldedWords(dict):
    """Word (no space in it) -> its folded form, emoji set aside: message_text's per-word step,
    computed on first use. The form may be empty, or several words."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = fold(word if word.isascii() else fold_tables().pictographs.sub(" ", word))
        return folded


def fold_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKC", straighten(text))
    text = unicodedata.normalize("NFKD", straighten(text).casefold())
    text = _ACCENTS.sub("", text)
    return unicodedata.normalize("NFC", text)  # puts Hangul syllables and kana back together


class FoldTables:
    """Character classes drawn from the Unicode database (built once, on first use)."""

    def __init__(self) -> None:
        marks, pictographs = [], []
        for code in range(0x80, 0x20000):
            category = unicodedata.category(chr(code))
            if category[0] == "M" and code < 0x10000:  # astral ranges would make the class slow
                marks.append(code)
            if category in ("So", "Sk") and code != 0xB4:
                pictographs.append(code)
        pictographs += [0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0xE0020, 0xE0080), *range(0xE0100, 0xE01F0)]
        self.separators = re.compile(f"[^\\w{_ranges(marks)}]+")
        self.pictographs = re.compile(f"[{_ranges(pictographs)}]+")


@cache
def fold_tables() -> FoldTables:
    return FoldTables()


def _ranges(codes: list[int]) -> str:
    """A regex character-class body covering the given code points."""
    parts, codes = [], sorted(set(codes))
    start = prev = codes[0]
    for code in [*codes[1:], None]:
        if code is not None and code == prev + 1:
            prev = code
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        if code is not None:
            start = prev = code
    return "".join(parts)
