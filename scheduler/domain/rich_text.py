"""A post's text as the networks show it: links, hashtags and mentions picked out of the words.

The previews (``services.previews``) highlight what a reader's app would make clickable. Only the
kinds of a span are decided here, never how they look: the text is cut into consecutive pieces whose
concatenation is the text itself, so nothing a person typed is lost or changed by a preview.

What counts, as the networks read it:
- a link: ``http://`` or ``https://`` up to a space or an angle bracket or quote, without the
  punctuation that closes a sentence (``.,;:!?``) or a closing bracket with no opening one in it;
- a hashtag: ``#`` (or the full-width ``＃``) then letters, digits or ``_`` in any script, not
  straight after a letter (``C#``) or an ``&`` (``&#39;``);
- a mention: ``@`` then a name of letters, digits, ``_``, ``.`` or ``-`` (a Bluesky handle is a
  domain), optionally ``@`` and an instance (Mastodon's ``@name@example.social``), not ending in
  ``.`` or ``-``, and not inside an e-mail address.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from scheduler.domain.links import URL

TEXT, LINK, HASHTAG, MENTION = "text", "link", "hashtag", "mention"
_TAG = re.compile(r"(?<![\w&])[#＃](?=\w*[^\W\d])\w+")
_NAME = r"\w(?:[\w.-]*\w)?"
_MENTION = re.compile(rf"(?<![\w&/@.]){'@'}{_NAME}(?:@{_NAME})?")
_CLOSING = ".,;:!?"
_PAIRS = {")": "(", "]": "["}


class Piece(NamedTuple):
    kind: str  # text | link | hashtag | mention
    text: str


def pieces(text: str) -> list[Piece]:
    """The text cut into pieces of one kind each; ``"".join(p.text for p in pieces(t)) == t``."""
    spans = _spans(text)
    found, at = [], 0
    for start, end, kind in spans:
        if start > at:
            found.append(Piece(TEXT, text[at:start]))
        found.append(Piece(kind, text[start:end]))
        at = end
    if at < len(text):
        found.append(Piece(TEXT, text[at:]))
    return found


def first_link(text: str) -> str:
    """The first link in the text ("" when there is none): the one a network makes a card of."""
    for start, end, kind in _spans(text):
        if kind == LINK:
            return text[start:end]
    return ""


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every link, hashtag and mention, in order, none overlapping; links first,
    so a ``#fragment`` or an ``@`` inside a link stays part of it."""
    taken: list[tuple[int, int, str]] = []
    for match in URL.finditer(text):
        end = match.start() + len(_trimmed(match.group()))
        if end > match.start() + len("https://"):
            taken.append((match.start(), end, LINK))
    for pattern, kind in ((_TAG, HASHTAG), (_MENTION, MENTION)):
        for match in pattern.finditer(text):
            if not any(start < match.end() and match.start() < end for start, end, _ in taken):
                taken.append((match.start(), match.end(), kind))
    return sorted(taken)


def _trimmed(url: str) -> str:
    """A link without the sentence's punctuation after it, nor a bracket it did not open."""
    while url:
        last = url[-1]
        if last in _CLOSING:
            url = url[:-1]
        elif last in _PAIRS and url.count(_PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url
