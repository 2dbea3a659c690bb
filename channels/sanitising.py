"""HTML that reaches a channel, cleaned to what that channel's readers may safely get.

A post's Markdown may hold raw HTML, and Markdown renderers pass it through: a ``<script>`` typed in the
editor would reach a WordPress page or a subscriber's inbox. Each channel that sends HTML has an
allow-list here (tags, attributes, URL schemes), and every HTML made from a post for it passes through
nh3 (the Rust ammonia sanitiser: a real HTML5 parser, not a regex of ours) unless a manager marked the
post as trusted HTML. Markdown that goes out as Markdown (a static site's file, Micropub's content) is
cleaned in ``channels.sanitising_markdown``, tag by tag, so the rest of it stays byte for byte.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape
from html.parser import HTMLParser

import nh3

# elements whose content goes with them: code or styles, or a frame's fallback nobody should read
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "textarea", "select", "title", "xmp", "noembed"}
)
LINK_RELS = frozenset({"nofollow", "noopener", "noreferrer", "sponsored", "ugc", "external", "me", "author"})
CODE_LANGUAGE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")
CLASS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "srcset", "poster", "background", "data"})
SCHEME = re.compile(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.\-]*)[\x00-\x20]*:")
# table parts (and col) only exist inside a table: judged alone, an HTML parser drops them
_CONTEXT = {
    "td": "<table><tbody><tr>",
    "th": "<table><tbody><tr>",
    "tr": "<table><tbody>",
    "thead": "<table>",
    "tbody": "<table>",
    "tfoot": "<table>",
    "caption": "<table>",
    "colgroup": "<table>",
    "col": "<table><colgroup>",
}

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TABLES = {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"}
TEXT = {"p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "ins", "sup", "sub", "small", "mark", "abbr"}
TEXT |= {"cite", "q", "kbd", "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "span"}
CELL = {"colspan", "rowspan", "style"}  # style: text-align only (markdown-it writes table alignment so)


@dataclass(frozen=True, eq=False)  # one object per channel, hashed by identity (judged_tag's cache)
class AllowList:
    """What one channel lets through; ``link_rel`` is put on every link (None: links keep an allowed rel)."""

    channel: str
    tags: frozenset
    attributes: dict
    url_schemes: frozenset = frozenset({"http", "https", "mailto"})
    link_rel: str | None = None
    keeps_comments: bool = False
    style_properties: frozenset = field(default_factory=lambda: frozenset({"text-align"}))

    def nh3_options(self) -> dict:
        return {
            "tags": set(self.tags),
            "clean_content_tags": set(REMOVED_WITH_CONTENT - self.tags),
            "attributes": {tag: set(names) for tag, names in self.attributes.items()},
            "attribute_filter": _attribute_filter,
            "strip_comments": not self.keeps_comments,
            "link_rel": self.link_rel,
            "url_schemes": set(self.url_schemes),
            "filter_style_properties": set(self.style_properties),
        }

    @cached_property
    def cleaner(self) -> nh3.Cleaner:
        """nh3's sanitiser built once: its options are converted once, not at each of a post's tags."""
        return nh3.Cleaner(**self.nh3_options())


# the blog (WordPress, a static site, Micropub): what an article is written with; links keep a rel
# (nofollow, sponsored, me...) since a blog's links are its own, and no target (so no window.opener);
# comments stay: WordPress reads <!--more--> and its blocks' comments
BLOG = AllowList(
    "blog",
    tags=frozenset(TEXT | HEADINGS | TABLES | {"figure", "figcaption", "div", "details", "summary"}),
    attributes={
        "a": {"href", "title", "rel"},
        "img": {"src", "alt", "title", "width", "height", "class"},
        "abbr": {"title"},
        "blockquote": {"cite"},
        "q": {"cite"},
        "ol": {"start"},
        "code": {"class"},
        **{tag: {"class"} for tag in ("div", "span", "p", "figure")},  # a theme's classes (aligncenter...)
        "th": CELL,
        "td": CELL,
    },
    keeps_comments=True,
)

# the newsletter: what mail clients render safely; no styles, scripts, frames or forms (none are in
# the list), and links that give the page opening them no hold on the mail client's window
NEWSLETTER = AllowList(
    "newsletter",
    tags=frozenset((TEXT - {"span"}) | HEADINGS | TABLES | {"figure", "figcaption"}),
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "title", "width", "height"},
        "abbr": {"title"},
        "ol": {"start"},
        "th": CELL,
        "td": CELL,
    },
    link_rel="noopener noreferrer",
)


# the channels whose posts reach their readers as HTML (where marking a post as trusted HTML matters)
ALLOW_LISTS = {"blog": BLOG, "newsletter": NEWSLETTER}


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """The values nh3 cannot restrict on its own: class names (a code block's: its language only), a
    link's rel words."""
    if name == "class":
        shape = CODE_LANGUAGE if tag == "code" else CLASS_NAME
        kept = [word for word in value.split() if shape.match(word)]
        return " ".join(kept) or None
    if name == "rel":
        kept = [word for word in value.lower().split() if word in LINK_RELS]
        return " ".join(kept) or None
    return value


def clean_html(fragment: str, allow: AllowList) -> str:
    """An HTML fragment with only what ``allow`` lets through (text is kept; scripts go with their code)."""
    return allow.cleaner.clean(fragment)


def render_html(markdown: str, allow: AllowList, trusted: bool = False) -> str:
    """CommonMark (plus tables and strikethrough) as HTML, cleaned for ``allow``'s channel unless trusted."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    return rendered if trusted else clean_html(rendered, allow)


def scheme_of(url: str) -> str:
    """The URL's scheme as a browser reads it (tabs and line breaks inside it are ignored), or "" when relative."""
    match = SCHEME.match(re.sub(r"[\t\n\r]", "", url or ""))
    return match.group(1).lower() if match else ""


def allowed_url(url: str, allow: AllowList) -> bool:
    scheme = scheme_of(url)
    return not scheme or scheme in allow.url_schemes


# --- one tag at a time: what Markdown's raw HTML is cleaned with -------------------------------------


class _FirstTag(HTMLParser):
    def __init__(self, wanted: str | None = None):
        super().__init__(convert_charrefs=True)
        self.wanted, self.found = wanted, None

    def handle_starttag(self, tag, attrs):
        if self.found is None and (self.wanted is None or tag == self.wanted):
            self.found = (tag, [(name, value or "") for name, value in attrs])

    handle_startendtag = handle_starttag


def start_tag(text: str, wanted: str | None = None) -> tuple[str, list] | None:
    """(name, [(attribute, value)...]) of the first start tag in ``text`` (named ``wanted``, when given)."""
    parser = _FirstTag(wanted)
    parser.feed(text)
    parser.close()
    return parser.found


def judged_tag(tag_text: str, name: str, allow: AllowList, notes: list[str]) -> str:
    """A start tag as ``allow`` lets it through: as written when nh3 keeps it whole, rewritten with only
    the attributes nh3 keeps, or "" when the element is not allowed at all. ``notes`` says what went."""
    kept, removed = _judged(tag_text, name, allow)
    notes.extend(removed)
    return kept


@lru_cache(maxsize=4096)  # a post repeats its tags (every <p>, every </b>): each is judged once
def _judged(tag_text: str, name: str, allow: AllowList) -> tuple[str, tuple[str, ...]]:
    if name not in allow.tags:
        return "", (f"<{name}>",)
    before = start_tag(tag_text, name)
    after = start_tag(clean_html(_CONTEXT.get(name, "") + tag_text, allow), name)
    if before is None or after is None:
        return "", (f"<{name}>",)
    if after == before:
        return tag_text, ()
    kept, removed = dict(after[1]), []
    for attribute, value in before[1]:
        if attribute in kept:
            continue
        scheme = scheme_of(value) if attribute in URL_ATTRIBUTES else ""
        removed.append(f"{scheme}: links" if scheme and scheme not in allow.url_schemes else f"{attribute}=")
    attributes = "".join(f' {attribute}="{escape(value, quote=True)}"' for attribute, value in after[1])
    return f"<{name}{attributes}{' /' if tag_text.rstrip().endswith('/>') else ''}>", tuple(removed)
