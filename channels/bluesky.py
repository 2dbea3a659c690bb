"""Bluesky: a post of 300 graphemes, with its rich text already marked up as AT Protocol facets.

Bluesky counts grapheme clusters (a family emoji is 1, "e" with a combining accent is 1) and counts
a link in full, as typed. Links, mentions and #hashtags are not found by Bluesky's servers: the
client sends them as facets (app.bsky.richtext.facet) whose byteStart/byteEnd are UTF-8 byte
offsets into the text, so the draft carries them ready. A mention facet needs the account's DID,
which only a network lookup gives (com.atproto.identity.resolveHandle): the draft names the handle,
and live delivery resolves it (a handle that resolves to nobody stays plain text). Only http(s)
addresses become links here; Bluesky's own client also links bare domains ("example.com"), which
needs a list of top-level domains.

Live delivery (``deliver_live``) signs in with an app password, uploads pictures as blobs, and
creates the post record under a record key derived from the post's idempotency key: sending the
same post again names the same record, which the PDS refuses to create twice, and finding it there
means the earlier attempt went out.
"""

import hashlib
from datetime import datetime, timezone

import regex

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
from channels.registry import register
from channels.shaping import (
    GRAPHEME,
    attachments_for,
    before_publishing,
    fetch_image,
    grapheme_count,
    headline_from,
    links_in,
    media_extra,
    media_of,
    refuse_unsupported_media,
    short_post_text,
)

MAX_GRAPHEMES, MEDIA_MAX, TAG_MAX = 300, 4, 64
FACET = "app.bsky.richtext.facet"
# the patterns of Bluesky's reference client (@atproto/api RichText.detectFacets)
MENTION = regex.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)\b")
HANDLE = regex.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$")
INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
TAG = regex.compile(rf"(?:^|(?<=\s))[#＃]((?!\ufe0f)[^\s{INVISIBLE}]*[^\d\s\p{{P}}{INVISIBLE}]+[^\s{INVISIBLE}]*)")
TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
PDS = "https://bsky.social"
POST_COLLECTION = "app.bsky.feed.post"
IMAGE_MAX_BYTES = 1_000_000  # app.bsky.embed.images: maxSize
XRPC = "/xrpc/"
# record keys of posts are TIDs: 13 characters of base32-sortable, a timestamp in microseconds and a clock id
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_EPOCH = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds
TID_SPAN = 365 * 24 * 3600 * 1_000_000


def byte_span(text: str, start: int, end: int) -> dict:
    """Character positions as the UTF-8 byte offsets the AT Protocol indexes by."""
    byte_start = len(text[:start].encode("utf-8"))
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode("utf-8"))}


def facet(text: str, start: int, end: int, feature: dict) -> dict:
    return {"index": byte_span(text, start, end), "features": [{"$type": f"{FACET}#{feature.pop('kind')}", **feature}]}


def link_facets(text: str) -> list[dict]:
    return [facet(text, m.start(), m.end(), {"kind": "link", "uri": m.group(0)}) for m in links_in(text)]


