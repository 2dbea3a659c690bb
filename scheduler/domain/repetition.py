"""Repeated messages: posts on one channel, within 14 days, that say the same thing.

"Same" is judged on what the post says, with case, punctuation, links, hashtags and emoji set
aside (text.message_text), or near-duplicates of it (one word changed, words reordered). A post
adapted from another (its adaptation chain, or the same library item reached through another
channel's post) is reuse, not repetition, and is never linked.

To scale to 100k+ posts, each channel's posts are walked in time order: identical texts are found
by hashing, and near-duplicate candidates come from an index of each text's rarest words
(prefix filtering: texts sharing most of their words must share one of those), kept only
for the sliding window. Only those candidates are scored with rapidfuzz.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, OrderedDict, defaultdict
from datetime import timezone
from itertools import chain
from math import ceil
from typing import Iterable

from rapidfuzz import fuzz, process

from .facts import COUNTED_STATUSES, PostFacts
from .text import has_cjk, message_text

SHARED_WORDS = 0.6  # near-duplicates share at least this fraction of their distinct words
MIN_WORDS, MIN_CHARS, MIN_CJK_CHARS = 3, 10, 8  # shorter texts are only compared exactly


def find_repeated_messages(posts: Iterable[PostFacts], window_days: int = 14, threshold: float = 0.88) -> list[dict]:
    """Groups [{channel, post_ids, similarity}] of counted posts repeating a message."""
    posts = list(posts)
    lineage = _Lineage(posts)
    by_channel: dict[str, list[PostFacts]] = defaultdict(list)
    for post in posts:
        if post.status in COUNTED_STATUSES:
            by_channel[post.channel].append(post)
    groups, messages = [], _Messages()
    for channel, channel_posts in by_channel.items():
        entries = sorted((_Entry(p, messages[p.text]) for p in channel_posts), key=lambda e: (e.at, e.post.id))
        groups += _channel_groups(channel, entries, lineage, window_days * 86400, threshold)
    return sorted(groups, key=lambda group: (group["channel"], group["post_ids"][0]))


class _Message:
    """What a text says, and its forms for comparison."""

    __slots__ = ("text", "plain", "reordered", "words")

    def __init__(self, raw: str) -> None:
        self.text = message_text(raw)
        self.plain, self.reordered, self.words = _comparable_forms(self.text)


class _Messages(dict):
    """Each distinct post text normalised once."""

    def __missing__(self, raw: str) -> _Message:
        self[raw] = message = _Message(raw)
        return message


class _Entry:
    """A post on the channel's timeline."""

    __slots__ = ("post", "at", "text", "message")

    def __init__(self, post: PostFacts, message: _Message) -> None:
        self.post, self.message, self.text = post, message, message.text
        at = post.scheduled_at
        self.at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp()


def _comparable_forms(text: str) -> tuple[str | None, str | None, list[str]]:
    """What to score (as written; words sorted) and the words to index. CJK is compared
    character by character; texts too short for fuzzy comparison get None."""
    if has_cjk(text):
        compact = text.replace(" ", "")
        return (compact, None, list(compact)) if len(compact) >= MIN_CJK_CHARS else (None, None, [])
    words = text.split(" ")
    if len(words) < MIN_WORDS or len(text) < MIN_CHARS:
        return None, None, []
    return text, " ".join(sorted(words)), words


def _channel_groups(channel: str, entries: list[_Entry], lineage: "_Lineage", window: float,
                    threshold: float) -> list[dict]:
    linker = _ChannelLinker(entries, lineage, window)
    linker.link_identical()
    linker.link_near(threshold * 100)
    return [
        {"channel": channel, "post_ids": sorted(entries[i].post.id for i in members),
         "similarity": round(similarity, 2)}
        for members, similarity in linker.links.groups()
    ]


