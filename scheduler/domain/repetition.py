"""Repeated messages: posts on one channel, within 14 days, that say the same thing.

"Same" is judged on what the post says, with case, punctuation, links, hashtags and emoji set
aside (text.message_text), or near-duplicates of it (one word changed, words reordered): rapidfuzz
ratio, as written or with the words sorted, at least the threshold. Chinese, Japanese and Korean
are compared character by character; texts too short to compare fuzzily only when identical. A post
adapted from another (its adaptation chain, the same library item reached through another channel's
post, or the same idea: posts of one set, ``set_id``, and posts adapted from them) is reuse, not
repetition, and is never linked. Linked posts form groups (connected
components), and a group's similarity is its weakest link.

To scale to 100k+ posts without comparing every pair in a window:
- each distinct text is normalised once, and each distinct word in it once (text.FoldedWords);
- identical texts are found by hashing (posts numbered by text, sorted by channel, text and time);
- near-duplicate candidates come from MinHash + LSH banding (``near_duplicates``), and only
  candidates are scored with rapidfuzz, each pair of texts once;
- links are arrays of (post, post, similarity), and groups their connected components, found with
  numpy; only posts involved in adaptations are walked one by one (to leave out reuse).
A text's posts on a channel are handled as runs (each post within the window of the previous one),
so a text posted daily is one item, not ninety.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timezone

import numpy as np

from scheduler.domain.facts import COUNTED_STATUSES, PostFacts
from scheduler.domain.near_duplicates import band_keys, candidate_runs, comparable_form, pair_scores, ragged
from scheduler.domain.text import FoldedWords, message_text

# Part of the fingerprint of stored results (services.reports): change it whenever a change to this
# module or to near_duplicates can change which groups are found, and every stored result is found
# again.
REPETITION_VERSION = 2  # 2: posts of one set (one idea, many channels) are reuse


WINDOW_DAYS, THRESHOLD = 14, 0.88


@dataclass(frozen=True)
class Links:
    """Which counted posts were linked to which (post ids), and how alike they are: what the groups
    are made of, kept with them so that an edit needs only its neighbourhood searched again
    (``repetition_update``). A text's posts are linked as a chain, each to the previous one in its
    window, so there are about as many links as repeated posts, never one per pair."""

    earlier: np.ndarray  # int64 post ids
    later: np.ndarray
    similarity: np.ndarray  # float64, 1.0 for the same message

    @classmethod
    def none(cls) -> Links:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))

    def __len__(self) -> int:
        return len(self.earlier)


def find_repeated_messages(
    posts: Iterable[PostFacts], window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD
) -> list[dict]:
    """Groups [{channel, post_ids, similarity}] of counted posts repeating a message."""
    return detect(posts, window_days, threshold)[0]


def detect(
    posts: Iterable[PostFacts], window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD
) -> tuple[list[dict], Links]:
    """The groups, and the links they were found from."""
    posts = list(posts)
    counted = [p for p in posts if p.status in COUNTED_STATUSES]
    if len(counted) < 2:
        return [], Links.none()
    timeline = _Timeline(counted, _Lineage(posts), window_days * 86400)
    timeline.link_identical()
    timeline.link_near_duplicates(threshold * 100)
    links = timeline.found()
    return groups_of(links, {p.id: p.channel for p in counted}), links


def repeats_of(
    text: str, others: list[str], threshold: float = THRESHOLD, words: FoldedWords | None = None
) -> list[tuple[int, float]]:
    """Which of ``others`` (posts of the same channel, within the window of the post saying ``text``)
    ``detect`` would link to it: (index, similarity) for the same message (1.0) or a near-duplicate of it.
    One text against a few hundred: scored directly, without the candidates' MinHash a whole quarter needs.
    ``words``: folded words to reuse across calls (``FoldedWords``)."""
    words = FoldedWords() if words is None else words
    said = message_text(text, words)
    if not said:
        return []
    theirs = [message_text(other, words) for other in others]
    found = {index: 1.0 for index, other in enumerate(theirs) if other == said}
    plain = comparable_form(said)
    rest = [index for index in range(len(theirs)) if index not in found and theirs[index]]
    if plain is not None and rest:
        texts = [said] + [theirs[index] for index in rest]
        scores = pair_scores(
            [0] * len(rest), list(range(1, len(texts))), texts, [comparable_form(t) for t in texts], threshold * 100
        )
        found.update((rest[n], round(float(score) / 100, 2)) for n, score in enumerate(scores.tolist()) if score)
    return sorted(found.items())


def groups_of(links: Links, channel_of: Mapping[int, str]) -> list[dict]:
    """The linked posts' connected components, each with its weakest link, in a stable order."""
    if not len(links):
        return []
    ids, position = np.unique(np.concatenate((links.earlier, links.later)), return_inverse=True)
    earlier, later = position[: len(links)], position[len(links) :]
    root = _components(len(ids), earlier, later)
    weakest = np.ones(len(ids))
    np.minimum.at(weakest, root[earlier], links.similarity)
    order = np.argsort(root, kind="stable")
    bounds = np.flatnonzero(np.diff(root[order])) + 1
    groups = [
        {
            "channel": channel_of[int(ids[members[0]])],
            "post_ids": ids[members].tolist(),
            "similarity": round(float(weakest[root[members[0]]]), 2),
        }
        for members in np.split(order, bounds)
    ]
    return sorted(groups, key=lambda group: (group["channel"], group["post_ids"][0]))


