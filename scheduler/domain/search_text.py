"""The pure text side of the style guide's full-text search.

Both databases search text we normalise here, so SQLite (FTS5, tokenizer ``unicode61``) and
PostgreSQL (``to_tsvector('simple', ...)``) see exactly the same tokens:

* words are folded with :func:`scheduler.domain.text.fold` (case, accents and French elisions
  removed: "L'Été" -> "ete");
* a token is a run of letters and digits (Unicode categories L* and N*, which is what both
  tokenizers keep together); anything else, combining marks included, separates tokens;
* Chinese, Japanese and Korean runs (:data:`~scheduler.domain.text.CJK_CLASS`) are cut into
  overlapping character bigrams ("夏季优惠" -> "夏季 季优 优惠"), a lone CJK character stays a
  unigram, so unspaced text can be found by any two-character word inside it.

Query terms are therefore only letters and digits: quoted in an FTS5 expression or placed in a
``to_tsquery`` they can never be read as an operator, a column filter or a syntax error.

:func:`highlight` marks the matches in the *original* text: it folds the text one character
cluster at a time, remembering where each folded character came from, so "é" (one or two code
points), "ß" ("ss") or "ﬁ" ("fi") map back to the right original offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from scheduler.domain.text import CJK_CLASS, fold

MAX_QUERY_TERMS = 32
MAX_QUERY_CHARS = 2000  # of the user's text looked at: 32 terms never need more
MAX_TERM_CHARS = 64  # longer "words" are cut (they still work as prefixes)

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits (Python's \w is exactly L*, N* and "_")
_SAFE_TERM = re.compile(r"[^\W_]+\Z")
_CJK_OR_NOT = re.compile(f"[{CJK_CLASS}]+|[^{CJK_CLASS}]+")
_CJK_TERM = re.compile(f"[{CJK_CLASS}]+\\Z")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Same rule as text.fold, applied to the folded copy highlight() keeps aligned with the original.
_ELISION = re.compile(r"(?<!\w)(?:jusqu|lorsqu|puisqu|qu|[ldjnscmt])'")
_APOSTROPHES = frozenset("'\u2019\u02bc\u2018\u00b4`\uff07")


# --- tokens ----------------------------------------------------------------------------------


def _is_cjk_term(term: str) -> bool:
    return _CJK_TERM.match(term) is not None


def _tokens(folded: str):
    """The search tokens of already folded text, in order (CJK runs as bigrams)."""
    for word in _TOKEN.findall(folded):
        for part in _CJK_OR_NOT.findall(word):
            if len(part) > 1 and _is_cjk_term(part):
                for i in range(len(part) - 1):
                    yield part[i : i + 2]
            else:
                yield part


def index_text(text: str) -> str:
    """The text as stored in the index column: folded tokens separated by single spaces."""
    if not text:
        return ""
    return " ".join(_tokens(fold(text)))


def query_terms(query: str) -> list[str]:
    """The user's text as at most MAX_QUERY_TERMS distinct search terms (letters/digits only)."""
    if not isinstance(query, str) or not query:
        return []
    try:
        folded = fold(query[:MAX_QUERY_CHARS])
    except Exception:  # pragma: no cover - fold is total on str; never let a query raise
        return []
    terms: list[str] = []
    seen: set[str] = set()
    for token in _tokens(folded):
        term = token[:MAX_TERM_CHARS]
        if term not in seen:
            seen.add(term)
            terms.append(term)
            if len(terms) >= MAX_QUERY_TERMS:
                break
    return terms


def _safe_terms(terms) -> list[str]:
    """Terms as given, keeping only those made of letters/digits (defence in depth)."""
    if not terms or isinstance(terms, str):
        return []
    return [t for t in terms if isinstance(t, str) and _SAFE_TERM.match(t)][:MAX_QUERY_TERMS]


def _prefixable(term: str) -> bool:
    """The last term is completed as the user types: a Latin (non-CJK) word, or a single CJK
    character (so "夏" finds the bigram "夏季"; as an exact term it would only find a lone 夏)."""
    return not _is_cjk_term(term) or len(term) == 1


def fts5_match(terms: list[str], prefix_last: bool = True) -> str:
    """An FTS5 MATCH expression: the terms quoted and ORed, the last one as a prefix."""
    safe = _safe_terms(terms)
    parts = [f'"{t}"' for t in safe]
    if parts and prefix_last and _prefixable(safe[-1]):
        parts[-1] += "*"
    return " OR ".join(parts)


def tsquery(terms: list[str], prefix_last: bool = True) -> str:
    """The same for PostgreSQL ``to_tsquery('simple', ...)``: 'offre | ete:*'."""
    parts = _safe_terms(terms)
    if parts and prefix_last and _prefixable(parts[-1]):
        parts[-1] += ":*"
    return " | ".join(parts)


# --- highlighting ----------------------------------------------------------------------------


