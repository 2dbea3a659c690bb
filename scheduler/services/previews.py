"""A post as each network shows it: what the preview templates (templates/previews/<channel>.html) need.

Everything is read from the channel's own draft (``adapter.validate(post).draft.payload``), the very
shape that is delivered: the tweets of an X thread, a Mastodon status and its content warning, the
newsletter's sections, the ad's headlines. A preview is plain data (texts cut into links, hashtags and
mentions by ``domain.rich_text``, the images of the grid, the link card); the web shell renders it.
A post that cannot take its channel's shape yet (a blog post without a title) has no draft: the preview
says what is missing instead.

Only X splits a long post into a thread (when the author asks for one). Mastodon and Bluesky take one
status each: a post too long for one is shown as that one status, the part past the network's limit
marked (``over``) and the refusal said (``refused``), since that is what would happen to it; never as
a thread the adapter would not send.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import channels.registry as channel_registry
from channels.base import PostContent
from channels.sanitising import BLOG, render_html
from scheduler.domain import formats
from scheduler.domain.language import N_, _
from scheduler.domain.links import web_link
from scheduler.domain.rich_text import first_link, pieces
from scheduler.services import accounts, link_cards, runtime
from scheduler.services.newsletter.messages import NAME_SLOT, UNSUBSCRIBE_SLOT, render_issue
from scheduler.services.post_checks import content_of

GRID_MOST = 4  # the networks show up to four pictures in a grid; more are counted
# who may see a post: the values stay the networks' own, the reader sees them through these labels
AUDIENCES = {"public": N_("public"), "unlisted": N_("unlisted"), "private": N_("private"), "direct": N_("direct")}


def preview(content: PostContent, with_card: bool = True) -> dict:
    """The preview of ``content`` on its channel: {"channel", "label", "template", "identity", "ready",
    "missing", "problems", ...} and what the channel's template reads (see each ``_<channel>``)."""
    adapter = channel_registry.get(content.channel)
    validation = adapter.validate(content)
    view = {
        "channel": adapter.name,
        "label": adapter.label,
        "template": f"previews/{adapter.name}.html" if adapter.name in SHAPES else "previews/generic.html",
        "identity": identity(adapter.name, adapter.label),
        "ready": validation.draft is not None,
        "missing": next((p.message for p in validation.problems if p.severity == "error"), ""),
        "problems": [p.to_dict() for p in validation.problems],
        "card": None,
    }
    if validation.draft is None:
        return view
    view["refused"] = view["missing"]  # the draft has its shape, but is not sent like this
    payload = validation.draft.payload
    view.update(SHAPES.get(adapter.name, _generic)(payload, content, validation.draft.preview))
    if "texts" in view:
        view.update(_cut(view.pop("texts"), validation.problems))
    if with_card and view.get("card_link") and not view.get("images"):
        found = link_cards.card(view["card_link"])
        view["card"] = {**found.to_dict(), "image": shown_address(found.image)} if found else None
    return view


def of_post(post) -> dict:
    """A saved post's preview, as it would go out now."""
    return preview(content_of(post))


def identity(channel: str, label: str) -> dict:
    """Who the post appears from: the connected account's name and, where the service has one, its handle."""
    account = accounts.for_channel(channel)
    if account is None:
        return {"name": _("Your %(network)s account", network=label), "handle": "", "connected": False}
    settings = account.settings or {}
    handle = str(settings.get("handle") or "").strip().lstrip("@")
    where = urlsplit(str(settings.get("instance") or "")).hostname or ""
    shown = f"@{handle}" if handle else (_("on %(server)s", server=where) if where else "")
    return {"name": account.name, "handle": shown, "connected": True}


def images(media) -> dict:
    """The pictures of a grid: the first four shown, the rest counted. A picture the page may not load
    (a plain http address, refused by the CSP) keeps its place, with its alt text."""
    shown = [
        {"url": shown_address(str(item["url"])), "alt": str(item.get("alt") or "")}
        for item in media or []
        if isinstance(item, dict) and item.get("type", "image") in ("image", "") and str(item.get("url") or "").strip()
    ]
    return {"images": shown[:GRID_MOST], "more_images": max(0, len(shown) - GRID_MOST)}


def shown_address(url: str) -> str:
    """An address a preview may load: https, or a path of this app's own (uploaded media); "" for any
    other (the page's Content-Security-Policy takes pictures from https and from itself only)."""
    url = url.strip()
    public = runtime.settings().public_url.rstrip("/")
    if public and url.startswith(public + "/"):
        url = url[len(public) :]
    if url.startswith("/") and not url.startswith("//") and not any(c.isspace() or ord(c) < 32 for c in url):
        return url
    return url if url[:8].lower() == "https://" and web_link(url) else ""


def _parts(texts) -> list[list]:
    return [pieces(text) for text in texts if str(text).strip()]


def _cut(texts: list[str], problems) -> dict:
    """The statuses as the network shows them ("parts"); a single status (shown even when it has no
    words, under its pictures) too long for the network is cut where its limit falls (the adapter's own
    count: ``Problem.start``), the rest of it marked ("over")."""
    if len(texts) != 1:
        return {"parts": _parts(texts), "over": []}
    text = str(texts[0])
    start = next((p.start for p in problems if p.code == "too_long" and p.start is not None), None)
    if start is None or not 0 <= start < len(text):
        start = len(text)
    return {"parts": [pieces(text[:start])], "over": pieces(text[start:])}


