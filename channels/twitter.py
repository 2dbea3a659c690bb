"""X / Twitter: weighted length per twitter-text v3 (links 23, CJK and emoji 2), threads on demand.

In a thread, a line of three dashes ("---") is a cut the author chose: each part starts a tweet, and a
part too long for one is split further. Adapting an article uses it: headline and link, then one
key sentence per tweet."""
import re
from functools import lru_cache

from twitter_text import parse_tweet

from .base import Channel, Draft, Length, Media, PostContent, Problem, WARNING, media_count_problems
from .registry import register
from .shaping import URL, attachments_for, key_sentences, media_extra, media_of, plain_text, sentences, shorten

MAX_WEIGHTED = 280
LONG_THREAD = 25
MEDIA_MAX = 4
KEY_SENTENCES = (2, 4)  # an article's thread: the headline tweet, then this many sentences
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


def link_to_add(post: PostContent) -> str:
    """The post's link, unless the text already carries it (then it stays where the author put it)."""
    return post.link if post.link and post.link not in post.body else ""


def full_text(post: PostContent) -> str:
    return " ".join(part for part in (post.body.strip(), link_to_add(post)) if part)


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
            glue, word = "", word[len(piece):]
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
        count = _most_that_fit(len(units) - start,
                               lambda n: fits(_joined(units[start:start + n]), room)) or 1
        parts.append(_joined(units[start:start + count]))
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
        if len(parts) < 10 ** digits:
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


class Twitter(Channel):
    name = "twitter"
    label = "X / Twitter"
    limits = {"weighted_length": MAX_WEIGHTED, "url_length": 23}
    extra_fields = {"thread": bool, "media": Media}
    feed_content_type = "text"

    def render(self, post):
        """{"tweets": [...]}, plus "media" ([{"url", "type", "alt"}], for the first tweet) when attached."""
        text = full_text(post)
        if post.extra.get("thread") and (not fits(text) or len(hand_cuts(post.body)) > 1):
            tweets = split_thread(post.body, link_to_add(post))
        else:
            tweets = [text]
        payload = {"tweets": tweets}
        if media_of(post.extra):
            payload["media"] = media_of(post.extra)
        return Draft(self.name, payload, "\n\n".join(tweets))

    def check(self, post, draft):
        tweets = draft.payload["tweets"]
        longest = max(weighted_length(t) for t in tweets)
        problems = []
        if not post.body.strip():
            problems.append(Problem("empty", "write something: the tweet is empty", field="body"))
        elif longest > MAX_WEIGHTED:
            problems.append(Problem(
                "too_long", f"{longest - MAX_WEIGHTED} weighted characters over the limit of {MAX_WEIGHTED} "
                            "(links count 23, Chinese characters and emoji 2): shorten it or turn on thread",
                field="body", start=first_overflow(tweets[0]), end=len(tweets[0])))
        if len(tweets) > LONG_THREAD:
            problems.append(Problem("long_thread", f"a thread of {len(tweets)} tweets is hard to read",
                                    severity=WARNING, field="body"))
        problems += media_count_problems(draft.payload.get("media", []), MEDIA_MAX, self.label)
        return Length(longest, MAX_WEIGHTED, "weighted characters"), problems

    def adapt(self, source):
        """The source's headline with its link: the tweet that sends readers to it. An article with
        something to say becomes a thread: that tweet, then its key sentences, one a tweet."""
        headline = source.title or " ".join(sentences(source.body)) or plain_text(source.body)
        room = " " + source.link if source.link else ""
        keys = key_sentences(source.body, KEY_SENTENCES[1], skip=source.title) if source.channel == "blog" else []
        extra = media_extra(attachments_for(source.extra, source.link, MEDIA_MAX))
        if len(keys) >= KEY_SENTENCES[0]:
            numbering = " 9/9"
            tweets = [shorten(headline, lambda t: fits(t + room + numbering))]
            tweets += [shorten(key, lambda t: fits(t + numbering)) for key in keys]
            text, extra["thread"] = "\n---\n".join(tweets), True
        else:
            text = shorten(headline, lambda t: fits(t + room))
        return PostContent(channel=self.name, body=text, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at, extra=extra)


register(Twitter)
