"""The style guide compiled once, and each draft linted against it.

Build a ``Linter`` once for a set of rules and topics and call ``.lint(draft)`` for each draft:
the rules are compiled once. ``lint(draft, rules, topics)`` is the one-off shorthand.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.domain.language import _
from scheduler.domain.links import URL
from scheduler.domain.style_lint.folding import Folded, fold_mapped
from scheduler.domain.style_lint.images_and_links import TRACKED_CHANNELS, image_findings, link_findings
from scheduler.domain.style_lint.rules import (
    ERROR,
    FIELDS,
    LINT_BUDGET,
    PATTERN_TIMEOUT,
    TOPIC_CHANNEL,
    WARNING,
    Draft,
    Finding,
    TermRule,
    Topic,
    check_rule,
    compile_pattern,
    quote,
    split_terms,
)
from scheduler.domain.style_lint.terms import Terms, any_span, term_spans
from scheduler.domain.text import is_cjk


def _with_reason(message: str, reason: str) -> str:
    reason = " ".join((reason or "").split())
    return f"{message} ({reason})" if reason else message


@dataclass(frozen=True)
class _Compiled:
    rule: TermRule
    terms: Terms | None = None  # term rules
    pattern: re.Pattern[str] | None = None  # pattern rules
    requires: re.Pattern[str] | None = None  # disclosure rules: searched in the raw folded text
    triggers: Terms | None = None  # disclosure rules

    @property
    def severity(self) -> str:
        return self.rule.severity or (ERROR if self.rule.kind == "disclosure" else WARNING)


def _requires_regex(requires: str) -> re.Pattern[str]:
    """The required text, folded, not inside a longer word ("#ad" is not in "#adventure")."""
    folded = " ".join(fold_mapped(requires.strip()).raw.split())
    pattern = r"\s+".join(re.escape(part) for part in folded.split(" "))
    if re.match(r"\w", folded) and not is_cjk(folded[0]):
        pattern = r"(?<!\w)" + pattern
    if re.match(r"\w", folded[-1]) and not is_cjk(folded[-1]):
        pattern += r"(?!\w)"
    return re.compile(pattern)


def _compile(rule: TermRule) -> _Compiled:
    check_rule(rule)
    if rule.kind == "disclosure":
        return _Compiled(rule, requires=_requires_regex(rule.requires), triggers=Terms(rule.triggers))
    if rule.is_pattern:
        return _Compiled(rule, pattern=compile_pattern(rule.avoid))
    return _Compiled(rule, terms=Terms(split_terms(rule.avoid)))


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

    def candidates(self, folded: Folded) -> list[_Compiled]:
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
        self._topic_terms = Terms(term for topic in self.topics for term in (topic.title, *topic.keywords))
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

    def lint(self, draft: Draft, budget: float = LINT_BUDGET) -> list[Finding]:
        """The draft's findings; the pattern rules share ``budget`` seconds, and those it does not reach
        are each named in a ``style.pattern_skipped`` warning."""
        findings: list[Finding] = []
        deadline, skipped = time.monotonic() + budget, {}
        plan = self._plan(draft.channel)
        texts = {"title": draft.title or "", "body": draft.body or ""}
        folded: dict[str, Folded] = {}
        urls = {name: [m.span() for m in URL.finditer(text)] if "://" in text else [] for name, text in texts.items()}

        def folded_of(name: str) -> Folded:
            if name not in folded:
                folded[name] = fold_mapped(texts[name])
            return folded[name]

        for name in FIELDS:
            text = texts[name]
            if not text:
                continue
            for compiled in plan.patterns:
                left = deadline - time.monotonic()
                if left <= 0:
                    skipped.setdefault(compiled.rule.id, compiled.rule)
                    continue
                try:
                    spans = [
                        m.span()
                        for m in compiled.pattern.finditer(text, timeout=min(PATTERN_TIMEOUT, left))
                        if m.end() > m.start()
                    ]
                except TimeoutError:  # a pathological rule on this text, or the budget spent: say so, never hang
                    if left < PATTERN_TIMEOUT:
                        skipped.setdefault(compiled.rule.id, compiled.rule)
                    else:
                        findings.append(_slow_rule(compiled.rule, name))
                    continue
                findings.extend(_term_findings(compiled, name, text, spans))
            if plan.terms:
                field_folded = folded_of(name)
                for compiled in plan.candidates(field_folded):
                    spans = list(term_spans(compiled.terms, field_folded, urls[name]))
                    findings.extend(_term_findings(compiled, name, text, spans))
        findings.extend(_skipped_rule(rule, budget) for rule in skipped.values())
        for compiled in plan.disclosures:
            findings.extend(self._disclosure(compiled, texts, folded_of, urls))
        if draft.channel == TOPIC_CHANNEL and self.topics and self._topic_terms:
            if not any(any_span(self._topic_terms, folded_of(name), urls[name]) for name in FIELDS if texts[name]):
                titles = ", ".join(dict.fromkeys(" ".join(topic.title.split()) for topic in self.topics))
                findings.append(
                    Finding(
                        "style.topic",
                        _("name one of the acceptable blog topics: %(topics)s", topics=titles),
                        ERROR,
                        "title",
                        0,
                        len(texts["title"]),
                    )
                )
        findings.extend(image_findings(texts["body"]))
        if draft.channel in TRACKED_CHANNELS:
            findings.extend(link_findings(draft.channel, texts["body"], draft.link or ""))
        findings.sort(key=lambda f: (f.field, f.start, f.end, f.code, f.rule_id or 0))
        return findings

    @staticmethod
    def _disclosure(compiled: _Compiled, texts, folded_of, urls) -> list[Finding]:
        rule = compiled.rule
        present = [name for name in FIELDS if texts[name]]
        if compiled.triggers and not any(any_span(compiled.triggers, folded_of(name), urls[name]) for name in present):
            return []  # not promotional
        if any(compiled.requires.search(folded_of(name).raw) for name in present):
            return []
        body = texts["body"]
        message = _with_reason(
            _("promotional posts must carry %(disclosure)s", disclosure=quote(rule.requires.strip())), rule.reason
        )
        return [Finding("style.disclosure", message, compiled.severity, "body", len(body), len(body), rule.id)]


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
    code = "style.pattern" if rule.is_pattern else ("style.avoid" if prefer else "style.never")
    findings = []
    for start, end in spans:
        if any(p_start <= start and end <= p_end for p_start, p_end in preferred):
            continue  # already written the preferred way ("Atlas 2.0" for the "atlas 2" rule)
        term = quote(text[start:end])
        if prefer:
            written = _("avoid %(term)s: write %(prefer)s instead", term=term, prefer=quote(prefer))
        else:
            written = _("%(term)s is never used here; rephrase", term=term)
        fix = in_case_of(text[start:end], prefer) if prefer and not rule.is_pattern else None
        findings.append(
            Finding(code, _with_reason(written, rule.reason), compiled.severity, name, start, end, rule.id, fix)
        )
    return findings


def in_case_of(written: str, prefer: str) -> str:
    """The preferred term in the case of the words it replaces: "Utilise" → "Use", "UTILISE" → "USE";
    a preferred term with capitals of its own ("Atlas 2.0") is kept as the guide writes it."""
    if prefer != prefer.lower():
        return prefer
    if len(written) > 1 and written.isupper():
        return prefer.upper()
    if written[:1].isupper():
        return prefer[:1].upper() + prefer[1:]
    return prefer


def _slow_rule(rule, field_name: str):
    return Finding(
        "style.pattern_timeout",
        _(
            "the rule %(rule)s took too long on this text and was skipped; ask the guide's editor to simplify it",
            rule=quote(rule.avoid),
        ),
        WARNING,
        field_name,
        0,
        0,
        rule.id,
    )


def _skipped_rule(rule, budget: float):
    seconds = format(budget, "g")
    return Finding(
        "style.pattern_skipped",
        _(
            "the rule %(rule)s was not checked: the style guide's patterns used up their %(seconds)s s for this"
            " draft; ask the guide's editor to simplify the slow ones",
            rule=quote(rule.avoid),
            seconds=seconds,
        ),
        WARNING,
        "body",
        0,
        0,
        rule.id,
    )


def lint(draft: Draft, rules: Iterable[TermRule], topics: Iterable[Topic] = ()) -> list[Finding]:
    """The draft's findings, sorted by field and position (builds a Linter: reuse one for many drafts)."""
    return Linter(rules, topics).lint(draft)