class _Messages(dict):
    """Each distinct post text normalised once, and numbered: posts saying the same thing (by
    message_text) get the same number. Posts share most of their words: each distinct word is
    folded once, for all of them (FoldedWords)."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, int] = {}
        self.texts: list[str] = []
        self.words = FoldedWords()

    def __missing__(self, raw: str) -> int:
        text = message_text(raw, self.words)
        number = self.numbers.setdefault(text, len(self.texts))
        if number == len(self.texts):
            self.texts.append(text)
        self[raw] = number
        return number


def _timestamp(at) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp()


class _Timeline:
    """The counted posts in arrays (no object per post: at 100k posts, fewer objects also means
    less work for the garbage collector), and the links found between them.

    A post is known by its position in (channel, time, id) order. Its "text" is the pair (channel,
    message): the posts of one text are a slice of by_text, which sorts them by text, then time."""

    def __init__(self, posts: list[PostFacts], lineage: _Lineage, window: float) -> None:
        self.lineage, self.window, count = lineage, window, len(posts)
        messages, channels = _Messages(), {}
        channel = np.fromiter((channels.setdefault(p.channel, len(channels)) for p in posts), np.int64, count)
        message = np.fromiter((messages[p.text] for p in posts), np.int64, count)
        at = np.fromiter((_timestamp(p.scheduled_at) for p in posts), np.float64, count)
        order = np.lexsort((np.array([p.id for p in posts]), at, channel))
        self.posts = [posts[i] for i in order]
        self.channel, self.message, self.at = channel[order], message[order], at[order]
        self.ats = self.at.tolist()
        self.channel_names, self.texts = list(channels), messages.texts
        self.plain = [comparable_form(text) for text in self.texts]
        involved = np.fromiter((_Lineage.involved(p) for p in self.posts), bool, count)

        self.by_text = np.lexsort((np.arange(count), self.message, self.channel))
        key = self.channel[self.by_text] * len(self.texts) + self.message[self.by_text]
        self.text_start = np.flatnonzero(np.diff(key, prepend=-1))
        self.text_size = np.diff(np.append(self.text_start, count))
        self.text_message = self.message[self.by_text[self.text_start]]
        self.text_careful = np.maximum.reduceat(involved[self.by_text], self.text_start)  # adaptations involved
        self.text_said = np.array([bool(text) for text in self.texts], dtype=bool)[self.text_message]
        self.text_of = np.empty(count, dtype=np.int64)  # post -> its text
        self.text_of[self.by_text] = np.repeat(np.arange(len(self.text_start)), self.text_size)
        # by_text as one sorted array of (text, post), to find a text's latest post before another
        self.text_then_post = self.text_of[self.by_text] * count + self.by_text
        self.links: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.walked: tuple[list[int], list[int], list[float]] = ([], [], [])  # links made one by one

    def _add(self, earlier: np.ndarray, later: np.ndarray, similarity) -> None:
        self.links.append((earlier, later, np.broadcast_to(np.asarray(similarity, dtype=np.float64), earlier.shape)))

    def _same_text_steps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each post after the first of its text: (the previous post, the post, within the window)."""
        earlier, later = self.by_text[:-1], self.by_text[1:]
        same = self.text_of[earlier] == self.text_of[later]
        return earlier, later, same & (self.at[later] - self.at[earlier] <= self.window)

    def _posts(self, text: int) -> list[int]:
        start = self.text_start[text]
        return self.by_text[start : start + self.text_size[text]].tolist()

    def link_identical(self) -> None:
        earlier, later, close = self._same_text_steps()
        text = self.text_of[later]
        # Each post to the previous one of its text (the earlier ones are linked to that one)...
        simple = close & ~self.text_careful[text] & self.text_said[text]
        self._add(earlier[simple], later[simple], 1.0)
        # ...or, where adaptations are involved, to every earlier one in its window it does not reuse.
        for text in np.flatnonzero(self.text_careful & self.text_said & (self.text_size > 1)).tolist():
            same = self._posts(text)
            for position, k in enumerate(same):
                self._walk_back(same, position, k, 1.0)

    def link_near_duplicates(self, cutoff: float) -> None:
        first, second, similarity = self._near_duplicates(cutoff)
        careful = self.text_careful[first] | self.text_careful[second]
        for mine, other in ((first, second), (second, first)):
            self._link_to_latest_earlier(mine[~careful], other[~careful], similarity[~careful])
        for x, y, s in zip(first[careful].tolist(), second[careful].tolist(), similarity[careful].tolist()):
            xs, ys = self._posts(x), self._posts(y)
            for mine, other in ((xs, ys), (ys, xs)):
                for k in mine:
                    self._walk_back(other, bisect_right(other, k), k, s)

    def _link_to_latest_earlier(self, mine: np.ndarray, other: np.ndarray, similarity: np.ndarray) -> None:
        """Link each post of each text in mine to the latest earlier post of the matching text in
        other, if within the window (the other's earlier posts are linked to that one already)."""
        sizes = self.text_size[mine]
        pair = np.repeat(np.arange(len(mine)), sizes)
        later = self.by_text[ragged(self.text_start[mine], sizes)]
        other = other[pair]
        position = np.searchsorted(self.text_then_post, other * len(self.posts) + later) - 1
        found = position >= self.text_start[other]
        earlier, later, pair = self.by_text[position[found]], later[found], pair[found]
        close = self.at[later] - self.at[earlier] <= self.window
        self._add(earlier[close], later[close], similarity[pair[close]])

    def _walk_back(self, same_text: list[int], stop: int, k: int, similarity: float) -> None:
        """Link k to each of same_text[:stop] in its window that it does not reuse."""
        ats, window, (earlier, later, similarities) = self.ats, self.window, self.walked
        for position in range(stop - 1, -1, -1):
            j = same_text[position]
            if ats[k] - ats[j] > window:
                return
            if not self.lineage.is_reuse(self.posts[j], self.posts[k]):
                earlier.append(j)
                later.append(k)
                similarities.append(similarity)

    def _near_duplicates(self, cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, text, similarity) arrays: near-duplicate texts of a channel with posts within the
        window of each other."""
        none = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        # Runs: a text's posts, each within the window of the previous one.
        close = self._same_text_steps()[2]
        head = np.flatnonzero(np.concatenate(([True], ~close)))
        tail = np.append(head[1:], len(self.posts)) - 1
        comparable = np.array([plain is not None for plain in self.plain], dtype=bool)
        keep = comparable[self.message[self.by_text[head]]]
        head, tail = self.by_text[head[keep]], self.by_text[tail[keep]]
        if len(head) < 2:
            return none
        numbers, run_message = np.unique(self.message[head], return_inverse=True)
        a, b = candidate_runs(
            band_keys([self.texts[m] for m in numbers.tolist()]),
            run_message,
            self.channel[head],
            self.at[head],
            self.at[tail],
            self.window,
        )
        # Lengths too far apart for the ratio to reach the cutoff (the sorted words have the same
        # length) rule a pair out at once.
        length = np.array([len(self.plain[m]) for m in numbers.tolist()], dtype=np.float64)[run_message]
        shorter, longer = np.minimum(length[a], length[b]), np.maximum(length[a], length[b])
        possible = 200 * shorter >= cutoff * (shorter + longer) - 1e-6
        a, b = a[possible], b[possible]
        if not len(a):
            return none
        # The same two messages may meet in several runs (or channels): score each pair once.
        size = len(numbers)
        low, high = np.minimum(run_message[a], run_message[b]), np.maximum(run_message[a], run_message[b])
        pairs, where = np.unique(low * size + high, return_inverse=True)
        scores = pair_scores(
            numbers[pairs // size].tolist(), numbers[pairs % size].tolist(), self.texts, self.plain, cutoff
        )[where]
        found = scores >= cutoff
        texts_a, texts_b = self.text_of[head[a[found]]], self.text_of[head[b[found]]]
        codes, first = np.unique(
            np.minimum(texts_a, texts_b) * len(self.text_start) + np.maximum(texts_a, texts_b), return_index=True
        )
        return codes // len(self.text_start), codes % len(self.text_start), scores[found][first] / 100

    def found(self) -> Links:
        """Every link made, by post id."""
        earlier, later, similarity = self.walked
        self._add(np.array(earlier, dtype=np.int64), np.array(later, dtype=np.int64), np.array(similarity))
        earlier, later, similarity = (np.concatenate(column) for column in zip(*self.links))
        ids = np.fromiter((p.id for p in self.posts), np.int64, len(self.posts))
        return Links(ids[earlier], ids[later], np.asarray(similarity, dtype=np.float64))


def _components(size: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Each node's root (the smallest node of its connected component), for the edges given:
    hook the larger root of each edge's ends under the smaller, then flatten, until stable."""
    root = np.arange(size)
    while True:
        a, b = root[first], root[second]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a[apart], b[apart]), np.minimum(a[apart], b[apart]))
        while True:
            flatter = root[root]
            if np.array_equal(flatter, root):
                break
            root = flatter


