"""What every draft is checked for, whatever the guide's rules: images without alt text, and, on
the channels whose clicks are counted by their UTM tags, links without them."""

from __future__ import annotations

import re

from scheduler.domain.language import _
from scheduler.domain.links import URL, has_utm, is_web_address
from scheduler.domain.style_lint.rules import WARNING, Finding
from scheduler.domain.style_lint.terms import outside

TRACKED_CHANNELS = frozenset({"newsletter", "ppc"})
# utm_source and utm_medium each tracked channel already uses when it tags links itself
UTM_TAGS = {"newsletter": ("newsletter", "email"), "ppc": ("google", "cpc")}

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _WHAT_IT_SHOWS() -> str:  # noqa: N802 - the words an example alt text holds, in the reader's language
    return _("what it shows")


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of an HTML tag such as <img src="a.png" alt="">, names in lower case."""
    found = {}
    for match in _ATTRIBUTE.finditer(tag, 4):  # after "<img"
        name, *values = match.groups()
        found.setdefault(name.lower(), next((v for v in values if v is not None), ""))
    return found


def _image_spans(body: str) -> list[tuple[int, int]]:
    spans = []
    if "![" in body:
        spans += [m.span() for m in _MD_IMAGE.finditer(body)]
    if "<" in body:
        spans += [m.span() for m in _HTML_IMAGE.finditer(body)]
    return spans


def image_findings(body: str) -> list[Finding]:
    """Images (Markdown or HTML) with no alt text."""
    findings = []
    if "![" in body:
        for match in _MD_IMAGE.finditer(body):
            if not match.group(1).strip():
                url = match.group(2) or "url"
                example = "![" + _WHAT_IT_SHOWS() + "](" + url + ")"
                findings.append(
                    Finding(
                        "style.image_without_alt",
                        _("describe the image in its alt text: %(example)s", example=example),
                        WARNING,
                        "body",
                        *match.span(),
                    )
                )
    if "<" in body:
        for match in _HTML_IMAGE.finditer(body):
            attributes = _attributes(match.group(0))
            if not attributes.get("alt", "").strip():
                src = attributes.get("src") or "url"
                example = '<img src="' + src + '" alt="' + _WHAT_IT_SHOWS() + '">'
                findings.append(
                    Finding(
                        "style.image_without_alt",
                        _("describe the image in its alt text: %(example)s", example=example),
                        WARNING,
                        "body",
                        *match.span(),
                    )
                )
    return findings


def _utm_hint(channel: str) -> str:
    source, medium = UTM_TAGS.get(channel, (channel, "…"))
    return f"utm_source={source}&utm_medium={medium}&utm_campaign=…"


def link_findings(channel: str, body: str, link: str) -> list[Finding]:
    """Links (in the body, and the post's own) without UTM tags, for a channel in TRACKED_CHANNELS."""
    findings = []
    hint = _utm_hint(channel)
    if "://" in body:
        images = _image_spans(body)
        for match in URL.finditer(body):
            start, end = match.span()
            while end > start and body[end - 1] in ".,;:!?'\"":  # the sentence's punctuation, not the link's
                end -= 1
            url = body[start:end]
            if has_utm(url) or not outside(images, start, end):
                continue
            findings.append(
                Finding(
                    "style.untracked_link",
                    _("add UTM tags to %(link)s (%(hint)s) so its clicks can be counted", link=url, hint=hint),
                    WARNING,
                    "body",
                    start,
                    end,
                )
            )
    stripped = link.strip()
    if stripped and is_web_address(stripped) and not has_utm(stripped):
        findings.append(
            Finding(
                "style.untracked_link",
                _("add UTM tags to %(link)s (%(hint)s) so its clicks can be counted", link=stripped, hint=hint),
                WARNING,
                "link",
                0,
                len(link),
            )
        )
    return findings
