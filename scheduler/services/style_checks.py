"""What the style guide checks in a draft: its term rules and topics built into one linter (rebuilt
only when one of them changes, since the editor asks on every keystroke), the findings for a post,
and a lint asked for by the editor, the API or the CLI."""

import threading
import time

from sqlalchemy import func, select

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain.style_lint.linter import Linter
from scheduler.domain.style_lint.rules import Draft, TermRule, Topic
from scheduler.models import StyleEntry
from scheduler.models.database import db
from scheduler.services.validation import Reader


def term_rule(entry: StyleEntry) -> TermRule:
    return TermRule(
        id=entry.id or 0,
        avoid=entry.avoid or "",
        prefer=entry.prefer or "",
        reason=(entry.body or "").strip()[:300],
        channel=entry.channel,
        severity=entry.severity,
        is_pattern=bool(entry.is_pattern),
        kind=entry.rule or "term",
        requires=entry.requires or "",
        triggers=tuple(entry.triggers or ()),
    )


_linter_lock = threading.Lock()
_linter_cache: dict = {}
_stamp_cache: dict = {}
LINTED_KINDS = ("term_rule", "topic")
# How long a process trusts its last look at the guide's rules. Safe because no check can be fresher than
# the moment it ran anyway: a rule saved in another process while a worker re-checks a post just before
# sending it was always a race, and this only widens that window from the query's duration to 2 s, as if
# the rule had been saved 2 s later. A change made in this process is seen at once (``forget_guide_stamp``).
GUIDE_STAMP_MAX_AGE = 2.0  # seconds
_GUIDE_STAMP = select(func.count(StyleEntry.id), func.max(StyleEntry.updated_at)).where(
    StyleEntry.kind.in_(LINTED_KINDS)
)


def linter() -> Linter:
    """Rebuilt only when a rule or topic changed (a count and the newest change, in one query)."""
    key = (db.engine.url.render_as_string(), _guide_stamp())
    with _linter_lock:
        if _linter_cache.get("key") != key:
            entries = list(
                db.session.scalars(
                    select(StyleEntry).where(StyleEntry.kind.in_(LINTED_KINDS), StyleEntry.deleted_at.is_(None))
                )
            )
            rules = [term_rule(e) for e in entries if e.kind == "term_rule"]
            topics = [
                Topic(id=e.id, title=e.title, keywords=tuple(e.keywords or ())) for e in entries if e.kind == "topic"
            ]
            _linter_cache.update(key=key, linter=Linter(rules, topics))
        return _linter_cache["linter"]


def _guide_stamp() -> tuple:
    """The rules' count and newest change, asked of the database at most every GUIDE_STAMP_MAX_AGE seconds;
    a worker otherwise spent a query per delivery on it. Kept per engine, so a new app (a test's, another
    database) always asks."""
    engine, checked = db.engine, time.monotonic()
    with _linter_lock:
        if _stamp_cache.get("engine") is engine and checked - _stamp_cache["at"] < GUIDE_STAMP_MAX_AGE:
            return _stamp_cache["stamp"]
        generation = _stamp_cache.get("generation", 0)
    stamp = tuple(db.session.execute(_GUIDE_STAMP).one())
    with _linter_lock:
        if _stamp_cache.get("generation", 0) == generation:  # else a change here began meanwhile: not kept
            _stamp_cache.update(engine=engine, at=checked, stamp=stamp)
    return stamp


def forget_guide_stamp() -> None:
    """After this process changed the guide: its next lint must see the change, not wait for the stamp to age."""
    with _linter_lock:
        generation = _stamp_cache.get("generation", 0) + 1
        _stamp_cache.clear()
        _stamp_cache["generation"] = generation


def style_findings(content: PostContent) -> list[dict]:
    draft = Draft(channel=content.channel, body=content.body or "", title=content.title or "", link=content.link or "")
    return [finding.to_dict() for finding in linter().lint(draft)]


def merged_problems(channel_problems: list[dict], findings: list[dict]) -> list[dict]:
    """The channel's problems and the guide's findings, without saying the same thing twice (an
    adapter already flags untracked links and images without alt text on its own channel)."""
    known = {p.get("code") for p in channel_problems}
    return channel_problems + [f for f in findings if f["code"].removeprefix("style.") not in known]


def lint_request(data) -> dict:
    """``POST /style/lint``: the channel's own findings (limits, with the draft) and the guide's."""
    reader = Reader(data)
    channel = reader.choice("channel", channel_registry.names())
    body = reader.text("body", required=False, max_length=100_000)
    title = reader.text("title", required=False, max_length=300)
    link = reader.text("link", required=False, max_length=2000)
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    trusted = bool(reader.boolean_or_none("trusted_html"))  # nothing is saved: the editor says what the post is
    reader.done()
    content = PostContent(channel=channel, body=body, title=title, link=link, extra=extra, trusted_html=trusted)
    validation = channel_registry.get(channel).validate(content)
    problems = merged_problems([p.to_dict() for p in validation.problems], style_findings(content))
    for problem in problems:  # a finding about the whole field (a missing subject...) is at no one place
        problem.setdefault("field", "body")
        problem.setdefault("start", 0)
        problem.setdefault("end", problem["start"])
    return {
        "problems": problems,
        "valid": not any(p["severity"] == "error" for p in problems),
        "length": validation.length.to_dict() if validation.length else None,
        "preview": validation.draft.preview if validation.draft else "",
    }


# --- examples that work, from the library -------------------------------------------------------------