class _ChannelLinker:
    """Links the posts of one channel, walked in time order."""

    def __init__(self, entries: list[_Entry], lineage: "_Lineage", window: float) -> None:
        self.entries, self.lineage, self.window = entries, lineage, window
        self.links = _Links(len(entries))
        self.ats = [entry.at for entry in entries]
        self.reuse_seen = False  # until a link is refused as reuse, every found link is made
        self.occurrences: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            if entry.text:
                self.occurrences[entry.text].append(index)

    def within(self, j: int, k: int) -> bool:
        return self.ats[k] - self.ats[j] <= self.window

    def is_reuse(self, j: int, k: int) -> bool:
        reuse = self.lineage.is_reuse(self.entries[j].post, self.entries[k].post)
        self.reuse_seen |= reuse
        return reuse

    def link_identical(self) -> None:
        for same in self.occurrences.values():
            careful = any(self.lineage.involved(self.entries[i].post) for i in same)
            for position, k in enumerate(same):
                self._link_to_earlier(same, position, k, 1.0, exhaustive=careful)

    def link_near(self, cutoff: float) -> None:
        """Link each post to the latest post of each near-duplicate text in its window (the
        earlier posts of that text are linked to that one already)."""
        entries, prefixes = self.entries, _rare_word_prefixes(self.entries)
        # word -> {text: its latest post}, least recent first, so stale ones leave from the front
        recent: dict[str, OrderedDict[str, int]] = defaultdict(OrderedDict)
        latest_of_text: dict[str, int] = {}
        for k, entry in enumerate(entries):
            previous = latest_of_text.get(entry.text)
            latest_of_text[entry.text] = k
            # A text repeated within the window: its links were made from its previous post.
            redundant = previous is not None and self.within(previous, k) and not self.reuse_seen
            candidates = self._index(k, prefixes.get(entry.text, ()), recent, collect=not redundant)
            candidates.discard(previous)  # the same text: linked already
            if candidates:
                others = list(candidates)
                scores = _best_scores(entry.message, [entries[j].message for j in others], cutoff)
                for position, score in scores.items():
                    same_text = self.occurrences[entries[others[position]].text]
                    stop = bisect_right(same_text, others[position])
                    self._link_to_earlier(same_text, stop, k, score / 100, exhaustive=self.reuse_seen)

    def _index(self, k: int, words, recent, collect: bool) -> set[int]:
        """Index post k under its rare words; the posts found there in its window, if collect."""
        ats, text, found = self.ats, self.entries[k].text, set()
        start = ats[k] - self.window
        for word in words:
            latest = recent[word]
            while latest and ats[next(iter(latest.values()))] < start:
                latest.popitem(last=False)
            if collect:
                found.update(latest.values())
            latest[text] = k
            latest.move_to_end(text)
        return found

    def _link_to_earlier(self, same_text: list[int], stop: int, k: int, similarity: float, exhaustive: bool) -> None:
        """Link k to posts same_text[:stop] in its window that it does not reuse: only the
        latest when nothing was refused as reuse, since the others are linked to it."""
        for position in range(stop - 1, -1, -1):
            j = same_text[position]
            if not self.within(j, k):
                return
            if not self.is_reuse(j, k):
                self.links.link(j, k, similarity)
                if not exhaustive:
                    return


def _rare_word_prefixes(entries: list[_Entry]) -> dict[str, list[str]]:
    """For each comparable text, its rarest words: enough that two texts sharing
    SHARED_WORDS of their words share one of them."""
    distinct = {e.text: set(e.message.words) for e in entries if e.message.plain}
    frequency = Counter(chain.from_iterable(distinct.values()))
    rank = {word: r for r, word in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))}
    prefixes = {}
    for text, words in distinct.items():
        keep = len(words) - ceil(SHARED_WORDS * len(words)) + 1
        prefixes[text] = sorted(words, key=rank.__getitem__)[:keep]
    return prefixes


def _best_scores(entry: _Message, others: list[_Message], cutoff: float) -> dict[int, float]:
    """{position in others: best rapidfuzz ratio, as written or words sorted}, for those >= cutoff."""
    plain = [other.plain for other in others]
    best = {i: score for _, score, i in _extract(entry.plain, plain, cutoff)}
    if entry.reordered:  # None choices (CJK texts) are skipped by rapidfuzz
        for _, score, i in _extract(entry.reordered, [other.reordered for other in others], cutoff):
            best[i] = max(score, best.get(i, 0.0))
    return best


def _extract(query: str, choices: list[str | None], cutoff: float):
    return process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)


class _Lineage:
    """Which posts are adaptations of which (reuse, not repetition)."""

    def __init__(self, posts: list[PostFacts]) -> None:
        self.parent = {p.id: p.adapted_from_post_id for p in posts if p.adapted_from_post_id is not None}
        self.item = {p.id: p.source_item_id for p in posts if p.source_item_id is not None}

    @staticmethod
    def involved(post: PostFacts) -> bool:
        return post.adapted_from_post_id is not None or post.source_item_id is not None

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
        item_a, item_b = self._item(chain_a), self._item(chain_b)
        adapted = len(chain_a) > 1 or len(chain_b) > 1
        return item_a is not None and item_a == item_b and adapted

    def _item(self, chain: list[int]) -> int | None:
        return next((self.item[i] for i in chain if i in self.item), None)


class _Links:
    """Union-find over a channel's posts, remembering each group's weakest link."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.weakest: dict[int, float] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def link(self, i: int, j: int, similarity: float) -> None:
        root_i, root_j = self.find(i), self.find(j)
        weakest = min(similarity, self.weakest.pop(root_i, 1.0), self.weakest.pop(root_j, 1.0))
        if root_i != root_j:
            self.parent[root_j] = root_i
        self.weakest[root_i] = weakest

    def groups(self) -> list[tuple[list[int], float]]:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            root = self.find(i)
            if root in self.weakest:  # only roots that were linked
                members[root].append(i)
        return [(found, self.weakest[root]) for root, found in members.items()]
