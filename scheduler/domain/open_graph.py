"""What a page says about itself for a link card: its Open Graph (or Twitter card) title, description,
image and site name, read from the ``<meta>`` tags of its head, with ``<title>`` and the plain
description as the fallbacks every network uses.

Pure: the page's HTML in, plain texts out (``services.link_cards`` fetches the page). Only the head
matters, so reading stops at ``<body>``; the texts are cut to what a card shows, and an image is kept
only as an absolute http(s) address (a card's picture is loaded by the reader's browser).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from scheduler.domain.links import web_link

TITLE_MAX, DESCRIPTION_MAX, SITE_MAX = 200, 300, 100
# the properties read, best first for each field
FIELDS = {
    "title": ("og:title", "twitter:title"),
    "description": ("og:description", "twitter:description", "description"),
    "image": ("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"),
    "site_name": ("og:site_name", "application-name"),
}


def read_card(html: str, url: str) -> dict:
    """{"title", "description", "image", "site_name"} of the page at ``url`` ("" where it says nothing)."""
    reader = _Head()
    try:
        reader.feed(html)
        reader.close()
    except _EndOfHead:
        pass
    found = {}
    for name, properties in FIELDS.items():
        found[name] = next((reader.meta[p] for p in properties if reader.meta.get(p)), "")
    found["title"] = found["title"] or reader.title
    found["image"] = web_link(urljoin(url, found["image"])) if found["image"] else ""
    return {
        "title": _cut(found["title"], TITLE_MAX),
        "description": _cut(found["description"], DESCRIPTION_MAX),
        "image": found["image"][:2000],
        "site_name": _cut(found["site_name"], SITE_MAX),
    }


def _cut(text: str, most: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class _EndOfHead(Exception):
    pass


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            raise _EndOfHead
        if tag == "title":
            self._in_title = not self.title
        elif tag == "meta":
            attributes = {name.lower(): value or "" for name, value in attrs}
            key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
            if key in _KNOWN and key not in self.meta:
                self.meta[key] = attributes.get("content", "").strip()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            raise _EndOfHead

    def handle_data(self, data):
        if self._in_title:
            self.title += data


_KNOWN = frozenset(p for properties in FIELDS.values() for p in properties)