def mention_facets(text: str) -> list[dict]:
    return [
        facet(text, m.start(), m.end(), {"kind": "mention", "handle": m.group(1).lower()})
        for m in MENTION.finditer(text)
        if HANDLE.match(m.group(1))
    ]


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
    for candidate in sorted(
        link_facets(text) + mention_facets(text) + tag_facets(text), key=lambda f: f["index"]["byteStart"]
    ):
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
            problems.append(
                Problem(
                    "too_long",
                    f"{length - MAX_GRAPHEMES} characters over Bluesky's {MAX_GRAPHEMES} (links count in "
                    "full; an emoji or an accented letter counts 1): shorten it",
                    field="body",
                    start=first_overflow(text),
                    end=len(text),
                )
            )
        problems += media_count_problems(draft.payload["media"], MEDIA_MAX, self.label)
        return Length(length, MAX_GRAPHEMES, "characters"), problems

    def adapt(self, source):
        """A post from the source: its headline, as much of its text as fits, its link, its pictures."""
        room = f"\n\n{source.link}" if source.link else ""
        text = short_post_text(
            source.title, source.body, source.link, lambda t: grapheme_count(t + room) <= MAX_GRAPHEMES
        )
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
            "Server (PDS)",
            required=False,
            default=PDS,
            help="Where the account lives: https://bsky.social unless you host your own.",
            kind=ADDRESS,
        ),
        AccountField("handle", "Handle", help="e.g. alice.bsky.social"),
        AccountField(
            "app_password",
            "App password",
            secret=True,
            help="Settings → Privacy and security → App passwords: never your account's own password.",
        ),
    )

    def deliver_live(self, draft, post, context):
        """createSession, resolveHandle per mention, uploadBlob per picture, then createRecord."""
        payload = draft.payload
        media = list(payload.get("media") or [])
        refuse_unsupported_media(media, self.label)
        client = BlueskyClient(context)
        client.sign_in()
        record = {"$type": POST_COLLECTION, "text": payload["text"], "createdAt": _now()}
        found_facets = client.facets_with_dids(payload.get("facets") or [])
        if found_facets:
            record["facets"] = found_facets
        if payload.get("langs"):
            record["langs"] = list(payload["langs"])
        if media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [{"alt": item.get("alt") or "", "image": client.upload(item)} for item in media],
            }
        rkey = record_key(context.idempotency_key) if context.idempotency_key else ""
        uri, message = client.create(record, rkey)
        return Outcome.published(remote_id=uri, url=client.post_url(uri), message=message)