def _card_link(content: PostContent, text: str) -> str:
    return web_link(content.link) or first_link(text)


def _twitter(payload, content, _plain):
    tweets = list(payload.get("tweets") or [])
    return {
        "texts": tweets,
        **images(payload.get("media")),
        "card_link": _card_link(content, tweets[0] if tweets else ""),
    }


def _mastodon(payload, content, _plain):
    """One status: Refrain never splits a Mastodon post (channels/mastodon.py posts one status)."""
    status = payload.get("status", "")
    visibility = payload.get("visibility") or "public"
    return {
        "texts": [status],
        "spoiler": payload.get("spoiler_text") or "",
        "visibility": _(AUDIENCES[visibility]) if visibility in AUDIENCES else visibility,
        **images(payload.get("media")),
        "card_link": _card_link(content, status),
    }


def _bluesky(payload, content, _plain):
    """One post: Refrain never splits a Bluesky post (channels/bluesky/records.py makes one record)."""
    text = payload.get("text", "")
    return {"texts": [text], **images(payload.get("media")), "card_link": _card_link(content, text)}


def _facebook(payload, content, _plain):
    text = payload.get("caption", payload.get("message", ""))
    pictures = [{"url": payload["url"], "type": "image", "alt": ""}] if payload.get("url") else []
    pictures += [item for item in payload.get("photos") or [] if isinstance(item, dict)]
    return {
        "parts": _parts([text]),
        **images(pictures),
        "card_link": web_link(payload.get("link") or "") or _card_link(content, text),
    }


def _pinterest(payload, _content, _plain):
    source = payload.get("media_source") or {}
    link = web_link(payload.get("link") or "")
    return {
        "title": payload.get("title") or "",
        "description": pieces(payload.get("description") or ""),
        **images([{"url": source.get("url", ""), "alt": payload.get("alt_text") or ""}] if source else []),
        "link": link,
        "domain": link_cards.domain_of(link) if link else "",
    }


def _youtube(payload, _content, _plain):
    snippet, status = payload.get("snippet") or {}, payload.get("status") or {}
    privacy = status.get("privacyStatus") or ""
    thumbnail = payload.get("thumbnail") or {}
    return {
        "title": snippet.get("title") or "",
        "description": pieces(snippet.get("description") or ""),
        "tags": list(snippet.get("tags") or []),
        "privacy": _(AUDIENCES[privacy]) if privacy in AUDIENCES else privacy,
        "publish_at": _published_at(status.get("publishAt") or ""),
        **images([{"url": thumbnail.get("url", ""), "alt": thumbnail.get("alt", "")}] if thumbnail else []),
    }


def _published_at(stamp: str) -> str:
    """YouTube's publishAt (RFC 3339, UTC) as the reader's language writes an instant."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return formats.instant(moment if moment.tzinfo else moment.replace(tzinfo=UTC), "UTC")


def _newsletter(payload, _content, _plain):
    """The issue as a subscriber's mail client gets it: the mail's own template, its Markdown cleaned to
    the newsletter's allow-list (always, for a preview shown inside Refrain's pages)."""
    shown = {key: value for key, value in payload.items() if key != "trusted_html"}
    _text, html = render_issue(shown, None)
    html = html.replace(UNSUBSCRIBE_SLOT, "#unsubscribe").replace(NAME_SLOT, "")
    return {
        "subject": payload.get("subject") or "",
        "preheader": payload.get("preheader") or "",
        "html": html,
        "sections": len(payload.get("sections") or []),
        "trusted": bool(payload.get("trusted_html")),
    }


def _blog(payload, _content, _plain):
    matter = payload.get("front_matter") or {}
    markdown = payload.get("markdown") or ""
    if markdown.startswith("---\n"):
        markdown = markdown[4:].partition("\n---\n")[2]
    return {
        "title": matter.get("title") or "",
        "tags": list(matter.get("tags") or []),
        "slug": payload.get("slug") or "",
        "html": render_html(markdown, BLOG),
    }


def _ppc(payload, _content, _plain):
    final_url = web_link(payload.get("final_url") or "")
    path = "/".join(part for part in (payload.get("path1"), payload.get("path2")) if part)
    domain = link_cards.domain_of(final_url) if final_url else ""
    return {
        "headline": " | ".join((payload.get("headlines") or [])[:3]),
        "description": " ".join((payload.get("descriptions") or [])[:2]),
        "display_url": f"{domain}/{path}" if path else domain,
        "headlines": len(payload.get("headlines") or []),
        "descriptions": len(payload.get("descriptions") or []),
    }


def _generic(payload, content, plain):
    return {"parts": _parts([plain]), **images(payload.get("media")), "card_link": _card_link(content, plain)}


SHAPES = {
    "twitter": _twitter,
    "mastodon": _mastodon,
    "bluesky": _bluesky,
    "facebook": _facebook,
    "pinterest": _pinterest,
    "youtube": _youtube,
    "newsletter": _newsletter,
    "blog": _blog,
    "ppc": _ppc,
}
