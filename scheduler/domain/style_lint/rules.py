"""What the style guide is made of (term and disclosure rules, topics), what it checks (drafts) and
what it finds, and the checks a rule must pass before it is saved.

A pattern rule is a regular expression run by the ``regex`` engine with a time budget
(``PATTERN_TIMEOUT`` a field, ``LINT_BUDGET`` for all of them on one draft): a rule like ``(a+)+$``
must not hang a worker, nor ten such rules an editor. One that matches the
empty string, or is slow on a short probe, is refused when it is written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import regex

from scheduler.domain.language import _
from scheduler.domain.style_lint.folding import fold_mapped, fold_words

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)
KINDS = ("term", "disclosure")
TOPIC_CHANNEL = "blog"
MAX_PATTERN_LENGTH = 500
MAX_TERM_LENGTH = 500
PATTERN_TIMEOUT = 0.2  # seconds a pattern rule may spend on one field
# seconds all the pattern rules together may spend on one draft: the editor lints on every keystroke, and
# ten slow rules at PATTERN_TIMEOUT each on two fields took 4 s. Rules left when it is spent are skipped
# and named (a warning), never silently passed
LINT_BUDGET = 0.5
MAX_PATTERN_RULES = 50  # pattern rules a guide may hold: each costs every lint a regex run per field
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
    # what to write instead, for a one-click fix in the editor (a term rule's preferred term, in the case
    # of the words it replaces); None where the fix needs a person (a word never used, a pattern)
    replacement: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        for name in ("rule_id", "replacement"):
            if data[name] is None:
                del data[name]
        return data


class InvalidPattern(ValueError):
    """A rule's regular expression cannot be used; the message says why."""


_EMPTY_PROBES = ("", " ", "a", "ab cd", "é 中文 1\n")


def quote(text: str, most: int = 60) -> str:
    """A piece of text for a message: on one line, cut to ``most`` characters, in quotes."""
    text = " ".join(text.split())
    cut = text if len(text) <= most else text[: most - 1] + "…"
    return _("“%(text)s”", text=cut)  # quotation marks as the language writes them («  » in French)


def compile_pattern(pattern: str):
    """A rule's regular expression, compiled, or InvalidPattern saying what is wrong with it."""
    if not pattern or not pattern.strip():
        raise InvalidPattern(_("the pattern is empty: write the regular expression to look for"))
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidPattern(
            _(
                "the pattern is %(length)s characters long; keep it to %(most)s",
                length=len(pattern),
                most=MAX_PATTERN_LENGTH,
            )
        )
    try:
        # the `regex` engine, for its match timeout: a rule like (a+)+$ must not hang a worker
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except (re.error, regex.error) as error:
        raise InvalidPattern(
            _(
                "the pattern %(pattern)s is not a valid regular expression: %(error)s",
                pattern=quote(pattern),
                error=error,
            )
        ) from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise InvalidPattern(
            _("the pattern %(pattern)s cannot be used: %(error)s", pattern=quote(pattern), error=error)
        ) from None
    for probe in _EMPTY_PROBES:
        try:
            empty = any(match.end() == match.start() for match in compiled.finditer(probe, timeout=PATTERN_TIMEOUT))
        except TimeoutError:
            raise InvalidPattern(
                _(
                    "the pattern %(pattern)s takes too long to match even a short text; simplify it"
                    " (nested repetitions such as (a+)+ are the usual cause)",
                    pattern=quote(pattern),
                )
            ) from None
        if empty:
            raise InvalidPattern(
                _(
                    "the pattern %(pattern)s matches the empty string, so it would flag every draft:"
                    " make it require at least one character",
                    pattern=quote(pattern),
                )
            )
    return compiled


def check_rule(rule: TermRule) -> None:
    """Raises InvalidPattern or ValueError, with a message for the person writing the rule."""
    if rule.kind not in KINDS:
        raise ValueError(
            _("unknown rule kind %(kind)s: use one of %(kinds)s", kind=quote(str(rule.kind)), kinds=", ".join(KINDS))
        )
    if rule.severity and rule.severity not in SEVERITIES:
        raise ValueError(
            _(
                "unknown severity %(severity)s: use one of %(severities)s",
                severity=quote(str(rule.severity)),
                severities=", ".join(SEVERITIES),
            )
        )
    if rule.kind == "disclosure":
        if not (rule.requires or "").strip():
            raise ValueError(_("a disclosure rule needs the text promotional posts must carry (e.g. “#ad”)"))
        if len(rule.requires) > MAX_TERM_LENGTH:
            raise ValueError(
                _(
                    "the required disclosure is %(length)s characters long; keep it to %(most)s",
                    length=len(rule.requires),
                    most=MAX_TERM_LENGTH,
                )
            )
        if not fold_mapped(rule.requires.strip()).raw.strip():
            raise ValueError(
                _("the required disclosure %(disclosure)s has nothing to look for", disclosure=quote(rule.requires))
            )
        for trigger in rule.triggers:
            if trigger.strip() and not fold_words(trigger):
                raise ValueError(
                    _("the trigger %(trigger)s has no letters or digits to look for", trigger=quote(trigger))
                )
        return
    if rule.is_pattern:
        compile_pattern(rule.avoid)
        return
    terms = split_terms(rule.avoid)
    if not terms:
        raise ValueError(_("the rule has no term to avoid: write the word or words to look for"))
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise ValueError(
                _(
                    "the term %(term)s is %(length)s characters long; keep it to %(most)s",
                    term=quote(term),
                    length=len(term),
                    most=MAX_TERM_LENGTH,
                )
            )
        if not fold_words(term):
            raise ValueError(
                _(
                    "the term %(term)s has no letters or digits to look for; use a regular expression for symbols",
                    term=quote(term),
                )
            )


def split_terms(avoid: str) -> list[str]:
    """The alternatives of a rule's ``avoid``: separated by commas or new lines, blanks dropped."""
    return [term.strip() for term in re.split(r"[,\n]", avoid or "") if term.strip()]
