"""The house style guide, checked on every draft.

A manager writes term rules ("avoid X, write Y instead", words never to use, regular expressions,
the spelling of product names), a disclosure that promotional posts must carry ("#ad"), and the
topics a blog may write about. ``lint`` reports each breach as a ``Finding`` that points at the
offending text, so an editor can underline it as the author types.

Terms match the way theme keywords do (see ``text.fold``): whatever the case, accents and French
elisions ("l'Offre" mentions "offre"); words of spaced scripts match whole ("use" is not in
"because"), Chinese, Japanese and Korean terms match anywhere (no spaces between their words), and
the words of a multi-word term may be separated by any run of spaces or punctuation, line breaks
included. Matching runs on a folded copy of the text in which every original character keeps its
place, so a finding's offsets are code point indices into the ORIGINAL text, even after an emoji, a
"ß" (folded to "ss"), a ligature or a letter followed by a combining accent.

Build a ``Linter`` once for a set of rules and topics and call ``.lint(draft)`` for each draft:
the rules are compiled once. ``lint(draft, rules, topics)`` is the one-off shorthand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

import regex

from scheduler.domain.links import URL, has_utm, is_web_address
from scheduler.domain.text import CJK_CLASS, ELISION, fold_tables, fold_unicode, is_cjk, straighten

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)
KINDS = ("term", "disclosure")
TRACKED_CHANNELS = frozenset({"newsletter", "ppc"})
TOPIC_CHANNEL = "blog"
MAX_PATTERN_LENGTH = 500
MAX_TERM_LENGTH = 500
# utm_source and utm_medium each tracked channel already uses when it tags links itself
UTM_TAGS = {"newsletter": ("newsletter", "email"), "ppc": ("google", "cpc")}

FIELDS = ("title", "body")  # the fields scanned for terms, triggers and topics (never the link)


@dataclass(frozen=True)
class TermRule:
    id: int
    avoid: str  # alternatives separated by commas or new lines, or a regular expression when is_pattern
    prefer: str = ""  # what to write instead ("" = never use it)
    reason: str = ""  # shown in the message
    channel: str | None = None  # None = every channel
    severity: str = WARNING  # 'error' | 'warning'
    is_pattern: bool = False  # avoid is a Python regular expression, matched with IGNORECASE on the original text
    kind: str = "term"  # 'term' | 'disclosure'
    requires: str = ""  # for 'disclosure': the text a promotional post must carry, e.g. "#ad"
    triggers: tuple[str, ...] = ()  # for 'disclosure': words that make a post promotional; empty = every post


@dataclass(frozen=True)
class Topic:
    id: int
    title: str
    keywords: tuple[str, ...] = ()  # the title itself always counts


@dataclass(frozen=True)
class Draft:
    channel: str
    body: str
    title: str = ""
    link: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str
    field: str  # 'body' | 'title' | 'link'
    start: int  # code point offsets in the field's text, end exclusive
    end: int
    rule_id: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.rule_id is None:
            del data["rule_id"]
        return data


class InvalidPattern(ValueError):
    """A rule's regular expression cannot be used; the message says why."""


# --- folding with a map back to the original text -------------------------------------------------

_SPACE_RUNS = re.compile(" +")
_ASCII_SEPARATORS = re.compile(r"[^0-9a-z]")  # after lower(); "_" is already a space (straighten)


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


class _FoldTable(dict):
    """Each character to its folded form (as ``text.fold`` folds it, before elisions and separators),
    for ``str.translate``; filled on first sight. Characters whose folded form is not one character
    long ("ß" -> "ss", a combining accent -> "") are also kept in ``resizing``."""

    def __init__(self) -> None:
        super().__init__()
        self.resizing: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = straighten(ch).lower() if ch.isascii() else fold_unicode(ch)
        if len(folded) != 1:
            self.resizing.add(ch)
        if len(self) < 65536:  # texts in every script of the world will not exhaust memory
            self[code] = folded
        return folded


_FOLD = _FoldTable()
_RESIZING: list = [0, None]  # how many resizing characters the regex below was built from, and it


