"""Bluesky: a post of 300 graphemes, with its rich text already marked up as AT Protocol facets.

Bluesky counts grapheme clusters (a family emoji is 1, "e" with a combining accent is 1) and counts
a link in full, as typed. Links, mentions and #hashtags are not found by Bluesky's servers: the
client sends them as facets (app.bsky.richtext.facet) whose byteStart/byteEnd are UTF-8 byte
offsets into the text, so the draft carries them ready. A mention facet needs the account's DID,
which only a network lookup gives (com.atproto.identity.resolveHandle): the draft names the handle,
and live delivery, a later task, resolves it. Only http(s) addresses become links here; Bluesky's
own client also links bare domains ("example.com"), which needs a list of top-level domains.
"""
import regex

from . import feeds
from .base import Channel, Draft, Length, Media, PostContent, Problem, media_count_problems
from .registry import register
from .shaping import (GRAPHEME, attachments_for, grapheme_count, headline_from, links_in, media_extra,
                      media_of, short_post_text)

MAX_GRAPHEMES, MEDIA_MAX, TAG_MAX = 300, 4, 64
FACET = "app.bsky.richtext.facet"
# the patterns of Bluesky's reference client (@atproto/api RichText.detectFacets)
MENTION = regex.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)\b")
HANDLE = regex.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$")
INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
TAG = regex.compile(rf"(?:^|(?<=\s))[#＃]((?!\ufe0f)[^\s{INVISIBLE}]*[^\d\s\p{{P}}{INVISIBLE}]+[^\s{INVISIBLE}]*)")
TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")


def byte_span(text: str, start: int, end: int) -> dict:
    """Character positions as the UTF-8 byte offsets the AT Protocol indexes by."""
    byte_start = len(text[:start].encode("utf-8"))
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode("utf-8"))}


def facet(text: str, start: int, end: int, feature: dict) -> dict:
    return {"index": byte_span(text, start, end), "features": [{"$type": f"{FACET}#{feature.pop('kind')}",
                                                                **feature}]}


def link_facets(text: str) -> list[dict]:
    return [facet(text, m.start(), m.end(), {"kind": "link", "uri": m.group(0)}) for m in links_in(text)]


def mention_facets(text: str) -> list[dict]:
    return [facet(text, m.start(), m.end(), {"kind": "mention", "handle": m.group(1).lower()})
            for m in MENTION.finditer(text) if HANDLE.match(m.group(1))]


def tag_facets(text: str) -> list[dict]:
    found = []
    for match in TAG.finditer(text):
        tag = TRAILING_PUNCTUATION.sub("", match.group(1))
        if tag and grapheme_count(tag) <= TAG_MAX:
            start = match.start()  # the '#' belongs to the facet, not to the tag
            found.append(facet(text, start, match.start(1) + len(tag), {"kind": "tag", "tag": tag}))
    return found


def facets(text: str) -> list[dict]:
    """Links, mentions and hashtags, in the order they appear; none overlaps another."""
    found, taken = [], []
    for candidate in sorted(link_facets(text) + mention_facets(text) + tag_facets(text),
                            key=lambda f: f["index"]["byteStart"]):
        span = (candidate["index"]["byteStart"], candidate["index"]["byteEnd"])
        if not any(span[0] < end and start < span[1] for start, end in taken):
            found.append(candidate)
            taken.append(span)
    return found


def post_text(post: PostContent) -> str:
    body = post.body.strip()
    return f"{body}\n\n{post.link}".strip() if post.link and post.link not in body else body


def first_overflow(text: str) -> int:
    """The index of the first grapheme past the limit."""
    for number, match in enumerate(GRAPHEME.finditer(text), start=1):
        if number > MAX_GRAPHEMES:
            return match.start()
    return len(text)


class Bluesky(Channel):
    name = "bluesky"
    label = "Bluesky"
    limits = {"graphemes": MAX_GRAPHEMES, "media": MEDIA_MAX}
    extra_fields = {"langs": list, "media": Media}
    feed_content_type = "text"

    def render(self, post):
        text = post_text(post)
        langs = [lang.strip() for lang in post.extra.get("langs") or [] if lang.strip()]
        payload = {"text": text, "facets": facets(text), "langs": langs, "media": media_of(post.extra)}
        return Draft(self.name, payload, text)

    def check(self, post, draft):
        text, problems = draft.payload["text"], []
        length = grapheme_count(text)
        if not post.body.strip() and not draft.payload["media"]:
            problems.append(Problem("empty", "write something: the post is empty", field="body"))
        elif length > MAX_GRAPHEMES:
            problems.append(Problem(
                "too_long", f"{length - MAX_GRAPHEMES} characters over Bluesky's {MAX_GRAPHEMES} (links count in "
                            "full; an emoji or an accented letter counts 1): shorten it", field="body",
                start=first_overflow(text), end=len(text)))
        problems += media_count_problems(draft.payload["media"], MEDIA_MAX, self.label)
        return Length(length, MAX_GRAPHEMES, "characters"), problems

    def adapt(self, source):
        """A post from the source: its headline, as much of its text as fits, its link, its pictures."""
        room = f"\n\n{source.link}" if source.link else ""
        text = short_post_text(source.title, source.body, source.link,
                               lambda t: grapheme_count(t + room) <= MAX_GRAPHEMES)
        return PostContent(channel=self.name, body=text, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at,
                           extra=media_extra(attachments_for(source.extra, source.link, MEDIA_MAX)))

    def read_feed_entry(self, entry):
        """A profile's RSS (https://bsky.app/profile/<handle>/rss): untitled items whose description is
        the post's plain text, linking to the post, with the post's at:// URI as guid."""
        text = feeds.summary_of(entry)
        media = feeds.media_of_entry(entry)
        return feeds.content_item(entry, feeds.social_content_type(media, bool(links_in(text))),
                                  title=feeds.text_of(entry.get("title")).strip() or headline_from(text))


register(Bluesky)
