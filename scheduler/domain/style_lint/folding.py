"""Texts folded for matching, with a map back to the original text.

Terms match the way theme keywords do (see ``text.fold``): whatever the case, accents and French
elisions ("l'Offre" mentions "offre"). Matching runs on a folded copy of the text in which every
original character keeps its place, so a finding's offsets are code point indices into the ORIGINAL
text, even after an emoji, a "ß" (folded to "ss"), a ligature or a letter followed by a combining
accent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scheduler.domain.text import CJK_CLASS, ELISION, fold_tables, fold_unicode, straighten

_SPACE_RUNS = re.compile(" +")
_ASCII_SEPARATORS = re.compile(r"[^0-9a-z]")  # after lower(); "_" is already a space (straighten)
# In folded text every character is a space, a CJK character or part of a spaced-script word: the
# pieces are the spaced-script words and the CJK runs.
PIECES = re.compile(f"[{CJK_CLASS}]+|[^ {CJK_CLASS}]+")


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


class _FoldTable(dict):
    """Each character to its folded form (as ``text.fold`` folds it, before elisions and separators),
    for ``str.translate``; filled on first sight. Characters whose folded form is not one character
    long ("ß" -> "ss", a combining accent -> "") are also kept in ``resizing``."""

    def __init__(self) -> None:
        super().__init__()
        self.resizing: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = straighten(ch).lower() if ch.isascii() else fold_unicode(ch)
        if len(folded) != 1:
            self.resizing.add(ch)
        if len(self) < 65536:  # texts in every script of the world will not exhaust memory
            self[code] = folded
        return folded


_FOLD = _FoldTable()
_RESIZING: list = [0, None]  # how many resizing characters the regex below was built from, and it


def _resizing_regex() -> re.Pattern[str]:
    """Any character seen so far whose folded form is not one character long."""
    resizing = _FOLD.resizing
    if _RESIZING[0] != len(resizing):
        _RESIZING[:] = [len(resizing), re.compile("[" + "".join(re.escape(ch) for ch in sorted(resizing)) + "]")]
    return _RESIZING[1]


@lru_cache(maxsize=1)
def _unicode_separator() -> re.Pattern[str] | None:
    """One character that ``text.fold`` treats as a separator (its class without the run), or None
    if that class has changed shape (then runs are blanked one by one, more slowly)."""
    pattern = fold_tables().separators.pattern
    return re.compile(pattern[:-1]) if pattern.startswith("[") and pattern.endswith("]+") else None


class Folded:
    """A text folded for matching: the same words as ``text.fold(original)`` but with every removed
    character (separator, elision) left as a space, plus where each folded character came from."""

    __slots__ = ("raw", "words", "starts", "ends", "_tokens")

    def __init__(self, raw: str, words: str, starts: list[int] | None, ends: list[int] | None) -> None:
        self.raw = raw  # case, accents and apostrophes folded; punctuation kept (for disclosures such as "#ad")
        self.words = words  # raw with elisions and every separator turned into spaces
        self.starts = starts  # original index of each folded character; None = the folded index itself
        self.ends = ends  # original end (exclusive) of each folded character
        self._tokens: frozenset[str] | None = None

    @property
    def tokens(self) -> frozenset[str]:
        """The spaced-script words and the CJK runs of the text."""
        if self._tokens is None:
            self._tokens = frozenset(PIECES.findall(self.words))
        return self._tokens

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end) (end > start)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def fold_mapped(text: str) -> Folded:
    """``text`` folded for matching, with the map back to its original positions."""
    if text.isascii():
        raw = straighten(text).lower()
        starts = ends = None
    else:
        raw = text.translate(_FOLD)
        starts = ends = None
        if not _FOLD.resizing.isdisjoint(text):
            starts, ends = _position_map(text)
    words = ELISION.sub(_blank, raw) if "'" in raw else raw
    if words.isascii():
        words = _ASCII_SEPARATORS.sub(" ", words)
    elif (separator := _unicode_separator()) is not None:
        words = separator.sub(" ", words)
    else:
        words = fold_tables().separators.sub(_blank, words)
    return Folded(raw, words, starts, ends)


def _position_map(text: str) -> tuple[list[int], list[int]]:
    """Where each folded character of ``text.translate(_FOLD)`` comes from: (start, end) in ``text``.
    A character that folds to nothing (a combining accent, a variation selector) belongs to the one
    before it, so a match that ends on "e" of "e" + U+0301 takes the accent along."""
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _resizing_regex().finditer(text):
        index = match.start()
        if index > position:  # one folded character each
            starts.extend(range(position, index))
            ends.extend(range(position + 1, index + 1))
        folded = _FOLD[ord(text[index])]
        if folded:
            starts.extend([index] * len(folded))
            ends.extend([index + 1] * len(folded))
        elif ends:
            last = ends[-1]
            for back in range(len(ends) - 1, -1, -1):
                if ends[back] != last:
                    break
                ends[back] = index + 1
        position = index + 1
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return starts, ends


def fold_words(text: str) -> str:
    """A term folded to its words, single-spaced (what ``text.fold`` gives)."""
    return _SPACE_RUNS.sub(" ", fold_mapped(text).words).strip()