def _resizing_regex() -> re.Pattern[str]:
    """Any character seen so far whose folded form is not one character long."""
    resizing = _FOLD.resizing
    if _RESIZING[0] != len(resizing):
        _RESIZING[:] = [len(resizing), re.compile("[" + "".join(re.escape(ch) for ch in sorted(resizing)) + "]")]
    return _RESIZING[1]


@lru_cache(maxsize=1)
def _unicode_separator() -> re.Pattern[str] | None:
    """One character that ``text.fold`` treats as a separator (its class without the run), or None
    if that class has changed shape (then runs are blanked one by one, more slowly)."""
    pattern = fold_tables().separators.pattern
    return re.compile(pattern[:-1]) if pattern.startswith("[") and pattern.endswith("]+") else None


class _Folded:
    """A text folded for matching: the same words as ``text.fold(original)`` but with every removed
    character (separator, elision) left as a space, plus where each folded character came from."""

    __slots__ = ("raw", "words", "starts", "ends", "_tokens")

    def __init__(self, raw: str, words: str, starts: list[int] | None, ends: list[int] | None) -> None:
        self.raw = raw  # case, accents and apostrophes folded; punctuation kept (for disclosures such as "#ad")
        self.words = words  # raw with elisions and every separator turned into spaces
        self.starts = starts  # original index of each folded character; None = the folded index itself
        self.ends = ends  # original end (exclusive) of each folded character
        self._tokens: frozenset[str] | None = None

    @property
    def tokens(self) -> frozenset[str]:
        """The spaced-script words and the CJK runs of the text."""
        if self._tokens is None:
            self._tokens = frozenset(_PIECES.findall(self.words))
        return self._tokens

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end) (end > start)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _fold_mapped(text: str) -> _Folded:
    """``text`` folded for matching, with the map back to its original positions."""
    if text.isascii():
        raw = straighten(text).lower()
        starts = ends = None
    else:
        raw = text.translate(_FOLD)
        starts = ends = None
        if not _FOLD.resizing.isdisjoint(text):
            starts, ends = _position_map(text)
    words = ELISION.sub(_blank, raw) if "'" in raw else raw
    if words.isascii():
        words = _ASCII_SEPARATORS.sub(" ", words)
    elif (separator := _unicode_separator()) is not None:
        words = separator.sub(" ", words)
    else:
        words = fold_tables().separators.sub(_blank, words)
    return _Folded(raw, words, starts, ends)


def _position_map(text: str) -> tuple[list[int], list[int]]:
    """Where each folded character of ``text.translate(_FOLD)`` comes from: (start, end) in ``text``.
    A character that folds to nothing (a combining accent, a variation selector) belongs to the one
    before it, so a match that ends on "e" of "e" + U+0301 takes the accent along."""
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _resizing_regex().finditer(text):
        index = match.start()
        if index > position:  # one folded character each
            starts.extend(range(position, index))
            ends.extend(range(position + 1, index + 1))
        folded = _FOLD[ord(text[index])]
        if folded:
            starts.extend([index] * len(folded))
            ends.extend([index + 1] * len(folded))
        elif ends:
            last = ends[-1]
            for back in range(len(ends) - 1, -1, -1):
                if ends[back] != last:
                    break
                ends[back] = index + 1
        position = index + 1
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return starts, ends


def _fold_words(text: str) -> str:
    """A term folded to its words, single-spaced (what ``text.fold`` gives)."""
    return _SPACE_RUNS.sub(" ", _fold_mapped(text).words).strip()


# In folded text every character is a space, a CJK character or part of a spaced-script word.
_WORD_END = f"(?![^ {CJK_CLASS}])"
_PIECES = re.compile(f"[{CJK_CLASS}]+|[^ {CJK_CLASS}]+")


def _term_regex(folded: str) -> str:
    """Whole words for spaced scripts, anywhere for CJK; words separated by any run of separators
    (optional next to CJK)."""
    pieces = _PIECES.findall(folded)
    pattern = ""
    for previous, piece in zip([None, *pieces], pieces):
        if previous is not None:
            pattern += " *" if is_cjk(previous[-1]) or is_cjk(piece[0]) else " +"
        pattern += re.escape(piece)
        if previous is None and not is_cjk(piece[0]):
            # the word must start the text or follow a space or CJK; checked once the word is found,
            # so that the pattern starts with a literal, which the regex engine looks for quickly
            pattern += f"(?<![^ {CJK_CLASS}]{re.escape(piece)})"
    return pattern + ("" if is_cjk(folded[-1]) else _WORD_END)


