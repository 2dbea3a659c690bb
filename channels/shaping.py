"""Text shaping the adapters share: cutting at word boundaries, sentences, plain text, links and UTM tags."""
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
QUOTE = re.compile(r"^\s*>\s?")
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
# emphasis markers at the edge of a word only, so utm_source and snake_case survive
EMPHASIS = re.compile(r"(?<!\w)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?!\w)|`+")
ELLIPSIS = "…"
TRAILING_JOINERS = ",;:-–—"


def shorten(text: str, fits, ellipsis: str = ELLIPSIS) -> str:
    """The longest prefix ending at a word boundary (plus an ellipsis) for which ``fits`` holds.

    Whitespace is collapsed first: every caller wants one line. Unspaced text (Chinese) or a single
    overlong word has no boundary to cut at, so it is cut between characters instead. ``fits`` must
    grow with the text (every length rule does), which lets both searches halve the range each step.
    """
    text = " ".join(text.split())
    if fits(text):
        return text
    words = text.split(" ")

    def by_words(count: int) -> str:
        return " ".join(words[:count]).rstrip(TRAILING_JOINERS + " ") + ellipsis

    count = longest_fitting(len(words) - 1, lambda n: by_words(n) != ellipsis and fits(by_words(n)))
    if count:
        return by_words(count)
    end = longest_fitting(len(text) - 1, lambda n: fits(text[:n] + ellipsis))
    return text[:end] + ellipsis if end else ""


def longest_fitting(most: int, fits) -> int:
    """The largest n in 1..most with fits(n), or 0."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def plain_line(line: str) -> str:
    line = HEADING.sub("", line)
    line = QUOTE.sub("", line)
    line = IMAGE.sub(r"\1", line)
    line = LINK.sub(r"\1 (\2)", line)
    return EMPHASIS.sub("", line).strip()


def plain_text(markdown: str) -> str:
    """Markdown as a reader of a plain-text email or a video description would want it."""
    return "\n".join(plain_line(line) for line in markdown.strip().splitlines()).strip()


def blocks(markdown: str) -> list[str]:
    """Paragraphs, with each heading and list item a block of its own: none of them ends in a full stop."""
    found, current = [], []
    for line in markdown.splitlines():
        stands_alone = HEADING.match(line) or BULLET.match(line)
        if not line.strip() or stands_alone:
            if current:
                found.append(" ".join(current))
            current = []
        if stands_alone:
            found.append(plain_line(BULLET.sub("", line)))
        elif line.strip():
            current.append(plain_line(line))
    if current:
        found.append(" ".join(current))
    return [" ".join(block.split()) for block in found if block.strip()]


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by dashes (accents folded away); may be empty."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def sentences(markdown: str) -> list[str]:
    return [s.strip() for block in blocks(markdown) for s in SENTENCE_END.split(block) if s.strip()]


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
