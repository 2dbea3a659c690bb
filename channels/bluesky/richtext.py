"""Rich text as the AT Protocol carries it: facets (app.bsky.richtext.facet) beside the plain text.

Links, mentions and #hashtags are not found by Bluesky's servers: the client sends them as facets
whose byteStart/byteEnd are UTF-8 byte offsets into the text, so the draft carries them ready. A
mention facet needs the account's DID, which only a network lookup gives
(com.atproto.identity.resolveHandle): the draft names the handle, and live delivery puts the DID in
its place (``with_dids``; a handle that resolves to nobody stays plain text). Only http(s) addresses
become links here; Bluesky's own client also links bare domains ("example.com"), which needs a list
of top-level domains.
"""

from collections.abc import Callable

import regex

from channels.shaping import grapheme_count, links_in

TAG_MAX, TAG_MAX_BYTES = 64, 640  # app.bsky.richtext.facet#tag: maxGraphemes, maxLength (UTF-8 bytes)
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
        if tag and grapheme_count(tag) <= TAG_MAX and len(tag.encode("utf-8")) <= TAG_MAX_BYTES:
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


def with_dids(draft_facets: list[dict], resolve: Callable[[str], str]) -> list[dict]:
    """The draft's facets, each mention's handle replaced by its DID (``resolve``, asked once a handle);
    a handle that resolves to nobody ("") loses its facet and stays plain text."""
    resolved: dict[str, str] = {}
    found = []
    for item in draft_facets:
        features = []
        for feature in item.get("features") or []:
            if feature.get("$type", "").endswith("#mention") and "did" not in feature:
                handle = feature.get("handle", "")
                if handle not in resolved:
                    resolved[handle] = resolve(handle)
                if not resolved[handle]:
                    continue
                feature = {"$type": feature["$type"], "did": resolved[handle]}
            features.append(feature)
        if features:
            found.append({"index": dict(item["index"]), "features": features})
    return found
