"""Several terms matched at once in folded text.

Words of spaced scripts match whole ("use" is not in "because"), Chinese, Japanese and Korean terms
match anywhere (no spaces between their words), and the words of a multi-word term may be separated
by any run of spaces or punctuation, line breaks included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scheduler.domain.style_lint.folding import PIECES, Folded, fold_words
from scheduler.domain.text import CJK_CLASS, is_cjk

# In folded text every character is a space, a CJK character or part of a spaced-script word.
_WORD_END = f"(?![^ {CJK_CLASS}])"


def _term_regex(folded: str) -> str:
    """Whole words for spaced scripts, anywhere for CJK; words separated by any run of separators
    (optional next to CJK)."""
    pieces = PIECES.findall(folded)
    pattern = ""
    for previous, piece in zip([None, *pieces], pieces):
        if previous is not None:
            pattern += " *" if is_cjk(previous[-1]) or is_cjk(piece[0]) else " +"
        pattern += re.escape(piece)
        if previous is None and not is_cjk(piece[0]):
            # the word must start the text or follow a space or CJK; checked once the word is found,
            # so that the pattern starts with a literal, which the regex engine looks for quickly
            pattern += f"(?<![^ {CJK_CLASS}]{re.escape(piece)})"
    return pattern + ("" if is_cjk(folded[-1]) else _WORD_END)


class Terms:
    """Several terms matched at once in folded text. A term can only be in a text that has its
    longest word (a set lookup) or, for Chinese, Japanese and Korean, its longest run (a substring
    test), which spares the regular expression almost every text."""

    def __init__(self, terms: Iterable[str]) -> None:
        folded = sorted({f for f in (fold_words(t) for t in terms) if f}, key=len, reverse=True)
        self.folded = tuple(folded)
        needles = [max(PIECES.findall(f), key=len) for f in folded]
        self.words = frozenset(n for n in needles if not is_cjk(n[0]))
        self.runs = tuple(dict.fromkeys(n for n in needles if is_cjk(n[0])))
        self.regex = re.compile("|".join(f"(?:{_term_regex(f)})" for f in folded)) if folded else None

    def __bool__(self) -> bool:
        return self.regex is not None

    def finditer(self, folded: Folded):
        if self.regex is None:
            return
        if self.words.isdisjoint(folded.tokens) and not any(run in folded.words for run in self.runs):
            return
        yield from self.regex.finditer(folded.words)


def outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps none of the spans."""
    return not any(s < end and start < e for s, e in spans)


def term_spans(terms: Terms, folded: Folded, skip: list[tuple[int, int]]):
    """Original spans of the terms' matches, leaving out those inside web addresses."""
    for match in terms.finditer(folded):
        start, end = folded.span(*match.span())
        if not skip or outside(skip, start, end):
            yield start, end


def any_span(terms: Terms, folded: Folded, skip: list[tuple[int, int]]) -> bool:
    return next(term_spans(terms, folded, skip), None) is not None