def _continues_cluster(ch: str) -> bool:
    """Characters folded together with the one before: combining marks, Hangul vowel/final jamo."""
    return unicodedata.category(ch)[0] == "M" or "\u1160" <= ch <= "\u11ff"


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    """One base character (+ its marks) folded: letters/digits, "'" for an apostrophe, else spaces."""
    if cluster[0] in _APOSTROPHES:
        return "'"
    folded = fold(cluster)
    if not folded:
        return " "
    return "".join(ch if ch.isalnum() else " " for ch in folded)


def _folded_map(text: str) -> tuple[str, list[int], list[int]]:
    """Folded text plus, for each folded character, the original [start, end) it came from."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n, i = len(text), 0
    while i < n:
        j = i + 1
        while j < n and _continues_cluster(text[j]):
            j += 1
        folded = _fold_cluster(text[i:j])
        pieces.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    folded_text = "".join(pieces)
    if "'" in folded_text:
        folded_text = _ELISION.sub(lambda m: " " * len(m.group()), folded_text).replace("'", " ")
    return folded_text, starts, ends


def _is_latin_word_char(ch: str) -> bool:
    return ch.isalnum() and not _is_cjk_term(ch)


def _normalised_terms(terms) -> list[str]:
    if not terms or isinstance(terms, str):
        return []
    out: list[str] = []
    for term in terms:
        if isinstance(term, str):
            for t in query_terms(term):
                if t not in out:
                    out.append(t)
    return out


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The [start, end) code point spans of the original text that highlight() marks, merged."""
    norm = _normalised_terms(terms)
    if not text or not norm:
        return []
    folded, starts, ends = _folded_map(text)
    spans: list[tuple[int, int]] = []
    for term in norm:
        cjk = _is_cjk_term(term)
        p = folded.find(term)
        while p != -1:
            if cjk or p == 0 or not _is_latin_word_char(folded[p - 1]):
                spans.append((starts[p], ends[p + len(term) - 1]))
            p = folded.find(term, p + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def highlighted(text: str, terms: list[str], *, limit: int | None = None) -> list[tuple[str, bool]]:
    """The original text in pieces, each with whether it matches one of ``terms`` (to be marked).

    With ``limit``, only a snippet of about ``limit`` characters around the first match, with a
    "…" piece where it was cut (cut between words when possible, never inside a character cluster).
    Joined, the pieces give the text (or the snippet) back; how to mark them is the caller's.
    """
    if not text:
        return []
    text = _LONE_SURROGATE.sub("\ufffd", text)  # same length; keeps the output encodable
    spans = match_spans(text, terms)
    lo, hi = 0, len(text)
    if limit is not None and len(text) > max(limit, 1):
        lo, hi = _window(text, spans, max(limit, 1))
    pieces: list[tuple[str, bool]] = [("\u2026", False)] if lo > 0 else []
    pos = lo
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    pieces.append((text[pos:hi], False))
    if hi < len(text):
        pieces.append(("\u2026", False))
    return [(piece, marked) for piece, marked in pieces if piece]


# --- snippets --------------------------------------------------------------------------------

_SNAP = 16  # how far a cut may move to fall between words


def _is_regional_indicator(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _can_cut(text: str, i: int) -> bool:
    """True when cutting text at i keeps every user-perceived character whole."""
    if i <= 0 or i >= len(text):
        return True
    before, ch = text[i - 1], text[i]
    if _continues_cluster(ch) or ch == "\u200d" or before == "\u200d":
        return False
    if "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff" or "\U000e0000" <= ch <= "\U000e01ef":
        return False  # variation selectors, skin tones, tag characters
    if "\ud800" <= before <= "\udbff" and "\udc00" <= ch <= "\udfff":
        return False
    if before == "\r" and ch == "\n":
        return False
    if _is_regional_indicator(before) and _is_regional_indicator(ch):
        k = i - 1
        while k >= 0 and _is_regional_indicator(text[k]):
            k -= 1
        return (i - 1 - k) % 2 == 0  # an even count before: between two flags
    return True


def _window(text: str, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """[lo, hi) of about ``limit`` characters around the first match."""
    n = len(text)
    first_start, first_end = spans[0] if spans else (0, 0)
    first_end = min(first_end, first_start + limit)
    lead = (limit - (first_end - first_start)) // 3
    lo = max(0, min(first_start - lead, n - limit))
    hi = min(n, lo + limit)

    if lo > 0:  # start just after a space if one is near (and before the match)
        for k in range(lo, min(lo + _SNAP, first_start + 1)):
            if text[k - 1].isspace() and not text[k].isspace():
                lo = k
                break
        while lo < first_start and not _can_cut(text, lo):
            lo += 1
        while lo > 0 and not _can_cut(text, lo):
            lo -= 1
    if hi < n:  # end at a space if one is near (and after the match)
        for k in range(hi, max(hi - _SNAP, first_end) - 1, -1):
            if text[k].isspace():
                hi = k
                break
        while hi > first_end and not _can_cut(text, hi):
            hi -= 1
        while hi < n and not _can_cut(text, hi):
            hi += 1
    while hi > lo and hi < n and text[hi - 1].isspace():
        hi -= 1
    while lo < hi and lo > 0 and text[lo].isspace():
        lo += 1
    return lo, hi
