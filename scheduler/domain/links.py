"""Links in a text: finding them, whether they are web addresses, and their UTM tags.

Shared by the channel adapters (which shape and tag links) and the style linter (which flags
untracked ones), so both read a link the same way.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


def has_utm(url: str) -> bool:
    return any(key.startswith("utm_") for key, _ in parse_qsl(urlsplit(url).query))


def with_utm(url: str, source: str, medium: str, campaign: str) -> str:
    """Adds the missing UTM tags and keeps every parameter already there, in its order."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    for key, value in (("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign or "refrain")):
        if key not in present:
            query.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def untracked_links(text: str) -> list[str]:
    return [match.group(0) for match in URL.finditer(text) if not has_utm(match.group(0))]


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def web_link(url) -> str:
    """``url`` when it may be stored or rendered as a link (an http or https address, nothing hidden in
    it), else "". A ``javascript:``, ``data:`` or ``vbscript:`` link runs in the reader's browser, on our
    pages, when clicked; a service's answer or a pasted link is never trusted to be one of ours."""
    text = str(url or "").strip()
    if not text or re.search(r"[\x00-\x20\x7f]", text):
        return ""
    return text if is_web_address(text) else ""