# Lineage ----------------------------------------------------------------------------------------


class _Lineage:
    """Which posts are adaptations of which (reuse, not repetition)."""

    def __init__(self, posts: list[PostFacts]) -> None:
        self.parent = {p.id: p.adapted_from_post_id for p in posts if p.adapted_from_post_id is not None}
        self.item = {p.id: p.source_item_id for p in posts if p.source_item_id is not None}
        self.set = {p.id: p.set_id for p in posts if p.set_id is not None}

    @staticmethod
    def involved(post: PostFacts) -> bool:
        return post.adapted_from_post_id is not None or post.source_item_id is not None or post.set_id is not None

    def chain(self, post_id: int) -> list[int]:
        """The post and the posts it was adapted from, nearest first."""
        chain, seen = [post_id], {post_id}
        while (parent := self.parent.get(chain[-1])) is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
        return chain

    def is_reuse(self, a: PostFacts, b: PostFacts) -> bool:
        if not (self.involved(a) or self.involved(b)):
            return False
        chain_a, chain_b = self.chain(a.id), self.chain(b.id)
        if a.id in chain_b or b.id in chain_a:
            return True
        if {self.set[i] for i in chain_a if i in self.set} & {self.set[i] for i in chain_b if i in self.set}:
            return True  # the same idea, composed for several channels (and adapted on from there)
        item_a, item_b = self._item(chain_a), self._item(chain_b)
        adapted = len(chain_a) > 1 or len(chain_b) > 1
        return item_a is not None and item_a == item_b and adapted

    def _item(self, chain: list[int]) -> int | None:
        return next((self.item[i] for i in chain if i in self.item), None)
