"""Link cards for the previews: the title, description and picture a network shows under a post's link.

The browser never fetches an outside page for a preview (the CSP says so, and a draft's link may name
an intranet). The server reads the page's head, through the guarded outbound path every fetch of an
address a person typed takes (``scheduler.infra.outbound``: the address guard, a deadline, a size cap),
never in a web request: a preview asks for the card, and on a miss gets the link's domain alone, said
as such, while a worker reads the page (``request``, job ``fetch_link_card``). The card is kept in
Redis for a day (a page that could not be read, for ten minutes), shared by every process; the
editor's preview asks again a few seconds later and shows it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from redis.exceptions import RedisError

from scheduler.domain.language import N_, _
from scheduler.domain.links import web_link
from scheduler.domain.open_graph import read_card
from scheduler.infra.outbound.client import fetch
from scheduler.infra.outbound.errors import FetchError
from scheduler.infra.queue import FETCH_LINK_CARD
from scheduler.services import runtime

log = logging.getLogger(__name__)

KEEP_SECONDS, KEEP_FAILURE_SECONDS, ASKED_SECONDS = 24 * 3600, 600, 60
FETCH_SECONDS, FETCH_BYTES = 5.0, 512 * 1024  # a page's head is in its first few kilobytes
READ, PENDING, UNREAD, DOMAIN_ONLY = "read", "pending", "unread", "domain"


@dataclass(frozen=True)
class LinkCard:
    url: str
    domain: str
    state: str  # read | pending (a worker is reading it) | unread (it could not be) | domain (Redis away)
    title: str = ""
    description: str = ""
    image: str = ""
    site_name: str = ""
    note: str = ""  # why only the domain is shown

    def to_dict(self) -> dict:
        return asdict(self)


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def card(url: str) -> LinkCard | None:
    """The card of ``url`` as far as it is known now (None: not a web address); a miss asks a worker
    to read the page."""
    url = web_link(url)
    if not url:
        return None
    domain = domain_of(url)
    try:
        connection = runtime.queues().connection
        kept = connection.get(_key(url))
    except (RedisError, OSError):
        return LinkCard(
            url, domain, DOMAIN_ONLY, note=_("only the domain is shown: the page's card cannot be read now")
        )
    if kept is not None:
        found = json.loads(kept)
        if found.get("note"):  # kept by a worker, in English: a note without a value reads in the reader's language
            found["note"] = _(found["note"])
        return LinkCard(url, domain, **{k: v for k, v in found.items() if k in _STORED})
    if not request(url):
        return LinkCard(
            url, domain, DOMAIN_ONLY, note=_("only the domain is shown: the page's card cannot be read now")
        )
    return LinkCard(
        url, domain, PENDING, note=_("only the domain for now: the page's title and picture are being read")
    )


CANNOT_READ_NOW = N_("only the domain is shown: the page's card cannot be read now")
_STORED = ("state", "title", "description", "image", "site_name", "note")


def request(url: str) -> bool:
    """Asks a worker to read the page, once a minute at most per link; False when Redis is away."""
    queues = runtime.queues()
    try:
        if not queues.connection.set(queues.key(f"link-card-asked:{_digest(url)}"), "1", nx=True, ex=ASKED_SECONDS):
            return True
        queues.library.enqueue(
            FETCH_LINK_CARD,
            url,
            job_id=f"link-card-{_digest(url)[:24]}",
            job_timeout=60,
            result_ttl=600,
            failure_ttl=24 * 3600,
            description=f"read the card of {url[:200]}",
        )
        return True
    except Exception as error:  # noqa: BLE001 - whatever keeps Redis away, the preview shows the domain
        log.warning("could not ask for the card of %s: %s", url, error)
        return False


def read_and_keep(url: str) -> str:
    """The worker's part: the page's head read through the guard, its card kept. Returns what happened."""
    url = web_link(url)
    if not url:
        return "not a web address"
    try:
        fetched = fetch(url, allow=runtime.settings().fetch_allow, timeout=FETCH_SECONDS, max_bytes=FETCH_BYTES)
    except FetchError as error:
        return _keep(
            url,
            {
                "state": UNREAD,
                "note": _("only the domain is shown: the page could not be read (%(error)s)", error=error),
            },
        )
    kind = (fetched.content_type or "").split(";")[0].strip().lower()
    if fetched.status != 200 or kind not in ("text/html", "application/xhtml+xml"):
        if fetched.status != 200:
            note = _("only the domain is shown: it answered %(status)s, not a page with a card", status=fetched.status)
        elif kind:
            note = _("only the domain is shown: it is %(type)s, not a page with a card", type=kind)
        else:
            note = _("only the domain is shown: it is not a page, not a page with a card")
        return _keep(url, {"state": UNREAD, "note": note})
    found = read_card(_text(fetched.content, fetched.content_type), fetched.url)
    if not (found["title"] or found["description"] or found["image"]):
        return _keep(url, {"state": UNREAD, "note": N_("only the domain is shown: the page names no title")})
    return _keep(url, {"state": READ, **found})


def _keep(url: str, card_fields: dict) -> str:
    ttl = KEEP_SECONDS if card_fields["state"] == READ else KEEP_FAILURE_SECONDS
    try:
        runtime.queues().connection.set(_key(url), json.dumps(card_fields, ensure_ascii=False), ex=ttl)
    except (RedisError, OSError) as error:
        log.warning("could not keep the card of %s: %s", url, error)
    return card_fields["state"]


def _text(content: bytes, content_type: str) -> str:
    charset = ""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return content.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return content.decode("cp1252", errors="replace")


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _key(url: str) -> str:
    return runtime.queues().key(f"link-card:{_digest(url)}")
