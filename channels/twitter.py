"""X / Twitter: weighted length per twitter-text v3 (links 23, CJK and emoji 2), threads on demand."""
from twitter_text import parse_tweet

from .base import Channel, Draft, Length, PostContent, Problem, WARNING
from .registry import register
from .shaping import URL, shorten

MAX_WEIGHTED = 280
NUMBERING_ROOM = " 99/99"


def weighted_length(text: str) -> int:
    return parse_tweet(text).weightedLength


def fits(text: str, room: str = "") -> bool:
    return weighted_length(text + room) <= MAX_WEIGHTED


def full_text(post: PostContent) -> str:
    body = post.body.strip()
    if post.link and post.link not in body:
        body = f"{body} {post.link}".strip()
    return body


def _pieces(text: str):
    """Words, with any word longer than a tweet (unspaced Chinese, say) cut into tweet-sized pieces."""
    for word in text.split():
        while word and not (URL.fullmatch(word) or fits(word, NUMBERING_ROOM)):
            piece = shorten(word, lambda t: fits(t, NUMBERING_ROOM), ellipsis="") or word[0]
            yield piece
            word = word[len(piece):]
        if word:
            yield word


def split_thread(text: str) -> list[str]:
    """Parts of at most 280 weighted characters, cut between words (never inside a link), numbered."""
    parts, current = [], ""
    for piece in _pieces(text):
        candidate = f"{current} {piece}".strip()
        if current and not fits(candidate, NUMBERING_ROOM):
            parts.append(current)
            candidate = piece
        current = candidate
    if current:
        parts.append(current)
    if len(parts) == 1:
        return parts
    return [f"{part} {n}/{len(parts)}" for n, part in enumerate(parts, start=1)]


class Twitter(Channel):
    name = "twitter"
    label = "X / Twitter"
    limits = {"weighted_length": MAX_WEIGHTED, "url_length": 23}
    extra_fields = {"thread": bool}

    def render(self, post):
        text = full_text(post)
        tweets = split_thread(text) if post.extra.get("thread") and not fits(text) else [text]
        return Draft(self.name, {"tweets": tweets}, "\n\n".join(tweets))

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
                field="body", start=0, end=len(tweets[0])))
        if len(tweets) > 25:
            problems.append(Problem("long_thread", f"a thread of {len(tweets)} tweets is hard to read",
                                    severity=WARNING))
        return Length(longest, MAX_WEIGHTED, "weighted characters"), problems

    def adapt(self, source):
        """A link with its headline: the tweet that sends readers to the source."""
        headline = source.title or source.body
        link = source.link
        room = " " + link if link else ""
        text = shorten(" ".join(headline.split()), lambda t: fits(t + room))
        return PostContent(channel=self.name, body=text, link=link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at)


register(Twitter)
