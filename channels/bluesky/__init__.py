"""Bluesky: a post of 300 graphemes, with its rich text already marked up as AT Protocol facets.

Bluesky counts grapheme clusters (a family emoji is 1, "e" with a combining accent is 1) and counts
a link in full, as typed. Links, mentions and #hashtags go as facets at UTF-8 byte offsets
(``richtext``).

Live delivery signs in with an app password, keeping the session for the next deliveries
(``session``), uploads pictures as blobs, and creates the post record under a record key derived from
the post's idempotency key, marked as the post's own (``records``): sending the same post again names
the same record, and what is found there is taken for the post only when it carries its mark.
"""

from channels import feeds
from channels.base import (
    ADDRESS,
    AccountField,
    Channel,
    DeliveryFailure,
    Draft,
    Length,
    Media,
    Outcome,
    PostContent,
    Problem,
    media_count_problems,
)
from channels.bluesky import records
from channels.bluesky.records import record_key
from channels.bluesky.richtext import facets
from channels.bluesky.session import PDS, BlueskySession
from channels.registry import register
from channels.shaping import (
    GRAPHEME,
    attachments_for,
    grapheme_count,
    headline_from,
    links_in,
    media_extra,
    media_of,
    refuse_unsupported_media,
    short_post_text,
)
from scheduler.domain.language import N_, _

__all__ = ["Bluesky", "facets", "record_key", "MAX_GRAPHEMES"]

MAX_GRAPHEMES, MEDIA_MAX = 300, 4
# app.bsky.feed.post's text is also at most 3000 bytes of UTF-8, which 300 graphemes of joined emoji
# (a family is 25 bytes) pass: the PDS refuses such a record ("string too big")
MAX_BYTES = 3000
LANGS_MAX = 3  # app.bsky.feed.post: langs, maxLength 3


def post_text(post: PostContent) -> str:
    body = post.body.strip()
    return f"{body}\n\n{post.link}".strip() if post.link and post.link not in body else body


def first_overflow(text: str, by_bytes: bool = False) -> int:
    """The index of the first grapheme past the limit: the 300th grapheme, or (``by_bytes``) the one
    that ends past the 3000th byte."""
    size = 0
    for number, match in enumerate(GRAPHEME.finditer(text), start=1):
        size += len(match.group(0).encode("utf-8"))
        if (size > MAX_BYTES) if by_bytes else (number > MAX_GRAPHEMES):
            return match.start()
    return len(text)


def fits(text: str) -> bool:
    return grapheme_count(text) <= MAX_GRAPHEMES and len(text.encode("utf-8")) <= MAX_BYTES


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
            problems.append(Problem("empty", _("write something: the post is empty"), field="body"))
        elif length > MAX_GRAPHEMES:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "%(n)s characters over Bluesky's %(max_graphemes)s (links count in full; an emoji "
                        "or an accented letter counts 1): shorten it",
                        n=length - MAX_GRAPHEMES,
                        max_graphemes=MAX_GRAPHEMES,
                    ),
                    field="body",
                    start=first_overflow(text),
                    end=len(text),
                )
            )
        elif len(text.encode("utf-8")) > MAX_BYTES:
            problems.append(
                Problem(
                    "too_long",
                    _(
                        "too long for Bluesky, which takes at most %(max_bytes)s bytes however few the "
                        "characters: this text is %(count)s (a joined emoji such as a family takes up to "
                        "25, a Chinese character 3): shorten it",
                        max_bytes=MAX_BYTES,
                        count=len(text.encode("utf-8")),
                    ),
                    field="body",
                    start=first_overflow(text, by_bytes=True),
                    end=len(text),
                )
            )
        if len(draft.payload["langs"]) > LANGS_MAX:
            problems.append(
                Problem(
                    "too_many_langs",
                    _(
                        "Bluesky takes at most %(langs_max)s languages for a post (this one has "
                        "%(count)s): keep the main ones",
                        langs_max=LANGS_MAX,
                        count=len(draft.payload["langs"]),
                    ),
                    field="langs",
                )
            )
        problems += media_count_problems(draft.payload["media"], MEDIA_MAX, self.label)
        return Length(length, MAX_GRAPHEMES, "characters"), problems

    def adapt(self, source):
        """A post from the source: its headline, as much of its text as fits, its link, its pictures."""
        room = f"\n\n{source.link}" if source.link else ""
        text = short_post_text(source.title, source.body, source.link, lambda t: fits(t + room))
        return PostContent(
            channel=self.name,
            body=text,
            link=source.link,
            campaign=source.campaign,
            scheduled_at=source.scheduled_at,
            extra=media_extra(attachments_for(source.extra, source.link, MEDIA_MAX)),
        )

    def read_feed_entry(self, entry):
        """A profile's RSS (https://bsky.app/profile/<handle>/rss): untitled items whose description is
        the post's plain text, linking to the post, with the post's at:// URI as guid."""
        text = feeds.summary_of(entry)
        media = feeds.media_of_entry(entry)
        return feeds.content_item(
            entry,
            feeds.social_content_type(media, bool(links_in(text))),
            title=feeds.text_of(entry.get("title")).strip() or headline_from(text),
        )

    account_fields = (
        AccountField(
            "pds",
            N_("Server (PDS)"),
            required=False,
            default=PDS,
            help=N_("Where the account lives: https://bsky.social unless you host your own."),
            kind=ADDRESS,
        ),
        AccountField("handle", N_("Handle"), help=N_("e.g. alice.bsky.social")),
        AccountField(
            "app_password",
            N_("App password"),
            secret=True,
            help=N_("Settings → Privacy and security → App passwords: never your account's own password."),
        ),
    )

    def deliver_live(self, draft, post, context):
        """A session (the saved one, or createSession), then the record (``records.publish``)."""
        payload = draft.payload
        media = list(payload.get("media") or [])
        refuse_unsupported_media(media, self.label)
        session = BlueskySession(context)
        session.open()
        return records.publish(session, payload, media, context.idempotency_key)

    def check_connection(self, context):
        """createSession with the handle and app password (never a saved session: the test is of what
        was entered), the session kept for the next delivery; as whom it signed in."""
        if context.account is None:
            return Outcome.rejected(_("no Bluesky account is connected: connect one on the Accounts page"))
        session = BlueskySession(context)
        try:
            session.open(fresh=True)
        except DeliveryFailure as failure:
            return failure.outcome
        return Outcome.published(
            message=_("connected as @%(handle)s on %(pds)s", handle=session.handle, pds=session.pds)
        )


register(Bluesky)