def record_key(idempotency_key: str) -> str:
    """A TID (the record key a post must have) that only this key gives: every attempt at one post
    names the same record. Its timestamp lies within 2023 (a record key's time is not the post's
    time: createdAt is), its clock id also comes from the key's hash."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    micros = TID_EPOCH + int.from_bytes(digest[:8], "big") % TID_SPAN
    value = (micros << 10) | (int.from_bytes(digest[8:10], "big") & 0x3FF)
    characters = []
    for _ in range(13):
        characters.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(characters))


def _now() -> str:
    """createdAt as the AT Protocol's clients write it: UTC, milliseconds, a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyClient:
    """One delivery's exchanges with the account's PDS, under the session its app password opens."""

    def __init__(self, context):
        account = context.account
        self.http = context.http
        self.pds = account.setting("pds", PDS).strip().rstrip("/")
        self.handle = account.setting("handle").strip().lstrip("@")
        self.password = account.secret("app_password")
        self.did = self.access = ""

    def _url(self, method: str) -> str:
        return self.pds + XRPC + method

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.access}"}

    def sign_in(self) -> None:
        """com.atproto.server.createSession: a refusal there is the account's to fix (unauthorized)."""
        if not (self.handle and self.password):
            raise DeliveryFailure(
                Outcome.unauthorized(
                    "the Bluesky account needs its handle and an app password: set them on the Accounts page"
                )
            )
        with before_publishing("signing in to Bluesky"):
            answer = self.http.request(
                "POST",
                self._url("com.atproto.server.createSession"),
                json={"identifier": self.handle, "password": self.password},
            ).json()
        if not isinstance(answer, dict) or not answer.get("accessJwt") or not answer.get("did"):
            raise DeliveryFailure(Outcome.retry("signing in to Bluesky gave no session"))
        self.access, self.did = answer["accessJwt"], answer["did"]
        self.handle = answer.get("handle") or self.handle

    def facets_with_dids(self, draft_facets: list[dict]) -> list[dict]:
        """The draft's facets, each mention's handle replaced by its DID (com.atproto.identity.resolveHandle);
        a handle that resolves to nobody loses its facet and stays plain text."""
        resolved: dict[str, str] = {}
        found = []
        for item in draft_facets:
            features = []
            for feature in item.get("features") or []:
                if feature.get("$type", "").endswith("#mention") and "did" not in feature:
                    handle = feature.get("handle", "")
                    if handle not in resolved:
                        resolved[handle] = self.resolve(handle)
                    if not resolved[handle]:
                        continue
                    feature = {"$type": feature["$type"], "did": resolved[handle]}
                features.append(feature)
            if features:
                found.append({"index": dict(item["index"]), "features": features})
        return found

    def resolve(self, handle: str) -> str:
        try:
            with before_publishing(f"looking up @{handle}"):
                answer = self.http.request(
                    "GET",
                    self._url("com.atproto.identity.resolveHandle"),
                    params={"handle": handle},
                    headers=self._auth(),
                ).json()
        except DeliveryFailure as failure:
            if failure.outcome.status == "rejected":
                return ""  # no such handle (400 "Unable to resolve handle")
            raise
        did = answer.get("did") if isinstance(answer, dict) else None
        return did if isinstance(did, str) and did.startswith("did:") else ""

    def upload(self, item: dict) -> dict:
        """com.atproto.repo.uploadBlob with the picture's bytes; the blob to put in the embed."""
        data, kind = fetch_image(self.http, item, IMAGE_MAX_BYTES, "Bluesky")
        with before_publishing(f"uploading the image {item['url']} to Bluesky"):
            answer = self.http.request(
                "POST", self._url("com.atproto.repo.uploadBlob"), body=data, content_type=kind, headers=self._auth()
            ).json()
        blob = answer.get("blob") if isinstance(answer, dict) else None
        if not isinstance(blob, dict):
            raise DeliveryFailure(Outcome.retry(f"uploading the image {item['url']} to Bluesky gave no blob"))
        return blob

    def create(self, record: dict, rkey: str) -> tuple[str, str]:
        """com.atproto.repo.createRecord; the new record's at:// URI, and a word when an earlier attempt
        had made it. With a record key, a failed or unanswered create is checked against the repository
        (com.atproto.repo.getRecord): the record found there with this text is an earlier attempt that
        went out (a PDS answers a second create of one key with an error saying it exists, or a 500 in
        today's reference PDS), so the post is published, once."""
        body = {"repo": self.did, "collection": POST_COLLECTION, "record": record}
        if rkey:
            body["rkey"] = rkey
        try:
            answer = self.http.request(
                "POST", self._url("com.atproto.repo.createRecord"), json=body, headers=self._auth()
            ).json()
        except DeliveryFailure as failure:
            if not rkey or failure.outcome.status == "unauthorized" or self._last_status() == 429:
                raise
            said_exists = "already exist" in failure.outcome.message.lower()
            existing = self.existing(rkey)
            if existing is None and not said_exists:
                raise
            if existing is not None and existing.get("text") != record["text"]:
                raise DeliveryFailure(
                    Outcome.rejected(
                        f"another post already has this post's record key {rkey} "
                        f"({self.post_url(self.uri(rkey))}) with a different text: check it, then mark this one "
                        "published or delete that one and send it again"
                    )
                ) from None
            return self.uri(rkey), "already published by an earlier attempt (same record key)"
        uri = answer.get("uri") if isinstance(answer, dict) else None
        if not uri:
            raise DeliveryFailure(
                Outcome.unconfirmed(
                    "Bluesky accepted the post but named no record: check the profile, then mark it published or "
                    "send it again"
                )
            )
        return uri, ""

    def _last_status(self) -> int | None:
        log = getattr(self.http, "log", None)
        return log[-1][2] if log else None

    def existing(self, rkey: str) -> dict | None:
        """The post record already under ``rkey`` (com.atproto.repo.getRecord), or None when there is none
        or the repository cannot be read now."""
        try:
            answer = self.http.request(
                "GET",
                self._url("com.atproto.repo.getRecord"),
                headers=self._auth(),
                params={"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey},
            ).json()
        except DeliveryFailure:
            return None
        value = answer.get("value") if isinstance(answer, dict) else None
        return value if isinstance(value, dict) else None

    def uri(self, rkey: str) -> str:
        return f"at://{self.did}/{POST_COLLECTION}/{rkey}"

    def post_url(self, uri: str) -> str:
        return f"https://bsky.app/profile/{self.handle or self.did}/post/{uri.rsplit('/', 1)[-1]}"


register(Bluesky)
