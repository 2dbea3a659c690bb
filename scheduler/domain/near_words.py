"""Words of the style guide a word typed with a slip stands for: "refnd" → "refund", "guidlines" →
"guidelines", so a lookup as you type forgives the typo instead of finding nothing.

A term is looked for among the guide's own words (folded as the search folds them) only when it is not
one of them already (nor, for the term still being typed, the start of one): a word the guide holds
is never second-guessed. "Near" is the Damerau-Levenshtein distance (a transposition, "rfeund", is one
slip, not two), at most one edit for words of four to seven letters and two from eight on; shorter
words are left alone, where one edit turns any word into another. rapidfuzz computes it in C over the
whole vocabulary at once, which keeps a keystroke's lookup within a few milliseconds for a guide of
tens of thousands of distinct words (``bench style``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

NEAREST_PER_TERM = 3
SHORTEST = 4


def allowed_edits(term: str) -> int:
    """How many slips a term of this length may hold and still name a word of the guide."""
    if len(term) < SHORTEST:
        return 0
    return 1 if len(term) < 8 else 2


def is_word(term: str) -> bool:
    """Words of letters (Latin, folded): digits, CJK bigrams and codes are matched exactly or not at all."""
    return term.isascii() and term.isalpha()


def starts_a_word(term: str, vocabulary: Sequence[str]) -> bool:
    """Whether ``term`` begins a word of the sorted ``vocabulary`` (the word being typed: "refu")."""
    at = bisect_left(vocabulary, term)
    return at < len(vocabulary) and vocabulary[at].startswith(term)


def near_words(terms: Sequence[str], vocabulary: Sequence[str], last_is_prefix: bool = True) -> list[str]:
    """The guide's words near the terms it does not hold, nearest first, each once; ``vocabulary`` is
    sorted (for the prefix test) and holds each word once."""
    found: list[str] = []
    for index, term in enumerate(terms):
        edits = allowed_edits(term)
        if not edits or not is_word(term):
            continue
        typing = last_is_prefix and index == len(terms) - 1
        if starts_a_word(term, vocabulary) if typing else _holds(vocabulary, term):
            continue
        matches = process.extract(
            term, vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=edits, limit=NEAREST_PER_TERM
        )
        for word, _distance, _index in sorted(matches, key=lambda match: (match[1], match[0])):
            if word != term and word not in found:
                found.append(word)
    return found


def _holds(vocabulary: Sequence[str], term: str) -> bool:
    at = bisect_left(vocabulary, term)
    return at < len(vocabulary) and vocabulary[at] == term


def vocabulary_of(texts) -> tuple[str, ...]:
    """The sorted distinct words (letters only, three or more) of already folded search texts."""
    return tuple(sorted({word for text in texts for word in (text or "").split() if len(word) >= 3 and is_word(word)}))
