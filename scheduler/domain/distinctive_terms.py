"""The words that set a pattern's comments apart: what the angry refund requests by email say that the
other interactions do not.

A comment's terms are found the way theme matching and the style guide's search see text (``text.fold``:
case, accents and French elisions gone, so "Remboursé", "rembourse" and "l'remboursé" are one term;
links, @mentions, #tags and emoji set aside), and Chinese, written without spaces, is cut into
overlapping character bigrams ("我要退款" → 我要 要退 退款), as the search index cuts it: any
two-character word inside is found without a dictionary. Short function words of English and French
and bigrams made only of Chinese particles are left out; numbers too.

Each term is scored by Dunning's log-likelihood ratio G² over the 2 × 2 table of comments: those of the
pattern with and without the term, the others of the window with and without it. Counting comments,
not occurrences, keeps one long rant from making a term. Only terms more frequent in the pattern than
elsewhere are kept, and only those found in at least ``min_comments`` comments; the best ``top`` come
first. A bigram that names exactly the same comments as a better one it overlaps (要退 beside 退款) is
the same word seen through a shifted window: it is left out.

Each term carries the ids of the pattern's comments containing it, and the form people wrote most
often (the display form: "remboursé", not the folded "rembourse").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scheduler.domain.search_text import index_text
from scheduler.domain.text import fold, is_cjk, message_text

STOPWORDS = frozenset(
    # English
    "a about after again all also am an and any are as at be because been before being but by can could did do "
    "does doing don down for from get got had has have having he her here him his how i if in into is it its "
    "just me more most my no nor not now of off on once only or other our out over own same she should so some "
    "still such than that the their them then there these they this those through to too under until up very "
    "was we were what when where which while who why will with would you your yours ll ve re "
    "didn doesn isn wasn won haven aren "
    # French (folded: no accents)
    "ai au aux avec avez avons c ca ce ces cet cette dans de des du elle elles en est et etait etre eu il "
    "ils je la le les leur lui ma mais me meme mes moi mon ne nos notre nous on ont ou par pas pour qu que qui "
    "sa se ses si son sont sur ta te tes toi ton tu un une vos votre vous y tres plus bien fait faire".split()
)
# Chinese particles and pronouns: a bigram made only of these says nothing of its own
CJK_FUNCTION = frozenset("的了是我你他她它们在和也都就这那个吗呢吧啊把被给么")
_DIGITS = re.compile(r"\d+")
_RAW_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ELIDED = re.compile(r"^(?:jusqu|lorsqu|puisqu|qu|[ldjnscmt])['’]", re.IGNORECASE)


def comment_terms(text: str) -> frozenset[str]:
    """The distinct terms of one comment, folded, without function words or numbers."""
    terms = set()
    for token in index_text(message_text(text or "")).split():
        if is_cjk(token[0]):
            if all(ch in CJK_FUNCTION for ch in token):
                continue
        elif len(token) < 2 or token in STOPWORDS or _DIGITS.fullmatch(token):
            continue
        terms.add(token)
    return frozenset(terms)


def surface_forms(text: str) -> dict[str, str]:
    """Folded term → how this comment writes it (lower case, accents kept, elision cut)."""
    forms = {}
    for raw in _RAW_WORD.findall(text or ""):
        if any(is_cjk(ch) for ch in raw):
            continue
        word = _ELIDED.sub("", raw.lower())
        folded = fold(word)
        if folded and " " not in folded:
            forms.setdefault(folded, word)
    return forms


@dataclass
class TermCounts:
    """In how many comments each term appears, out of ``comments``."""

    comments: int = 0
    docs: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, term_sets: Iterable[frozenset[str]]) -> TermCounts:
        counts = cls()
        for terms in term_sets:
            counts.comments += 1
            counts.docs.update(terms)
        return counts

    def minus(self, other: TermCounts) -> TermCounts:
        """These counts without ``other``'s comments (which must be among them)."""
        docs = Counter(self.docs)
        docs.subtract(other.docs)
        return TermCounts(max(0, self.comments - other.comments), +docs)


@dataclass(frozen=True)
class Term:
    term: str  # folded, as matched
    shown: str  # as people wrote it most often
    g2: float
    in_pattern: int  # comments of the pattern containing it
    in_reference: int  # other comments of the window containing it
    comment_ids: tuple[int, ...]


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² of the 2 × 2 table [[a, b], [c, d]] (rows: pattern, reference; columns: with, without
    the term): 2 Σ O ln(O / E), 0 for an empty table."""
    total = a + b + c + d
    if total == 0:
        return 0.0
    rows, columns = (a + b, c + d), (a + c, b + d)
    g2 = 0.0
    for observed, row, column in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        if observed:
            expected = rows[row] * columns[column] / total
            g2 += observed * math.log(observed / expected)
    return max(0.0, 2 * g2)


def distinctive_terms(
    pattern: Sequence[tuple[int, str]],
    reference: TermCounts,
    *,
    top: int = 10,
    min_comments: int = 2,
) -> list[Term]:
    """The pattern's comments' (id, text) against the other comments of the window (``reference``):
    the ``top`` terms by G², over-represented in the pattern and in at least ``min_comments`` of them."""
    holding: dict[str, list[int]] = {}
    forms: dict[str, Counter] = {}
    for comment_id, text in pattern:
        for term in comment_terms(text):
            holding.setdefault(term, []).append(comment_id)
        for folded, written in surface_forms(text).items():
            forms.setdefault(folded, Counter())[written] += 1
    n = len(pattern)
    scored = []
    for term, ids in holding.items():
        a = len(ids)
        c = min(reference.docs.get(term, 0), reference.comments)
        if a < min_comments or a / n <= (c / reference.comments if reference.comments else 0.0):
            continue
        g2 = log_likelihood(a, n - a, c, reference.comments - c)
        shown = forms[term].most_common(1)[0][0] if term in forms else term
        scored.append(Term(term, shown, g2, a, c, tuple(ids)))
    scored.sort(key=lambda t: (-t.g2, -t.in_pattern, t.term))
    kept: list[Term] = []
    for candidate in scored:
        if len(kept) >= top:
            break
        if not any(_same_word(candidate, better) for better in kept):
            kept.append(candidate)
    return kept


def _same_word(bigram: Term, better: Term) -> bool:
    """Two overlapping CJK bigrams found in the very same comments: one word, seen twice."""
    a, b = bigram.term, better.term
    return (
        len(a) == len(b) == 2
        and is_cjk(a[0])
        and is_cjk(b[0])
        and (a[0] == b[1] or a[1] == b[0])
        and set(bigram.comment_ids) == set(better.comment_ids)
    )
