"""Mastodon: a status of 500 characters, counted the way Mastodon's own validator counts them.

Mastodon counts user-perceived characters (grapheme clusters), every http(s) link as 23 whatever
its length, a mention of someone on another server by its user name only ("@alice@example.social"
counts as "@alice"), and the content warning (spoiler_text) as part of the same 500. Delivery goes to
the outbox through the base class; posting to an instance is a later task.
"""
import re

from . import feeds
from .base import Channel, Draft, Length, Media, PostContent, Problem, media_count_problems
from .registry import register
from .shaping import (GRAPHEME, attachments_for, grapheme_count, headline_from, links_in, media_extra,
                      media_of, read_html, short_post_text)

MAX_CHARACTERS, URL_WEIGHT, MEDIA_MAX = 500, 23, 4
VISIBILITIES = ("public", "unlisted", "private", "direct")
# Mastodon's Account::MENTION_RE: a user name, optionally followed by @ and the server
MENTION = re.compile(r"(?<![=/\w])@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?:@[\w.-]+\w)?", re.IGNORECASE)


def weighted_pieces(text: str) -> list[tuple[int, int, int]]:
    """(start, end, weight) for each link and mention and for each grapheme between them."""
    special = [(m.start(), m.end(), URL_WEIGHT) for m in links_in(text)]
    special += [(m.start(), m.end(), 1 + grapheme_count(m.group(1))) for m in MENTION.finditer(text)
                if not any(start <= m.start() < end for start, end, _ in special)]
    pieces, position = [], 0
    for start, end, weight in sorted(special):
        pieces += grapheme_pieces(text, position, start)
        pieces.append((start, end, weight))
        position = end
    return pieces + grapheme_pieces(text, position, len(text))


def grapheme_pieces(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    return [(start + m.start(), start + m.end(), 1) for m in GRAPHEME.finditer(text[start:end])]


def status_length(text: str) -> int:
    return sum(weight for _, _, weight in weighted_pieces(text))


def first_overflow(text: str, budget: int) -> int:
    """The index where the text goes past ``budget``."""
    total = 0
    for start, _, weight in weighted_pieces(text):
        total += weight
        if total > budget:
            return start
    return len(text)


def status_text(post: PostContent) -> str:
    body = post.body.strip()
    return f"{body}\n\n{post.link}".strip() if post.link and post.link not in body else body


class Mastodon(Channel):
    name = "mastodon"
    label = "Mastodon"
    limits = {"characters": MAX_CHARACTERS, "url_length": URL_WEIGHT, "media": MEDIA_MAX}
    extra_fields = {"spoiler_text": str, "visibility": str, "media": Media}
    feed_content_type = "text"

    def render(self, post):
        text = status_text(post)
        spoiler = " ".join(str(post.extra.get("spoiler_text") or "").split())
        payload = {"status": text, "spoiler_text": spoiler,
                   "visibility": post.extra.get("visibility") or "public",
                   "media": media_of(post.extra)}
        preview = f"CW: {spoiler}\n\n{text}" if spoiler else text
        return Draft(self.name, payload, preview)

    def check(self, post, draft):
        payload, problems = draft.payload, []
        budget = MAX_CHARACTERS - grapheme_count(payload["spoiler_text"])
        used = status_length(payload["status"])
        if not post.body.strip() and not payload["media"]:
            problems.append(Problem("empty", "write something: the post is empty", field="body"))
        elif used > budget:
            problems.append(Problem(
                "too_long", f"{used - budget} characters over Mastodon's {MAX_CHARACTERS} (every link counts 23, "
                            "and the content warning counts too): shorten it", field="body",
                start=first_overflow(payload["status"], budget), end=len(payload["status"])))
        if payload["visibility"] not in VISIBILITIES:
            problems.append(Problem("invalid_visibility", f"visibility must be one of {', '.join(VISIBILITIES)}",
                                    field="visibility"))
        problems += media_count_problems(payload["media"], MEDIA_MAX, self.label)
        total = used + MAX_CHARACTERS - budget
        return Length(total, MAX_CHARACTERS, "characters"), problems

    def adapt(self, source):
        """A status from the source: its headline, as much of its text as fits, its link, its pictures."""
        room = f"\n\n{source.link}" if source.link else ""
        text = short_post_text(source.title, source.body, source.link,
                               lambda t: status_length(t + room) <= MAX_CHARACTERS)
        return PostContent(channel=self.name, body=text, link=source.link, campaign=source.campaign,
                           scheduled_at=source.scheduled_at,
                           extra=media_extra(attachments_for(source.extra, source.link, MEDIA_MAX)))

    def read_feed_entry(self, entry):
        """A profile's RSS (https://instance/@user.rss): untitled items whose description is the post's
        HTML, and media:content attachments. feedparser keeps only the first media:description of an
        item, without saying which attachment it described, so alt text is kept for one attachment only."""
        html = feeds.summary_of(entry)
        text, anchors = read_html(html)
        media = feeds.media_of_entry(entry)
        descriptions = [c.get("value") for c in entry.get("content") or [] if c.get("type") == "text/plain"]
        if len(media) == 1 and len(descriptions) == 1:
            media[0]["alt"] = " ".join(feeds.text_of(descriptions[0]).split())
        links_out = any(is_outbound(anchor) for anchor in anchors)
        return feeds.content_item(entry, feeds.social_content_type(media, links_out),
                                  title=feeds.text_of(entry.get("title")).strip() or headline_from(text),
                                  summary=html, media=media)


def is_outbound(anchor: dict) -> bool:
    """A link to elsewhere, not one of Mastodon's own mention or hashtag links."""
    return bool(anchor["href"]) and not ({"mention", "hashtag", "u-url"} & set(anchor["class"])) \
        and "tag" not in anchor["rel"]


register(Mastodon)
