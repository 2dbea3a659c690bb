"""Repeated messages after an edit, found by searching again only where the edit can change them.

A link joins two posts of one channel within the window (14 days) of each other. When some posts
change (the rollup tells which quarter hours did), a link that can have changed touches a changed
post, and its other end lies within the window of that post. So the stored links are brought up to
date by:

1. dropping the stored links that touch a changed post (as it was, or as it is now);
2. taking, among the posts in the window of a changed quarter hour (the region), the probes: the
   changed posts and the posts a dropped link touched; and the scope: the probes and every post of
   the region that says the same as a probe or shares an LSH band with one (a superset of what the
   full search could link to a probe);
3. replacing the stored links between two posts of the scope by what the full search finds among
   the scope's posts.

A link kept has no changed end, so it still holds; a link of the full search touches a changed post
(then both ends are in the scope), or joins two posts of the scope, or is kept. So the groups are the
full search's, from a search over a few posts instead of the whole plan (``bench report`` checks it at
a million posts, tests/domain/test_repetition_update.py on random edits).

Posts in adaptation chains (lineage) are not handled here: whether two posts are reuse depends on
posts anywhere in the plan, so the caller searches everything again when any are in the region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from scheduler.domain.facts import PostFacts
from scheduler.domain.near_duplicates import BANDS, band_keys, comparable_form
from scheduler.domain.repetition import THRESHOLD, WINDOW_DAYS, Links, detect
from scheduler.domain.text import FoldedWords, message_text


class Said(NamedTuple):
    """What the search around an edit reads of every post of the region: far less than PostFacts,
    for tens of thousands of posts."""

    id: int
    channel: str
    text: str


def relink(
    stored: Links,
    changed: Iterable[int],
    region: Sequence[Said],
    facts_of: Callable[[set[int]], list[PostFacts]],
    window_days: int = WINDOW_DAYS,
    threshold: float = THRESHOLD,
) -> Links:
    """The links of the whole plan now, from the ``stored`` ones, the ids of the ``changed`` posts
    (as they were and as they are) and what the counted posts of the ``region`` say now;
    ``facts_of(ids)`` gives the PostFacts of the few posts searched again."""
    changed_ids = np.fromiter(set(changed), np.int64)
    incident = np.isin(stored.earlier, changed_ids) | np.isin(stored.later, changed_ids)
    region_ids = {p.id for p in region}
    touched = set(stored.earlier[incident].tolist()) | set(stored.later[incident].tolist())
    probes = (touched | set(changed_ids.tolist())) & region_ids
    scope = related(region, probes, threshold)
    _, fresh = detect(facts_of(scope) if scope else [], window_days, threshold)
    scope_ids = np.fromiter(scope, np.int64)
    inside = np.isin(stored.earlier, scope_ids) & np.isin(stored.later, scope_ids)
    keep = ~(incident | inside)
    return Links(
        np.concatenate((stored.earlier[keep], fresh.earlier)),
        np.concatenate((stored.later[keep], fresh.later)),
        np.concatenate((stored.similarity[keep], fresh.similarity)),
    )


def related(posts: Sequence[Said], probes: set[int], threshold: float = THRESHOLD) -> set[int]:
    """The probes, and the posts on a probe's channel that say the same as it (after normalising) or
    share an LSH band with it: every post the full search could score against a probe."""
    if not probes:
        return set()
    words = FoldedWords()
    messages = [message_text(p.text, words) for p in posts]
    channels = {name: n for n, name in enumerate(dict.fromkeys(p.channel for p in posts))}
    channel = np.fromiter((channels[p.channel] for p in posts), np.int64, len(posts))
    is_probe = np.fromiter((p.id in probes for p in posts), bool, len(posts))

    texts = list(dict.fromkeys(messages))
    number = {text: n for n, text in enumerate(texts)}
    message = np.fromiter((number[m] for m in messages), np.int64, len(posts))
    said = channel * len(texts) + message  # (channel, message) as one number
    found = np.isin(said, said[is_probe])

    forms = [comparable_form(text) for text in texts]
    length = np.array([len(form) if form is not None else 0 for form in forms], dtype=np.float64)[message]
    fuzzy = length > 0
    probing = is_probe & fuzzy
    if probing.any():
        # the full search scores two texts only when their lengths allow the cutoff (repetition); a
        # post whose length allows it against no probe of its channel needs no LSH keys
        possible = np.zeros(len(posts), dtype=bool)
        for channel_number in np.unique(channel[probing]).tolist():
            lengths = np.unique(length[probing & (channel == channel_number)])
            shorter, longer = np.minimum(length[:, None], lengths), np.maximum(length[:, None], lengths)
            fits = (200 * shorter >= threshold * 100 * (shorter + longer) - 1e-6).any(axis=1)
            possible |= fuzzy & (channel == channel_number) & fits
        wanted = np.unique(message[possible])
        keys = np.zeros((len(texts), BANDS), dtype=np.uint64)
        keys[wanted] = band_keys([texts[m] for m in wanted.tolist()])
        salt = (channel.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        salted = keys[message] ^ salt[:, None]  # one channel's keys never meet another's
        for band in range(BANDS):
            column = salted[:, band]
            found |= possible & np.isin(column, column[probing])
    return {p.id for p, hit in zip(posts, found.tolist()) if hit} | (probes & {p.id for p in posts})
