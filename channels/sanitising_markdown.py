"""Markdown that goes out as Markdown (a static site's file, Micropub's content), its raw HTML cleaned.

The site's own renderer will pass raw HTML through, so a ``<script>`` in the Markdown would run there.
Only what markdown-it finds to be HTML (its html_block and html_inline tokens) is cleaned, tag by tag
against the channel's allow-list (``channels.sanitising``), plus links whose address has a scheme the
channel does not take (``javascript:``); everything else, code spans and blocks showing ``<script>`` as
text included, stays byte for byte. Tags are judged one by one rather than whole blocks re-serialised,
since a block such as ``<div class="note">`` usually opens around Markdown and closes blocks later.
"""

import re
from bisect import bisect_right

from babel.lists import format_list
from markdown_it import MarkdownIt, rules_inline
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.helpers import parseLinkLabel

from channels.base import WARNING, PostContent, Problem
from channels.sanitising import REMOVED_WITH_CONTENT, AllowList, allowed_url, judged_tag, scheme_of
from scheduler.domain.language import N_, _, code

OPEN = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
CLOSE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
NEWLINE = re.compile(r"(\r\n|\r|\n)")  # what markdown-it counts as a line break
# what starts a comment, a processing instruction, CDATA or a declaration, and what ends it
UNTIL = (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"), ("<!", ">"))
ROUNDS = 4  # cleaning again until nothing changes: a removed tag may join text into a new one


def _spanning(rule, label_at: int | None = None):
    """The inline rule, noting on the token it makes where in the inline text it starts and ends (and
    where a link's label is): markdown-it keeps no positions below the line."""

    def run(state, silent):
        if not silent and state.pending:
            state.pushPending()
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > count:
            meta = {"span": (start, state.pos)}
            if label_at is not None:
                bracket = start + label_at - 1
                meta["label"] = (bracket + 1, parseLinkLabel(state, bracket, label_at == 1))
            else:
                meta["label"] = (start + 1, state.pos - 1)
            state.tokens[count].meta = {**(state.tokens[count].meta or {}), **meta}
        return True

    return run


def _parser(every_link: bool) -> MarkdownIt:
    """CommonMark as the spec reads it (``every_link``: a javascript: link is a link, whose scheme is
    judged below) or as markdown-it renders it (such a link is text, and a reference definition naming
    one is a paragraph, which changes what follows it): the Markdown is cleaned as both read it."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    if every_link:
        md.validateLink = lambda url: True
    md.inline.ruler.at("html_inline", _spanning(rules_inline.html_inline))
    md.inline.ruler.at("link", _spanning(rules_inline.link, label_at=1))
    md.inline.ruler.at("image", _spanning(rules_inline.image, label_at=2))
    md.inline.ruler.at("autolink", _spanning(rules_inline.autolink))
    return md


_PARSERS = []


def _parsers() -> list[MarkdownIt]:
    if not _PARSERS:
        _PARSERS.extend([_parser(every_link=True), _parser(every_link=False)])
    return _PARSERS


def clean_tags(fragment: str, allow: AllowList, notes: list[str]) -> str:
    """Raw HTML with each tag judged on its own: allowed ones kept as written (or without their
    disallowed attributes), others removed (scripts and styles with their content), comments kept
    only where the channel keeps them and they hold no angle bracket, and every other ``<`` written
    as ``&lt;``, so a browser finds no tag that was not judged."""
    out, position = [], 0
    while True:
        found = fragment.find("<", position)
        if found < 0:
            out.append(fragment[position:])
            return "".join(out)
        out.append(fragment[position:found])
        ending = next((end for start, end in UNTIL if fragment.startswith(start, found)), None)
        if ending is not None:  # a comment, a declaration: to its end, found without a regex's backtracking
            stop = fragment.find(ending, found + 2)
            position = len(fragment) if stop < 0 else stop + len(ending)
            inner = fragment[found + 4 : max(found + 4, stop)]
            if ending == "-->" and stop >= 0 and allow.keeps_comments and "<" not in inner and ">" not in inner:
                out.append(fragment[found:position])
            else:
                notes.append(N_("HTML comments") if ending == "-->" else N_("HTML declarations"))
            continue
        match = HTML_TAG_RE.match(fragment, found)
        if match is None:
            out.append("&lt;")
            position = found + 1
            continue
        tag, position = match.group(0), match.end()
        if closing := CLOSE.match(tag):
            if closing.group(1).lower() in allow.tags:
                out.append(tag)
        else:
            name = OPEN.match(tag).group(1).lower()
            if name in REMOVED_WITH_CONTENT and name not in allow.tags:
                end = re.compile(rf"</{name}(?=[\s/>])[^>]*>", re.IGNORECASE).search(fragment, position)
                position = end.end() if end else len(fragment)
            out.append(judged_tag(tag, name, allow, notes))


class _Source:
    """The Markdown's lines as markdown-it numbers them, for turning (line, column) into an offset."""

    def __init__(self, text: str):
        parts = NEWLINE.split(text)
        self.lines = [line.replace("\0", "\ufffd") for line in parts[0::2]]
        self.breaks = parts[1::2]
        self.starts, at = [], 0
        for number, line in enumerate(self.lines):
            self.starts.append(at)
            at += len(line) + (len(self.breaks[number]) if number < len(self.breaks) else 0)
        self.cursor: dict[int, int] = {}  # where the next table cell on a line may start

    def offset(self, line: int, column: int) -> int:
        return self.starts[line] + column

    def line(self, number: int) -> str:
        return self.lines[number] if number < len(self.lines) else ""


def _suffix_column(source_line: str, content_line: str) -> int | None:
    """Where a block's content line starts in its source line: after the containers' markers ("> ",
    a list item's indent, which markdown-it takes off; a tab it turned into spaces)."""
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    stripped = content_line.lstrip(" ")
    if source_line.endswith(stripped):
        return len(source_line) - len(content_line)  # may be negative: columns inside the spaces clamp to 0
    return None


class _Inline:
    """Turns offsets in an inline token's text into offsets in the Markdown."""

    def __init__(self, token, source: _Source, in_cell: bool):
        self.source, self.first = source, token.map[0]
        self.content_lines = token.content.split("\n")
        self.line_starts, at = [], 0
        for line in self.content_lines:
            self.line_starts.append(at)
            at += len(line) + 1
        self.columns = []
        last = len(self.content_lines) - 1
        for number, content_line in enumerate(self.content_lines):
            source_line = source.line(self.first + number)
            column = None
            if not in_cell:
                column = _suffix_column(source_line.rstrip() if number == last else source_line, content_line)
            if column is None:
                found = source_line.find(content_line, source.cursor.get(self.first + number, 0))
                column = found if found >= 0 else None
            if column is not None and in_cell:
                source.cursor[self.first + number] = column + len(content_line)
            self.columns.append(column)

    def offset(self, position: int) -> int | None:
        number = bisect_right(self.line_starts, position) - 1
        column = self.columns[number]
        if column is None:
            return None
        return self.source.offset(self.first + number, max(0, column + position - self.line_starts[number]))

    def span(self, start: int, end: int, text: str) -> tuple[int, int] | None:
        """The span in the Markdown, else the first place after the cell's cursor its text is found
        (a table cell whose \\| markdown-it unescaped); None when neither can be told."""
        begin, finish = self.offset(start), self.offset(end)
        if begin is not None and finish is not None:
            return begin, finish
        line = self.first + bisect_right(self.line_starts, start) - 1
        for written in (text, text.replace("|", "\\|")):
            found = self.source.line(line).find(written, self.source.cursor.get(line, 0))
            if "\n" not in written and found >= 0:
                self.source.cursor[line] = found + len(written)
                return self.source.offset(line, found), self.source.offset(line, found + len(written))
        return None


def _inline_edits(token, source, allow, notes, edits, in_cell) -> bool:
    """Edits for one inline token's raw HTML and unsafe links; False when one could not be placed."""
    where = _Inline(token, source, in_cell)
    children = token.children or []
    placed, skip_to = True, -1
    closings: dict[str, list[int]] = {}  # where each </name> is among the children, in order
    for index, child in enumerate(children):
        closing = CLOSE.match(child.content) if child.type == "html_inline" else None
        if closing and "span" in (child.meta or {}):
            closings.setdefault(closing.group(1).lower(), []).append(index)
    for index, child in enumerate(children):
        meta = child.meta or {}
        if index <= skip_to or "span" not in meta:
            continue
        start, end = meta["span"]
        if child.type == "html_inline":
            name = OPEN.match(child.content)
            name = name.group(1).lower() if name else ""
            if name in REMOVED_WITH_CONTENT and name not in allow.tags:  # with its content, to its </name>
                after = closings.get(name, [])
                following = bisect_right(after, index)
                if following < len(after):
                    skip_to = after[following]
                    end = children[skip_to].meta["span"][1]
            cleaned = clean_tags(token.content[start:end], allow, notes)
            if cleaned != token.content[start:end]:
                span = where.span(start, end, token.content[start:end])
                placed = placed and span is not None
                if span:
                    edits.append((*span, cleaned))
        elif child.type in ("link_open", "image"):
            address = child.attrGet("href" if child.type == "link_open" else "src") or ""
            if allowed_url(str(address), allow):
                continue
            notes.append(f"{scheme_of(str(address))}: links")
            label_start, label_end = meta["label"]
            if label_end < 0:
                label_start = label_end = end  # cannot happen for a parsed link; drop it whole
            for part in ((start, label_start), (label_end, end)):
                span = where.span(*part, token.content[part[0] : part[1]])
                placed = placed and span is not None
                if span and span[0] < span[1]:
                    edits.append((*span, ""))
    return placed


def _block_edits(token, source, allow, notes, edits) -> bool:
    """The edit for an HTML block: its cleaned lines, each after its containers' markers again."""
    cleaned = clean_tags(token.content, allow, notes)
    if cleaned == token.content:
        return True
    first, after = token.map
    content_lines = token.content.split("\n")
    prefixes = []
    for number in range(after - first):
        source_line = source.line(first + number)
        column = _suffix_column(source_line, content_lines[number] if number < len(content_lines) else "")
        if column is None:
            return False
        prefixes.append(source_line[: max(0, column)])
    if token.content.endswith("\n"):
        cleaned = cleaned[:-1] if cleaned.endswith("\n") else cleaned
    lines = cleaned.split("\n")
    separator = source.breaks[first] if first < len(source.breaks) else "\n"
    text = lines[0] + "".join(
        separator + prefixes[min(number, len(prefixes) - 1)] + line for number, line in enumerate(lines[1:], 1)
    )
    start = source.offset(first, len(prefixes[0]))
    end = source.offset(after - 1, len(source.line(after - 1)))
    edits.append((start, end, text))
    return True


def _once(markdown: str, parser: MarkdownIt, allow: AllowList, notes: list[str]) -> tuple[str, bool]:
    source, edits, placed = _Source(markdown), [], True
    tokens = parser.parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            placed = _block_edits(token, source, allow, notes, edits) and placed
        elif token.type == "inline" and token.map:
            in_cell = index > 0 and tokens[index - 1].type in ("th_open", "td_open")
            placed = _inline_edits(token, source, allow, notes, edits, in_cell) and placed
    out, position = [], 0
    for start, end, text in sorted(edits):
        if start < position:  # inside an edit already made (a link within a removed <script>...</script>)
            continue
        out.append(markdown[position:start] + text)
        position = end
    out.append(markdown[position:])
    return "".join(out), placed


def clean_markdown(markdown: str, allow: AllowList, notes: list[str] | None = None) -> str:
    """The Markdown with its raw HTML cleaned for ``allow``'s channel and unsafe links made text; what
    went is added to ``notes`` ("<script>", "onerror=", "javascript: links")."""
    notes = [] if notes is None else notes
    text = markdown
    for _round in range(ROUNDS):
        settled = True
        for parser in _parsers():
            cleaned, placed = _once(text, parser, allow, notes)
            settled = settled and cleaned == text and placed
            text = cleaned
        if settled:
            return text
    # never seen: a place that could not be told twice over. Nothing of it may reach a renderer as HTML
    return text.replace("<", "&lt;").replace("](", "]\\(")


def removed_from(markdown: str, allow: AllowList) -> list[str]:
    """What cleaning would take out of the Markdown, each named once, in the order found."""
    notes: list[str] = []
    clean_markdown(markdown, allow, notes)
    return list(dict.fromkeys(notes))


REMOVAL_SAID = {
    "blog": N_("%(what)s will be removed on the blog: mark the post as trusted HTML (managers) to keep it"),
    "newsletter": N_("%(what)s will be removed on the newsletter: mark the post as trusted HTML (managers) to keep it"),
}


def removal_warnings(post: PostContent, allow: AllowList) -> list[Problem]:
    """The editor's word that raw HTML in the body will not reach the channel as written (none for a
    post a manager marked as trusted HTML)."""
    if post.trusted_html:
        return []
    removed = removed_from(post.body, allow)
    if not removed:
        return []
    what = format_list([_(note) for note in removed], locale=code())
    return [
        Problem(
            "raw_html_removed",
            _(REMOVAL_SAID[allow.channel], what=what),
            severity=WARNING,
            field="body",
        )
    ]
