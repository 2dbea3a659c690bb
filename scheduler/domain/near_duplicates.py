"""Near-duplicate texts, found without comparing every pair: MinHash + LSH for the candidates,
rapidfuzz for the verdict.

Two texts are near-duplicates when their rapidfuzz ratio, as written or with the words sorted, is
at least the cutoff. Chinese, Japanese and Korean are compared character by character; texts too
short to compare fuzzily are left to exact matching.

Candidates come from MinHash + LSH banding over each text's tokens (the start and end of each word,
so a changed ending or a typo changes few of them; character bigrams for CJK), computed with numpy
for all texts at once. Two runs of posts (``repetition``) become candidates when all the rows of one
band of their texts agree, on the same channel, with posts within the window of each other; only
candidates are scored, each pair of texts once.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from rapidfuzz import fuzz, process

from scheduler.domain.text import CJK_CLASS, has_cjk

MIN_WORDS, MIN_CHARS, MIN_CJK_CHARS = 3, 10, 8  # shorter texts are only compared exactly
# LSH: texts become candidates when the 4 min-hashes of one of 32 bands agree. The chance of that
# for two texts sharing a fraction J of their tokens is 1 - (1 - J^4)^32: 99.9% at J = 0.6, 87% at
# J = 0.5; near-duplicates by the threshold rarely share less (one word in ten changed: J ~ 0.8).
BANDS, ROWS = 32, 4  # 4 rows of 16-bit min-hashes make one 64-bit band key
NEIGHBOURS = 6  # in a crowded bucket (a template posted with many variants), each run's candidates
# are its next NEIGHBOURS runs in time in that bucket, so the work stays linear
_SEED = 0x5EED_2031
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_M64 = (1 << 64) - 1


def comparable_form(text: str) -> str | None:
    """What to score: CJK character by character (spaces dropped), other scripts as written. None
    for texts too short for fuzzy comparison."""
    if has_cjk(text):
        compact = text.replace(" ", "")
        return compact if len(compact) >= MIN_CJK_CHARS else None
    words = text.count(" ") + 1  # message_text separates words with single spaces
    return text if words >= MIN_WORDS and len(text) >= MIN_CHARS else None


def _reordered(text: str, plain: str | None) -> str | None:
    """The words sorted, also scored (not for CJK, compared character by character)."""
    return None if plain is None or has_cjk(text) else " ".join(sorted(text.split(" ")))


def pair_scores(
    firsts: list[int], seconds: list[int], texts: list[str], plain: list[str | None], cutoff: float
) -> np.ndarray:
    """Best rapidfuzz ratio of each pair of messages, as written or words sorted (0 below the cutoff)."""
    scores = _ratios([plain[m] for m in firsts], [plain[m] for m in seconds], cutoff)
    reordered = {m: _reordered(texts[m], plain[m]) for m in {*firsts, *seconds}}
    return np.maximum(scores, _ratios([reordered[m] for m in firsts], [reordered[m] for m in seconds], cutoff))


def _ratios(queries: list, choices: list, cutoff: float) -> np.ndarray:
    """rapidfuzz ratio of each pair (0 below the cutoff, or for None)."""
    if hasattr(process, "cpdist"):  # rapidfuzz >= 3.6: the pairs scored in C, on all cores
        return process.cpdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64, workers=-1)
    return np.array(
        [
            fuzz.ratio(q, c, score_cutoff=cutoff) if q is not None and c is not None else 0.0
            for q, c in zip(queries, choices)
        ],
        dtype=np.float64,
    )


# MinHash ---------------------------------------------------------------------------------------


def _word_tokens(word: str) -> list[str]:
    """What a word contributes to its text's token set: its first four letters and its last three
    (so a changed ending or a typo in a long word changes one of them, not the whole word); each
    run of CJK characters, its character bigrams."""
    if word.isascii() or not _CJK_RUN.search(word):
        return [word[:4], "~" + word[-3:]] if len(word) > 4 else [word]
    tokens, last = [], 0
    for run in _CJK_RUN.finditer(word):
        tokens += _word_tokens(word[last : run.start()]) if run.start() > last else []
        chars = run.group()
        tokens += [chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)]
        last = run.end()
    return tokens + (_word_tokens(word[last:]) if last < len(word) else [])


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a stable, well-spread 64-bit hash of 64-bit integers."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def band_keys(texts: list[str]) -> np.ndarray:
    """(len(texts), BANDS) uint64: each text's LSH band keys, from BANDS * ROWS 16-bit
    min-hashes of its token set. Hashes are of the tokens' bytes (crc32), not Python's hash, so
    results do not depend on the interpreter's hash seed."""
    # One split of all the texts (message_text separates words with single spaces), not a list
    # per text: far fewer objects for the garbage collector to walk.
    all_words = " ".join(texts).split(" ")
    word_index = {word: i for i, word in enumerate(dict.fromkeys(all_words))}
    words = np.fromiter(map(word_index.__getitem__, all_words), dtype=np.int64, count=len(all_words))
    words_per_message = np.array([text.count(" ") + 1 for text in texts], dtype=np.int64)

    # Each distinct word's min-hashes: the minimum over its tokens of each permutation's hash.
    token_index: dict[str, int] = {}
    word_tokens, tokens_per_word = [], []
    for word in word_index:
        tokens = _word_tokens(word)
        tokens_per_word.append(len(tokens))
        word_tokens += [token_index.setdefault(token, len(token_index)) for token in tokens]
    base = np.array(
        [zlib.crc32(t.encode()) | zlib.crc32(t.encode(), _SEED) << 32 for t in token_index], dtype=np.uint64
    )
    seeds = _mix(np.arange(1, BANDS * ROWS + 1, dtype=np.uint64) * np.uint64(_SEED))
    token_hashes = (_mix(base[:, None] ^ seeds[None, :]) >> np.uint64(48)).astype(np.uint16)
    starts = np.cumsum(tokens_per_word) - np.array(tokens_per_word)
    word_hashes = np.minimum.reduceat(token_hashes[np.array(word_tokens)], starts, axis=0)

    # Each message's: the minimum over its words, messages of the same length at once.
    signatures = np.empty((len(texts), BANDS * ROWS), dtype=np.uint16)
    message_start = np.cumsum(words_per_message) - words_per_message
    order = np.argsort(words_per_message, kind="stable")
    bounds = np.flatnonzero(np.diff(words_per_message[order])) + 1
    for group in np.split(order, bounds):
        size = int(words_per_message[group[0]])
        step = max(1, (1 << 21) // (size * BANDS * ROWS))
        for chunk in range(0, len(group), step):
            members = group[chunk : chunk + step]
            positions = message_start[members][:, None] + np.arange(size)[None, :]
            signatures[members] = word_hashes[words[positions]].min(axis=1)
    return signatures.view(np.uint64)  # ROWS consecutive uint16 make one band key


def ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + counts[i] - 1, for all i, concatenated."""
    total = int(counts.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def candidate_runs(
    keys: np.ndarray,
    run_message: np.ndarray,
    run_channel: np.ndarray,
    run_start: np.ndarray,
    run_end: np.ndarray,
    window: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of runs (as two index arrays) on the same channel, of different messages with the
    same key in some band, that have posts within the window of each other."""
    runs = len(run_message)
    by_start = np.argsort(run_start, kind="stable")
    rank = np.empty(runs, dtype=np.uint64)
    rank[by_start] = np.arange(runs, dtype=np.uint64)
    # A run's window reaches the runs starting up to its end + window: the highest such rank.
    reach = (np.searchsorted(run_start[by_start], run_end + window + 1.0, side="right") - 1).astype(np.uint64)
    bits = max(1, runs.bit_length())
    low = np.uint64((1 << bits) - 1)
    high = np.uint64(_M64 ^ int(low))
    salt = _mix(np.arange(1, int(run_channel.max()) + 2, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    salted = np.ascontiguousarray((keys[run_message] ^ salt[run_channel][:, None]).T)  # band -> run -> key
    found, size = [], 0
    for key in salted:
        # Sorted by bucket (channel and band key, top bits), then by start: a bucket's runs in time order.
        # The rank in the low bits makes each composite unique and names its run, so sorting the
        # values (much faster than argsort) gives the same order as sorting the runs.
        composite = (key & high) | rank
        ordered = np.sort(composite)
        order = by_start[(ordered & low).astype(np.int64)]
        bucket = ordered & high
        i = np.flatnonzero(bucket[1:] == bucket[:-1])  # runs followed by another in their bucket
        if not len(i):
            continue
        end = np.searchsorted(ordered, bucket[i] | reach[order[i]], side="right")
        count = np.minimum(end - i - 1, NEIGHBOURS)
        keep = count > 0
        i, count = i[keep], count[keep]
        a, b = order[np.repeat(i, count)], order[ragged(i + 1, count)]
        same = (key[a] == key[b]) & (run_channel[a] == run_channel[b]) & (run_message[a] != run_message[b])
        a, b = a[same], b[same]
        found.append(np.minimum(a, b).astype(np.int64) * runs + np.maximum(a, b))
        size += len(a)
        if size > 8 * runs + 2_000_000:  # crowded buckets: drop repeats before they pile up
            found = [distinct(np.concatenate(found))]
            size = len(found[0])
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = distinct(np.concatenate(found))
    return codes // runs, codes % runs


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique, but by sorting, much faster than its hash table here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values
