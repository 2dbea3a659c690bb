"""Text shaping the adapters share: cutting at word boundaries, sentences, links and UTM tags."""
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
MARKDOWN_NOISE = re.compile(r"^#+\s*|[*_`>]+", re.MULTILINE)
ELLIPSIS = "…"


def shorten(text: str, fits, ellipsis: str = ELLIPSIS) -> str:
    """The longest prefix ending at a word boundary (plus an ellipsis) for which ``fits`` holds."""
    text = " ".join(text.split())
    if fits(text):
        return text
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:count]).rstrip(",;:-") + ellipsis
        if fits(candidate):
            return candidate
    # a single long word, or unspaced text (Chinese): cut by characters
    for end in range(len(text) - 1, 0, -1):
        if fits(text[:end] + ellipsis):
            return text[:end] + ellipsis
    return ""


def sentences(text: str) -> list[str]:
    plain = MARKDOWN_NOISE.sub("", text)
    return [s.strip() for s in SENTENCE_END.split(" ".join(plain.split())) if s.strip()]


def plain_text(markdown: str) -> str:
    return "\n".join(line.strip() for line in MARKDOWN_NOISE.sub("", markdown).splitlines()).strip()


def has_utm(url: str) -> bool:
    return any(key.startswith("utm_") for key, _ in parse_qsl(urlsplit(url).query))


def with_utm(url: str, source: str, medium: str, campaign: str) -> str:
    """Adds the missing UTM tags and keeps every parameter already there."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    for key, value in (("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign or "refrain")):
        if key not in present:
            query.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def untracked_links(text: str) -> list[re.Match]:
    return [match for match in URL.finditer(text) if not has_utm(match.group(0))]


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