class _Terms:
    """Several terms matched at once in folded text. A term can only be in a text that has its
    longest word (a set lookup) or, for Chinese, Japanese and Korean, its longest run (a substring
    test), which spares the regular expression almost every text."""

    def __init__(self, terms: Iterable[str]) -> None:
        folded = sorted({f for f in (_fold_words(t) for t in terms) if f}, key=len, reverse=True)
        self.folded = tuple(folded)
        needles = [max(_PIECES.findall(f), key=len) for f in folded]
        self.words = frozenset(n for n in needles if not is_cjk(n[0]))
        self.runs = tuple(dict.fromkeys(n for n in needles if is_cjk(n[0])))
        self.regex = re.compile("|".join(f"(?:{_term_regex(f)})" for f in folded)) if folded else None

    def __bool__(self) -> bool:
        return self.regex is not None

    def finditer(self, folded: _Folded):
        if self.regex is None:
            return
        if self.words.isdisjoint(folded.tokens) and not any(run in folded.words for run in self.runs):
            return
        yield from self.regex.finditer(folded.words)


def split_terms(avoid: str) -> list[str]:
    """The alternatives of a rule's ``avoid``: separated by commas or new lines, blanks dropped."""
    return [term.strip() for term in re.split(r"[,\n]", avoid or "") if term.strip()]


# --- checking rules ------------------------------------------------------------------------------

_EMPTY_PROBES = ("", " ", "a", "ab cd", "é 中文 1\n")


def _quote(text: str, most: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= most else text[: most - 1] + '…'}”"


PATTERN_TIMEOUT = 0.2  # seconds a pattern rule may spend on one field


def _slow_rule(rule, field_name: str):
    return Finding(
        "style.pattern_timeout",
        f"the rule {_quote(rule.avoid)} took too long on this text and was "
        "skipped; ask the guide's editor to simplify it",
        WARNING,
        field_name,
        0,
        0,
        rule.id,
    )


def compile_pattern(pattern: str):
    """A rule's regular expression, compiled, or InvalidPattern saying what is wrong with it."""
    if not pattern or not pattern.strip():
        raise InvalidPattern("the pattern is empty: write the regular expression to look for")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidPattern(f"the pattern is {len(pattern)} characters long; keep it to {MAX_PATTERN_LENGTH}")
    try:
        # the `regex` engine, for its match timeout: a rule like (a+)+$ must not hang a worker
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except (re.error, regex.error) as error:
        raise InvalidPattern(f"the pattern {_quote(pattern)} is not a valid regular expression: {error}") from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise InvalidPattern(f"the pattern {_quote(pattern)} cannot be used: {error}") from None
    for probe in _EMPTY_PROBES:
        try:
            empty = any(match.end() == match.start() for match in compiled.finditer(probe, timeout=PATTERN_TIMEOUT))
        except TimeoutError:
            raise InvalidPattern(
                f"the pattern {_quote(pattern)} takes too long to match even a short text; "
                "simplify it (nested repetitions such as (a+)+ are the usual cause)"
            ) from None
        if empty:
            raise InvalidPattern(
                f"the pattern {_quote(pattern)} matches the empty string, so it would "
                "flag every draft: make it require at least one character"
            )
    return compiled


