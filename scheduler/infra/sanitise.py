"""Turning untrusted HTML and Markdown (feed summaries, the style guide) into something safe to show or read.

Feeds are written by anyone who controls a URL: their HTML is cleaned with nh3 (the Rust ammonia
sanitiser) when it is stored, so no page ever has to remember to do it.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

SUMMARY_MAX = 100_000  # characters kept of a feed entry's HTML; a gigantic entry is cut, not refused
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_ENDS = re.compile(r"(?i)<\s*(br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>")


def clean_html(fragment: str) -> str:
    """Safe to put on a page as it is: no scripts, handlers, styles or javascript: links."""
    return nh3.clean(
        fragment[:SUMMARY_MAX], url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"
    )


def html_to_text(fragment: str) -> str:
    """The words of an HTML fragment, one paragraph per line: what a post adapted from it starts with."""
    marked = _BLOCK_ENDS.sub("\n", fragment[:SUMMARY_MAX])
    text = html.unescape(nh3.clean(marked, tags=set()))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", text).strip()


def plain_line(text: str, limit: int) -> str:
    """A title from untrusted text: tags and entities gone, on one line, at most ``limit`` characters."""
    return " ".join(html_to_text(text or "").split())[:limit]


_MARKDOWN = None


def render_markdown(text: str) -> Markup:
    """Markdown (CommonMark, tables) to HTML that is safe to show: the HTML a writer types into the
    guide is sanitised like a feed's, so a pasted <script> is only text."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = MarkdownIt("commonmark", {"linkify": False}).enable("table")
    return Markup(clean_html(_MARKDOWN.render(text or "")))
