"""A post as an app.bsky.feed.post record in the account's repository, made once.

Its record key is derived from the post's idempotency key (``record_key``): every attempt at one post
names the same record, which the PDS will not create twice (the reference PDS answers the second
create with a 500), so a failed or unanswered create is settled by reading that record back
(com.atproto.repo.getRecord). What is found there is taken for this post only if it is this post: the
record carries the post's identity mark (``MARK``, "refrain-post-<id>", the same text as the
idempotency key) and the same text. A record without the mark (one written by hand, by another
client, or by a Refrain from before the mark) is never taken for it and never touched, and one with
the mark but another text (the post was edited after an attempt whose answer was lost, or another
Refrain's post of the same number) is reported rather than guessed at.

The key depends on the post's id alone, so two Refrains posting to one account can give the same key
to their posts of the same number: the second is then refused as above, unless the texts are the
same, when what it wanted is already there.
"""

import hashlib
from datetime import datetime, timezone

from channels.base import DeliveryFailure, Outcome
from channels.bluesky.richtext import with_dids
from channels.bluesky.session import BlueskySession, xrpc_error
from channels.shaping import before_publishing, fetch_image
from scheduler.domain.language import _

POST_COLLECTION = "app.bsky.feed.post"
MARK = "refrainPost"  # a field of our own in the record: lexicons let records carry fields they don't define
IMAGE_MAX_BYTES = 1_000_000  # app.bsky.embed.images: maxSize
# record keys of posts are TIDs: 13 characters of base32-sortable, a timestamp in microseconds and a clock id
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_EPOCH = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds
TID_SPAN = 365 * 24 * 3600 * 1_000_000


def record_key(idempotency_key: str) -> str:
    """A TID (the record key a post must have) that only this key gives: every attempt at one post
    names the same record. Its timestamp lies within 2023 (a record key's time is not the post's
    time: createdAt is), its clock id also comes from the key's hash."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    micros = TID_EPOCH + int.from_bytes(digest[:8], "big") % TID_SPAN
    value = (micros << 10) | (int.from_bytes(digest[8:10], "big") & 0x3FF)
    characters = []
    for _step in range(13):
        characters.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(characters))


def now() -> str:
    """createdAt as the AT Protocol's clients write it: UTC, milliseconds, a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def publish(session: BlueskySession, payload: dict, media: list[dict], identity: str) -> Outcome:
    """Mentions resolved, pictures uploaded as blobs, then the record created under its key."""
    record = {"$type": POST_COLLECTION, "text": payload["text"], "createdAt": now()}
    found_facets = with_dids(payload.get("facets") or [], lambda handle: resolve(session, handle))
    if found_facets:
        record["facets"] = found_facets
    if payload.get("langs"):
        record["langs"] = list(payload["langs"])
    if media:
        record["embed"] = {
            "$type": "app.bsky.embed.images",
            "images": [{"alt": item.get("alt") or "", "image": upload(session, item)} for item in media],
        }
    if identity:
        record[MARK] = identity
    uri, message = create(session, record, record_key(identity) if identity else "")
    return Outcome.published(remote_id=uri, url=post_url(session, uri), message=message)


