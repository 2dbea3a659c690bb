"""Is a post on the plan's theme?

A post is on theme when it mentions one of the plan's keywords, whatever the case, accents or
French elisions ("l'Offre d'été" mentions "offre ete"), unless a person decided otherwise by hand.
Words of spaced scripts must match whole ("ete" is not in "complete"); Chinese, Japanese and
Korean keywords match anywhere, since those scripts do not separate words with spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from scheduler.domain.text import CJK_CLASS, fold, is_cjk

# In folded text every character is a space, a CJK character or part of a spaced-script word.
_WORD_START = f"(?<![^ {CJK_CLASS}])"
_WORD_END = f"(?![^ {CJK_CLASS}])"
_PIECES = re.compile(f"[{CJK_CLASS}]+|[^ {CJK_CLASS}]+")  # runs of CJK, and spaced-script words


@dataclass(frozen=True)
class ThemeMatch:
    on_theme: bool
    matched: tuple[str, ...]
    source: str  # 'keywords' | 'manual'


def match_keywords(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords (as given, in order, each once) that the text mentions."""
    folded_text = fold(text)
    found, seen = [], set()
    for keyword in keywords:
        folded = fold(keyword or "")
        if not folded or folded in seen:
            continue
        seen.add(folded)
        if _keyword_pattern(folded).search(folded_text):
            found.append(keyword)
    return found


def decide_theme(text: str, keywords: Iterable[str], manual: bool | None) -> ThemeMatch:
    """On theme by keywords, unless set by hand (the matches are reported either way)."""
    matched = tuple(match_keywords(text, keywords))
    if manual is None:
        return ThemeMatch(on_theme=bool(matched), matched=matched, source="keywords")
    return ThemeMatch(on_theme=bool(manual), matched=matched, source="manual")


@lru_cache(maxsize=4096)
def _keyword_pattern(folded_keyword: str) -> re.Pattern[str]:
    """Whole words for spaced scripts, anywhere for CJK; a space next to CJK is optional."""
    pieces = _PIECES.findall(folded_keyword)
    pattern = "" if is_cjk(folded_keyword[0]) else _WORD_START
    for previous, piece in zip([None, *pieces], pieces):
        if previous is not None:
            pattern += " ?" if is_cjk(previous[-1]) or is_cjk(piece[0]) else " "
        pattern += re.escape(piece)
    return re.compile(pattern + ("" if is_cjk(folded_keyword[-1]) else _WORD_END))