def check_rule(rule: TermRule) -> None:
    """Raises InvalidPattern or ValueError, with a message for the person writing the rule."""
    if rule.kind not in KINDS:
        raise ValueError(f"unknown rule kind {_quote(str(rule.kind))}: use one of {', '.join(KINDS)}")
    if rule.severity and rule.severity not in SEVERITIES:
        raise ValueError(f"unknown severity {_quote(str(rule.severity))}: use one of {', '.join(SEVERITIES)}")
    if rule.kind == "disclosure":
        if not (rule.requires or "").strip():
            raise ValueError("a disclosure rule needs the text promotional posts must carry (e.g. “#ad”)")
        if len(rule.requires) > MAX_TERM_LENGTH:
            raise ValueError(
                f"the required disclosure is {len(rule.requires)} characters long; keep it to {MAX_TERM_LENGTH}"
            )
        if not _fold_mapped(rule.requires.strip()).raw.strip():
            raise ValueError(f"the required disclosure {_quote(rule.requires)} has nothing to look for")
        for trigger in rule.triggers:
            if trigger.strip() and not _fold_words(trigger):
                raise ValueError(f"the trigger {_quote(trigger)} has no letters or digits to look for")
        return
    if rule.is_pattern:
        compile_pattern(rule.avoid)
        return
    terms = split_terms(rule.avoid)
    if not terms:
        raise ValueError("the rule has no term to avoid: write the word or words to look for")
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise ValueError(f"the term {_quote(term)} is {len(term)} characters long; keep it to {MAX_TERM_LENGTH}")
        if not _fold_words(term):
            raise ValueError(
                f"the term {_quote(term)} has no letters or digits to look for; use a regular expression for symbols"
            )


# --- linting -------------------------------------------------------------------------------------


def _with_reason(message: str, reason: str) -> str:
    reason = " ".join((reason or "").split())
    return f"{message} ({reason})" if reason else message


@dataclass(frozen=True)
class _Compiled:
    rule: TermRule
    terms: _Terms | None = None  # term rules
    pattern: re.Pattern[str] | None = None  # pattern rules
    requires: re.Pattern[str] | None = None  # disclosure rules: searched in the raw folded text
    triggers: _Terms | None = None  # disclosure rules

    @property
    def severity(self) -> str:
        return self.rule.severity or (ERROR if self.rule.kind == "disclosure" else WARNING)


def _requires_regex(requires: str) -> re.Pattern[str]:
    """The required text, folded, not inside a longer word ("#ad" is not in "#adventure")."""
    folded = " ".join(_fold_mapped(requires.strip()).raw.split())
    pattern = r"\s+".join(re.escape(part) for part in folded.split(" "))
    if re.match(r"\w", folded) and not is_cjk(folded[0]):
        pattern = r"(?<!\w)" + pattern
    if re.match(r"\w", folded[-1]) and not is_cjk(folded[-1]):
        pattern += r"(?!\w)"
    return re.compile(pattern)