def resolve(session: BlueskySession, handle: str) -> str:
    """com.atproto.identity.resolveHandle: the DID, or "" for a handle nobody has."""
    with before_publishing(_("looking up @%(handle)s", handle=handle)):
        response = session.exchange("GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
        if response.status == 400:
            return ""  # "Unable to resolve handle"
        if response.status >= 300:
            raise DeliveryFailure(session.refusal(response))
        answer = response.json()
    did = answer.get("did") if isinstance(answer, dict) else None
    return did if isinstance(did, str) and did.startswith("did:") else ""


def upload(session: BlueskySession, item: dict) -> dict:
    """com.atproto.repo.uploadBlob with the picture's bytes; the blob to put in the embed."""
    data, kind = fetch_image(session.http, item, IMAGE_MAX_BYTES, "Bluesky")
    with before_publishing(_("uploading the image %(url)s to Bluesky", url=item["url"])):
        answer = session.call("POST", "com.atproto.repo.uploadBlob", body=data, content_type=kind).json()
    blob = answer.get("blob") if isinstance(answer, dict) else None
    if not isinstance(blob, dict):
        raise DeliveryFailure(Outcome.retry(_("uploading the image %(url)s to Bluesky gave no blob", url=item["url"])))
    return blob


def create(session: BlueskySession, record: dict, rkey: str) -> tuple[str, str]:
    """com.atproto.repo.createRecord; the record's at:// URI, and a word when it was found made."""
    body = {"repo": session.did, "collection": POST_COLLECTION, "record": record}
    if rkey:
        body["rkey"] = rkey
    try:
        response = session.exchange("POST", "com.atproto.repo.createRecord", json=body)
    except DeliveryFailure as failure:  # no answer: made or not, the record under the key tells
        if not rkey or failure.outcome.status != "unconfirmed":
            raise
        return settled(session, record, rkey, failure.outcome, _("its answer was lost, but it is there"))
    if response.status < 300:
        answer = response.json()
        uri = answer.get("uri") if isinstance(answer, dict) else None
        if not isinstance(uri, str) or not uri:
            raise DeliveryFailure(
                Outcome.unconfirmed(
                    _(
                        "Bluesky accepted the post but named no record: check the profile, then mark it "
                        "published or send it again"
                    )
                )
            )
        return uri, ""
    refusal = session.refusal(response)
    if not rkey or refusal.status == "unauthorized" or response.status == 429:
        raise DeliveryFailure(refusal)  # nothing was made
    if "exist" in refusal.message.lower() or "AlreadyExists" in xrpc_error(response):
        refusal = Outcome.retry(
            _(
                "Bluesky says this post's record key %(rkey)s is taken, and the record there "
                "cannot be read now: it will be looked at again",
                rkey=rkey,
            )
        )
    return settled(session, record, rkey, refusal, _("an earlier attempt made it"))


def settled(session: BlueskySession, record: dict, rkey: str, otherwise: Outcome, how: str) -> tuple[str, str]:
    """After a create that failed or went unanswered: the record under the key, if it is this post
    (``MARK`` and text), is the post published; no record there (or none readable) leaves ``otherwise``."""
    found = existing(session, rkey)
    if found is None:
        raise DeliveryFailure(otherwise)
    uri = session_uri(session, rkey)
    where = post_url(session, uri)
    if found.get(MARK) != record.get(MARK):
        raise DeliveryFailure(
            Outcome.rejected(
                _(
                    "a post Refrain did not write for this one is already on Bluesky under its record "
                    "key %(rkey)s (%(where)s); nothing was published and that post was left as it is: "
                    "delete it to send this one, or mark this one published if it is the same",
                    rkey=rkey,
                    where=where,
                )
            )
        )
    if found.get("text") != record["text"]:
        raise DeliveryFailure(
            Outcome.rejected(
                _(
                    "this post is already on Bluesky (%(where)s) from an earlier attempt, with "
                    "another text (it was changed since): check it, then mark this post published, or "
                    "delete that one and send it again",
                    where=where,
                )
            )
        )
    return uri, _("already on Bluesky under this post's record key: %(how)s", how=how)


def existing(session: BlueskySession, rkey: str) -> dict | None:
    """The post record under ``rkey`` (com.atproto.repo.getRecord), or None when there is none or
    the repository cannot be read now."""
    params = {"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey}
    try:
        response = session.exchange("GET", "com.atproto.repo.getRecord", params=params)
        answer = response.json() if response.status == 200 else None
    except DeliveryFailure:
        return None
    value = answer.get("value") if isinstance(answer, dict) else None
    return value if isinstance(value, dict) else None


def session_uri(session: BlueskySession, rkey: str) -> str:
    return f"at://{session.did}/{POST_COLLECTION}/{rkey}"


def post_url(session: BlueskySession, uri: str) -> str:
    return f"https://bsky.app/profile/{session.handle or session.did}/post/{uri.rsplit('/', 1)[-1]}"
