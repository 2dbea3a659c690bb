"""Text shaping the adapters share: cutting at word boundaries, sentences, plain text, links and UTM tags,
counting as readers see characters, HTML from feeds, and attachments ("media")."""

import re
import unicodedata
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import urlsplit

import regex  # grapheme clusters (\X), which the standard re module cannot match
from anyascii import anyascii  # Unicode to ASCII, every script (ISC licence, unlike GPL'd unidecode)

from channels.base import MEDIA_TYPES, DeliveryFailure, Outcome
from channels.http import MAX_BODY
from scheduler.domain.language import _
from scheduler.domain.links import URL

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


# where WordPress's remove_accents() spells a letter otherwise than anyascii does
WORDPRESS_SPELLING = {"ĸ": "k", "ŋ": "n", "Ŋ": "N", "€": "E", "×": "x"}
HAN = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")  # one syllable each: words apart
# CJK and full-width punctuation parts words as a space does in spaced scripts
CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")


def _spelled(char: str) -> str:
    """One character in ASCII as a slug wants it: letters and digits transliterated (a Chinese character
    as its pinyin syllable, a word of its own), spaces and dashes as a space, other signs dropped."""
    if char.isascii():
        return char
    if char in WORDPRESS_SPELLING:
        return WORDPRESS_SPELLING[char]
    kind = unicodedata.category(char)
    if kind[0] in "LN":
        spelled = anyascii(char)
        return f" {spelled} " if unicodedata.name(char, "").startswith(HAN) else spelled
    if kind in ("Zs", "Zl", "Zp", "Pd") or CJK_PUNCTUATION.match(char):
        return " "
    return ""


def ascii_slug(text: str) -> str:
    """The slug WordPress would make of a title (remove_accents, then sanitize_title_with_dashes): letters
    transliterated (œ → oe, ß → ss, ł → l, 夏季 → xia-ji), apostrophes and other signs dropped
    (l'œuvre → loeuvre), spaces, dots and slashes as dashes. Lower-case ASCII letters, digits, "_" and
    single dashes only, where WordPress keeps what it cannot spell as %-escapes; may be empty."""
    spelled = "".join(_spelled(char) for char in unicodedata.normalize("NFC", text)).lower()
    spelled = re.sub(r"[^a-z0-9\s_-]", "", re.sub(r"[./]", "-", spelled))
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", spelled)).strip("-")


def sentences(markdown: str) -> list[str]:
    return [s.strip() for block in blocks(markdown) for s in SENTENCE_END.split(block) if s.strip()]


# --- counting as people see it -------------------------------------------------------------------

GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters): a family emoji joined by
    zero-width joiners, a flag, or "e" plus a combining accent each count 1, as Bluesky and Mastodon count."""
    return sum(1 for _ in GRAPHEME.finditer(text))


def links_in(text: str) -> list[re.Match]:
    """Web addresses in a text, without the punctuation that ends the sentence around them."""
    found = []
    for match in URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?'\"":
            end -= 1
        found.append(URL.match(text, match.start(), end))
    return [match for match in found if match]


def headline_from(text: str, most: int = 80) -> str:
    """A title for an item that has none (a toot, a skeet): its first sentence, shortened. Only the
    start of the text is read, so a huge text costs no more than a short one."""
    start = " ".join(text[: 4 * most].split())
    first = next(iter(SENTENCE_END.split(start)), "")
    return shorten(first, lambda t: len(t) <= most)


# --- HTML as given by feeds ----------------------------------------------------------------------

BLOCK_TAGS = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"}


class _HtmlReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.anchors: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "a":
            values = dict(attrs)
            self.anchors.append(
                {
                    "href": values.get("href") or "",
                    "class": (values.get("class") or "").split(),
                    "rel": (values.get("rel") or "").split(),
                }
            )

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def read_html(html: str) -> tuple[str, list[dict]]:
    """The plain text of an HTML fragment (paragraphs apart, entities decoded) and its anchors
    ({"href", "class": [...], "rel": [...]}), for feeds that give HTML (Mastodon, WordPress)."""
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    lines = "".join(reader.parts).split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), reader.anchors


# --- attachments ---------------------------------------------------------------------------------


def media_of(extra: Mapping) -> list[dict]:
    """A post's attachments as {"url", "type", "alt"}, skipping any that are malformed
    (``Channel.check_extra`` names those); adapters read media through here only."""
    items = extra.get("media")
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("url"), str) and item["url"].strip():
            kind = item.get("type") if item.get("type") in MEDIA_TYPES else ""
            alt = item.get("alt") if isinstance(item.get("alt"), str) else ""
            found.append({"url": item["url"].strip(), "type": kind, "alt": " ".join(alt.split())})
    return found


def images_of(extra: Mapping) -> list[dict]:
    return [item for item in media_of(extra) if item["type"] == "image"]


def markdown_image(url: str, alt: str) -> str:
    """![alt](url), with brackets in the alt text escaped and an awkward URL in angle brackets."""
    alt = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if any(ch in url for ch in " ()<>"):
        url = "<" + url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + ">"
    return f"![{alt}]({url})"


YOUTUBE_VIDEO = re.compile(
    r"^https?://(?:(?:www\.|m\.)?youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|"
    r"live/)|youtu\.be/)([A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
)


def youtube_video_id(url: str) -> str:
    """The 11-character id of a YouTube video link (watch, youtu.be, shorts, embed), or ""."""
    match = YOUTUBE_VIDEO.match(url.strip())
    return match.group(1) if match else ""


def youtube_thumbnail(video_id: str) -> str:
    """The thumbnail YouTube serves for every video, the one its feeds name (480×360)."""
    return f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"


def attachments_for(extra: Mapping, link: str, most: int = 4) -> list[dict]:
    """What a short post carries from its source: its pictures and videos, except for a video link, whose
    card already shows the video (and which an attached picture would replace on most networks)."""
    if youtube_video_id(link):
        return []
    return [item for item in media_of(extra) if item["type"] in ("image", "video")][:most]


def media_extra(items: list[dict]) -> dict:
    """{"media": items} for an adapted post's extra, or nothing when there are none."""
    return {"media": items} if items else {}


def short_post_text(title: str, body: str, link: str, fits) -> str:
    """A toot or a skeet from a longer source: the headline, then as much of the text as fits, with the
    source's link kept for the end (the caller adds it; ``fits`` must allow for it)."""
    lead = " ".join(sentences(body)) or plain_text(body)
    if link:
        lead = " ".join(lead.replace(link, "").split())
    headline = " ".join(title.split())
    if not headline:
        return shorten(lead, fits)
    if not fits(headline):
        return shorten(headline, fits)
    if not lead or lead.startswith(headline):
        return shorten(lead or headline, fits)
    rest = shorten(lead, lambda t: fits(f"{headline}\n\n{t}"))
    return f"{headline}\n\n{rest}" if rest else headline


FULL_STOP = re.compile(r"[.!?。！？]['\"”’)]*$")


def key_sentences(markdown: str, most: int = 4, skip: str = "") -> list[str]:
    """The sentences that carry an article: each paragraph's first (where writers put their point),
    then the others in order; headings and list items without a full stop are not sentences. No
    repeats, nothing equal to ``skip`` (the headline)."""
    paragraphs = [[s.strip() for s in SENTENCE_END.split(block) if s.strip()] for block in blocks(markdown)]
    ordered = [p[0] for p in paragraphs if p] + [s for p in paragraphs for s in p[1:]]
    chosen, seen = [], {skip.casefold().strip()}
    for sentence in ordered:
        if FULL_STOP.search(sentence) and sentence.casefold() not in seen:
            chosen.append(sentence)
            seen.add(sentence.casefold())
        if len(chosen) == most:
            break
    return chosen