def _compile(rule: TermRule) -> _Compiled:
    check_rule(rule)
    if rule.kind == "disclosure":
        return _Compiled(rule, requires=_requires_regex(rule.requires), triggers=_Terms(rule.triggers))
    if rule.is_pattern:
        return _Compiled(rule, pattern=compile_pattern(rule.avoid))
    return _Compiled(rule, terms=_Terms(split_terms(rule.avoid)))


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of an HTML tag such as <img src="a.png" alt="">, names in lower case."""
    found = {}
    for match in _ATTRIBUTE.finditer(tag, 4):  # after "<img"
        name, *values = match.groups()
        found.setdefault(name.lower(), next((v for v in values if v is not None), ""))
    return found


class _Plan:
    """The rules of one channel, with term rules indexed by their words: a draft only runs the
    regular expressions of the rules whose longest words it has."""

    def __init__(self, rules: Iterable[_Compiled]) -> None:
        self.rules = tuple(rules)
        self.patterns = tuple(c for c in self.rules if c.pattern is not None)
        self.disclosures = tuple(c for c in self.rules if c.rule.kind == "disclosure")
        self.terms = tuple(c for c in self.rules if c.terms)
        by_word: dict[str, set[int]] = {}
        by_run: dict[str, set[int]] = {}
        for number, compiled in enumerate(self.terms):
            for word in compiled.terms.words:
                by_word.setdefault(word, set()).add(number)
            for run in compiled.terms.runs:
                by_run.setdefault(run, set()).add(number)
        self.by_word = by_word
        self.words = frozenset(by_word)
        self.by_run = tuple(by_run.items())

    def candidates(self, folded: _Folded) -> list[_Compiled]:
        numbers: set[int] = set()
        for word in self.words.intersection(folded.tokens):
            numbers |= self.by_word[word]
        for run, rules in self.by_run:
            if run in folded.words:
                numbers |= rules
        return [self.terms[number] for number in sorted(numbers)]


class Linter:
    """The style guide compiled once; ``lint(draft)`` for each draft.

    A rule that ``check_rule`` refuses is left out rather than failing every draft; ``invalid``
    lists those as (rule id, message), for the style guide's page to show.
    """

    def __init__(self, rules: Iterable[TermRule] = (), topics: Iterable[Topic] = ()) -> None:
        self.rules: tuple[_Compiled, ...]
        compiled, invalid = [], []
        for rule in rules:
            try:
                compiled.append(_compile(rule))
            except ValueError as error:  # InvalidPattern included
                invalid.append((rule.id, str(error)))
        self.rules = tuple(compiled)
        self.invalid: tuple[tuple[int, str], ...] = tuple(invalid)
        self.topics = tuple(topic for topic in topics if (topic.title or "").strip())
        self._topic_terms = _Terms(term for topic in self.topics for term in (topic.title, *topic.keywords))
        self._by_channel: dict[str, _Plan] = {}

    def rules_for(self, channel: str) -> tuple[_Compiled, ...]:
        """The rules that apply to a channel's drafts."""
        return self._plan(channel).rules

    def _plan(self, channel: str) -> _Plan:
        plan = self._by_channel.get(channel)
        if plan is None:
            plan = self._by_channel[channel] = _Plan(
                c for c in self.rules if not c.rule.channel or c.rule.channel == channel
            )
        return plan

    def lint(self, draft: Draft) -> list[Finding]:
        findings: list[Finding] = []
        plan = self._plan(draft.channel)
        texts = {"title": draft.title or "", "body": draft.body or ""}
        folded: dict[str, _Folded] = {}
        urls = {name: [m.span() for m in URL.finditer(text)] if "://" in text else [] for name, text in texts.items()}

        def folded_of(name: str) -> _Folded:
            if name not in folded:
                folded[name] = _fold_mapped(texts[name])
            return folded[name]

        for name in FIELDS:
            text = texts[name]
            if not text:
                continue
            for compiled in plan.patterns:
                try:
                    spans = [
                        m.span()
                        for m in compiled.pattern.finditer(text, timeout=PATTERN_TIMEOUT)
                        if m.end() > m.start()
                    ]
                except TimeoutError:  # a pathological rule on this text: say so, never hang
                    findings.append(_slow_rule(compiled.rule, name))
                    continue
                findings.extend(_term_findings(compiled, name, text, spans))
            if plan.terms:
                field_folded = folded_of(name)
                for compiled in plan.candidates(field_folded):
                    spans = list(_term_spans(compiled.terms, field_folded, urls[name]))
                    findings.extend(_term_findings(compiled, name, text, spans))
        for compiled in plan.disclosures:
            findings.extend(self._disclosure(compiled, texts, folded_of, urls))
        if draft.channel == TOPIC_CHANNEL and self.topics and self._topic_terms:
            if not any(_any_span(self._topic_terms, folded_of(name), urls[name]) for name in FIELDS if texts[name]):
                titles = ", ".join(dict.fromkeys(" ".join(topic.title.split()) for topic in self.topics))
                findings.append(
                    Finding(
                        "style.topic",
                        f"name one of the acceptable blog topics: {titles}",
                        ERROR,
                        "title",
                        0,
                        len(texts["title"]),
                    )
                )
        findings.extend(_image_findings(texts["body"]))
        if draft.channel in TRACKED_CHANNELS:
            findings.extend(_link_findings(draft.channel, texts["body"], draft.link or ""))
        findings.sort(key=lambda f: (f.field, f.start, f.end, f.code, f.rule_id or 0))
        return findings

    @staticmethod
    def _disclosure(compiled: _Compiled, texts, folded_of, urls) -> list[Finding]:
        rule = compiled.rule
        present = [name for name in FIELDS if texts[name]]
        if compiled.triggers and not any(_any_span(compiled.triggers, folded_of(name), urls[name]) for name in present):
            return []  # not promotional
        if any(compiled.requires.search(folded_of(name).raw) for name in present):
            return []
        body = texts["body"]
        message = _with_reason(f"promotional posts must carry {_quote(rule.requires.strip())}", rule.reason)
        return [Finding("style.disclosure", message, compiled.severity, "body", len(body), len(body), rule.id)]


