"""A tweet's weighted length per twitter-text v3 (links 23, CJK and emoji 2), and a long text cut into
a thread.

A line of three dashes ("---") is a cut the author chose: each part starts a tweet, and a part too
long for one is split further, at sentences first, then at words, never inside a link."""

import re
from functools import lru_cache

from twitter_text import parse_tweet

from channels.shaping import shorten
from scheduler.domain.links import URL

MAX_WEIGHTED = 280
SENTENCE_GAP = re.compile(r"((?<=[.!?。！？])\s+|(?<=[。！？]))")
THREAD_CUT = re.compile(r"^[ \t]*-{3,}[ \t]*$", re.MULTILINE)


@lru_cache(maxsize=4096)
def parsed(text: str):
    """Cached: a parse costs about a millisecond, and splitting and checking a thread asks again and again."""
    return parse_tweet(text)


def weighted_length(text: str) -> int:
    return parsed(text).weightedLength


def fits(text: str, room: str = "") -> bool:
    return weighted_length(text + room) <= MAX_WEIGHTED


def surely_fits(text: str, room: str) -> bool:
    """A bound that spares a parse (each costs a millisecond): no character weighs more than 2, and a
    link, however short ("a.co"), weighs 23 but holds at least one dot."""
    if len(text) > MAX_WEIGHTED // 2:
        return False
    return 2 * len(text) + 23 * text.count(".") + weighted_length(room) <= MAX_WEIGHTED


def _pieces(sentence: str, glue: str, room: str):
    """(glue, word) pairs; a word longer than a tweet (unspaced Chinese, say) is cut, a link never."""
    for word in sentence.split():
        while word:
            if URL.fullmatch(word) or surely_fits(word, room) or (len(word) <= MAX_WEIGHTED and fits(word, room)):
                yield glue, word
                break
            # no character weighs less than 1, so a tweet's piece lies in the first 280 characters
            piece = shorten(word[:MAX_WEIGHTED], lambda t: fits(t, room), ellipsis="") or word[0]
            yield glue, piece
            glue, word = "", word[len(piece) :]
        glue = " "


def _sentences(text: str):
    """(glue, sentence) pairs: the glue is the space before a sentence, or nothing after a Chinese full stop."""
    chunks = SENTENCE_GAP.split(" ".join(text.split()))
    glue = ""
    for n, chunk in enumerate(chunks):
        if n % 2:
            glue = " " if chunk else ""
        elif chunk:
            yield glue, chunk


def _units(text: str, widest_room: str) -> list[tuple[str, str]]:
    """Whole sentences where one fits in a tweet, else its words: the cuts fall between sentences first."""
    units = []
    for glue, sentence in _sentences(text):
        if surely_fits(sentence, widest_room) or fits(sentence, widest_room):
            units.append((glue, sentence))
        else:
            units.extend(_pieces(sentence, glue, widest_room))
    return units


def _joined(units: list[tuple[str, str]]) -> str:
    return "".join(text if n == 0 else glue + text for n, (glue, text) in enumerate(units))


def _most_that_fit(total: int, fits_count) -> int:
    """Doubling, then halving: a tweet's worth of units costs a few parses, however long the text."""
    low, high = 0, 1
    while high <= total and fits_count(high):
        low, high = high, high * 2
    high = min(high, total + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits_count(middle):
            low = middle
        else:
            high = middle
    return low


def _pack(units: list[tuple[str, str]], link: str, numbering: str) -> list[str]:
    parts, start = [], 0
    while start < len(units):
        room = (f" {link}" if link and not parts else "") + numbering
        count = _most_that_fit(len(units) - start, lambda n: fits(_joined(units[start : start + n]), room)) or 1  # noqa: B023 (called at once)
        parts.append(_joined(units[start : start + count]))
        start += count
    if link:
        parts[:1] = [f"{parts[0]} {link}" if parts else link]
    return parts


def hand_cuts(text: str) -> list[str]:
    """The parts of a thread the author cut with '---' lines (one part when there is none)."""
    return [part for part in THREAD_CUT.split(text) if part.strip()]


def split_thread(text: str, link: str = "") -> list[str]:
    """Tweets of at most 280 weighted characters, cut at the author's '---' lines, then at sentences,
    then words (never inside a link), numbered " 1/3"; ``link`` is added to the first tweet, where
    readers see it."""
    digits = 1
    while True:
        numbering = " " + "9" * digits + "/" + "9" * digits
        widest_room = (f" {link}" if link else "") + numbering
        parts = []
        for number, part in enumerate(hand_cuts(text) or [""]):
            parts += _pack(_units(part, widest_room), link if number == 0 else "", numbering)
        if len(parts) < 10**digits:
            break
        digits += 1
    if len(parts) == 1:
        return parts
    return [f"{part} {n}/{len(parts)}" for n, part in enumerate(parts, start=1)]


def first_overflow(text: str) -> int:
    """Where the text goes past 280, as a Python index (twitter-text counts in UTF-16 units)."""
    units_that_fit = parsed(text).validRangeEnd + 1
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > units_that_fit:
            return index
    return len(text)