# --- live delivery: steps that publish nothing yet ------------------------------------------------

IMAGE_EXTENSIONS = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


class before_publishing:
    """Around a request that publishes nothing (a login, a lookup, an upload, fetching a picture):
    had it no answer, nothing can have gone out, so sending it again is safe and "unconfirmed"
    becomes "retry". With ``foreign=True`` (a request to someone else's server, such as the one
    hosting a picture) a 401/403 says nothing about the channel's account, so it is a rejection
    instead of "unauthorized", which would make the account wait to be reconnected."""

    def __init__(self, step: str, foreign: bool = False):
        self.step, self.foreign = step, foreign

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):

        if not isinstance(error, DeliveryFailure):
            return False
        status = error.outcome.status
        if status == "unconfirmed":
            raise DeliveryFailure(
                Outcome.retry(
                    _(
                        "%(step)s: no answer came back; nothing was published yet, so it will be tried again",
                        step=self.step,
                    )
                )
            ) from None
        if status == "unauthorized" and self.foreign:
            raise DeliveryFailure(
                Outcome.rejected(_("%(step)s: %(said)s", step=self.step, said=error.outcome.message))
            ) from None
        if status in ("rejected", "retry") and not error.outcome.message.startswith(self.step):
            raise DeliveryFailure(
                Outcome(
                    status,
                    _("%(step)s: %(said)s", step=self.step, said=error.outcome.message),
                    retry_after=error.outcome.retry_after,
                )
            ) from None
        return False


def fetch_image(http, item: Mapping, most_bytes: int, label: str) -> tuple[bytes, str]:
    """The bytes and MIME type of an attached picture, fetched through the delivery's client (bounded,
    logged without its query); a picture bigger than ``most_bytes`` or not a picture is refused
    before anything is published."""

    most_bytes = min(most_bytes, MAX_BODY - 1)  # the client cuts a longer body at MAX_BODY
    url = item["url"]
    with before_publishing(_("fetching the image %(url)s", url=url), foreign=True):
        response = http.request("GET", url, headers={"Accept": "image/*"})
    kind = response.header("content-type").split(";")[0].strip().lower()
    if not kind.startswith("image/"):
        guessed = IMAGE_EXTENSIONS.get("." + urlsplit(url).path.rsplit(".", 1)[-1].lower(), "")
        if kind and kind != "application/octet-stream" or not guessed:
            raise DeliveryFailure(
                Outcome.rejected(
                    _(
                        "the image %(url)s is not a picture (it is served as %(type)s)",
                        url=url,
                        type=kind or _("an unknown type"),
                    )
                )
            )
        kind = guessed
    if len(response.body) > most_bytes:
        raise DeliveryFailure(
            Outcome.rejected(
                _(
                    "the image %(url)s is %(size)s KB or more; %(channel)s takes at most %(most)s KB: attach a "
                    "smaller one",
                    url=url,
                    size=len(response.body) // 1024,
                    channel=_(label),
                    most=most_bytes // 1024,
                )
            )
        )
    if not response.body:
        raise DeliveryFailure(Outcome.rejected(_("the image %(url)s is empty", url=url)))
    return response.body, kind


def file_name(url: str, kind: str) -> str:
    """A plain file name for an upload, from the address or else the type."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80]
    return name or "image." + kind.split("/")[-1]


def refuse_unsupported_media(media: list[dict], label: str) -> None:
    """Live delivery uploads pictures only: anything else is refused before a request is made."""

    for number, item in enumerate(media, start=1):
        if item.get("type") not in ("image", ""):
            raise DeliveryFailure(
                Outcome.rejected(
                    _(
                        "attachment %(number)s (%(url)s) is a %(type)s: live delivery to %(channel)s uploads "
                        "pictures only; remove it, or link to it in the text",
                        number=number,
                        url=item["url"],
                        type=item["type"],
                        channel=_(label),
                    )
                )
            )