def _outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return not any(s < end and start < e for s, e in spans)


def _term_spans(terms: _Terms, folded: _Folded, skip: list[tuple[int, int]]):
    """Original spans of the terms' matches, leaving out those inside web addresses."""
    for match in terms.finditer(folded):
        start, end = folded.span(*match.span())
        if not skip or _outside(skip, start, end):
            yield start, end


def _any_span(terms: _Terms, folded: _Folded, skip: list[tuple[int, int]]) -> bool:
    return next(_term_spans(terms, folded, skip), None) is not None


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    found, start = [], text.find(needle)
    while start >= 0:
        found.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return found


def _term_findings(compiled: _Compiled, name: str, text: str, spans: list[tuple[int, int]]) -> list[Finding]:
    if not spans:
        return []
    rule = compiled.rule
    prefer = rule.prefer.strip()
    preferred = _occurrences(text, prefer) if prefer else []
    if prefer:
        message = "avoid {}: write " + _quote(prefer).replace("{", "{{").replace("}", "}}") + " instead"
    else:
        message = "{} is never used here; rephrase"
    code = "style.pattern" if rule.is_pattern else ("style.avoid" if prefer else "style.never")
    findings = []
    for start, end in spans:
        if any(p_start <= start and end <= p_end for p_start, p_end in preferred):
            continue  # already written the preferred way ("Atlas 2.0" for the "atlas 2" rule)
        written = message.format(_quote(text[start:end]))
        findings.append(Finding(code, _with_reason(written, rule.reason), compiled.severity, name, start, end, rule.id))
    return findings


def _image_spans(body: str) -> list[tuple[int, int]]:
    spans = []
    if "![" in body:
        spans += [m.span() for m in _MD_IMAGE.finditer(body)]
    if "<" in body:
        spans += [m.span() for m in _HTML_IMAGE.finditer(body)]
    return spans


def _image_findings(body: str) -> list[Finding]:
    findings = []
    if "![" in body:
        for match in _MD_IMAGE.finditer(body):
            if not match.group(1).strip():
                url = match.group(2) or "url"
                findings.append(
                    Finding(
                        "style.image_without_alt",
                        f"describe the image in its alt text: ![what it shows]({url})",
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
                findings.append(
                    Finding(
                        "style.image_without_alt",
                        f'describe the image in its alt text: <img src="{src}" alt="what it shows">',
                        WARNING,
                        "body",
                        *match.span(),
                    )
                )
    return findings


def _utm_hint(channel: str) -> str:
    source, medium = UTM_TAGS.get(channel, (channel, "…"))
    return f"utm_source={source}&utm_medium={medium}&utm_campaign=…"


def _link_findings(channel: str, body: str, link: str) -> list[Finding]:
    findings = []
    hint = _utm_hint(channel)
    if "://" in body:
        images = _image_spans(body)
        for match in URL.finditer(body):
            start, end = match.span()
            while end > start and body[end - 1] in ".,;:!?'\"":  # the sentence's punctuation, not the link's
                end -= 1
            url = body[start:end]
            if has_utm(url) or not _outside(images, start, end):
                continue
            findings.append(
                Finding(
                    "style.untracked_link",
                    f"add UTM tags to {url} ({hint}) so its clicks can be counted",
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
                f"add UTM tags to {stripped} ({hint}) so its clicks can be counted",
                WARNING,
                "link",
                0,
                len(link),
            )
        )
    return findings


def lint(draft: Draft, rules: Iterable[TermRule], topics: Iterable[Topic] = ()) -> list[Finding]:
    """The draft's findings, sorted by field and position (builds a Linter: reuse one for many drafts)."""
    return Linter(rules, topics).lint(draft)
