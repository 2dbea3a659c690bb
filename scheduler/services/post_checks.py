"""What Refrain checks on a post whenever it is saved, scheduled or about to be delivered: its theme
(from the plan's keywords, unless set by hand), its channel's rules and the style guide."""

from datetime import datetime

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain import language
from scheduler.domain.language import _
from scheduler.domain.periods import local_day
from scheduler.domain.themes import decide_theme
from scheduler.infra import catalogs
from scheduler.models import Plan, Post
from scheduler.services import style_checks
from scheduler.services.plans import slug


def content_of(post: Post, plan: Plan | None = None) -> PostContent:
    plan = plan or post.plan
    return PostContent(
        channel=post.channel,
        body=post.body or "",
        title=post.title or "",
        link=post.link or "",
        extra=dict(post.extra or {}),
        id=post.id,
        campaign=slug(plan) if plan else "",
        scheduled_at=post.scheduled_at,
        remote_id=post.remote_id or "",
        trusted_html=bool(post.trusted_html),
    )


def theme_text(content: PostContent) -> str:
    """Everything a reader sees: title, body and the channel's own text fields (headlines, tags...)."""
    parts = [content.title, content.body]
    for value in content.extra.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(item for item in value if isinstance(item, str))
            parts.extend(str(item.get("alt") or "") for item in value if isinstance(item, dict))
    return "\n".join(part for part in parts if part)


def theme_of(plan: Plan, content: PostContent, manual: bool | None):
    """On or off the plan's theme, and why: the one place this is decided, for saved posts and the editor."""
    return decide_theme(theme_text(content), plan.keywords or [], manual)


def check_post(post: Post):
    """Decide the theme (unless set by hand) and record the channel's findings on the post.

    The findings are kept in English whoever saves the post: the worker checks it again before
    delivery (in English: it has no reader) and a manager's override is matched by the finding's words,
    so words kept in the saver's language would block a post a French manager let through. People read
    them in their own language through ``in_words``.

    Returns the channel's validation (with its draft), so a caller about to deliver needs no second pass.
    """
    plan = post.plan
    content = content_of(post, plan)
    manual = post.on_theme if post.theme_source == "manual" else None
    match = theme_of(plan, content, manual)
    if (post.on_theme, post.theme_matched, post.theme_source) != (match.on_theme, list(match.matched), match.source):
        post.on_theme, post.theme_matched, post.theme_source = match.on_theme, list(match.matched), match.source
    with language.speaking(catalogs.translations(language.DEFAULT)):
        validation, problems = _findings(post, plan, content)
    if post.problems != problems:
        post.problems = problems
    return validation


def in_words(post: Post, problems: list[dict] | None = None) -> list[dict]:
    """``problems`` (the post's kept findings by default) in the reader's language: found again, as
    they are, for the same post, and matched by code and field to the kept ones."""
    kept = list(post.problems or []) if problems is None else list(problems)
    if not kept or language.code() == language.DEFAULT:
        return kept
    _validation, fresh = _findings(post, post.plan, content_of(post, post.plan))
    said: dict[tuple, list[str]] = {}
    for problem in fresh:
        said.setdefault((problem.get("code"), problem.get("field")), []).append(problem.get("message", ""))
    taken: dict[tuple, int] = {}
    shown = []
    for problem in kept:
        key = (problem.get("code"), problem.get("field"))
        index = taken.get(key, 0)
        taken[key] = index + 1
        words = said.get(key, [])
        shown.append({**problem, "message": words[index]} if index < len(words) else problem)
    return shown


def _findings(post: Post, plan: Plan, content: PostContent):
    validation, problems = content_findings(content)
    outside = outside_plan(plan, post.scheduled_at)
    return validation, problems + ([outside] if outside else [])


def content_findings(content: PostContent):
    """The channel's validation of ``content`` and its problems merged with the style guide's findings:
    what the editor shows under the text (a saved post's, and a draft an agent checks)."""
    validation = channel_registry.get(content.channel).validate(content)
    problems = style_checks.merged_problems(
        [p.to_dict() for p in validation.problems], style_checks.style_findings(content)
    )
    return validation, problems


def outside_plan(plan: Plan, instant: datetime | None) -> dict | None:
    """The warning for a time outside the plan's dates (the report will not count the post); None inside."""
    if instant is None or _inside_plan(instant, plan):
        return None
    return {
        "code": "outside_plan",
        "severity": "warning",
        "message": _(
            "scheduled outside the plan's dates (%(starts)s to %(ends)s); it will not count in the compliance report",
            starts=plan.starts_on,
            ends=plan.ends_on,
        ),
    }


def blocking_errors(post: Post) -> list[dict]:
    """Errors that stop scheduling and delivery: all of them, but for the style findings a manager
    overrode (by their message, so an edit that brings a new finding needs a new decision)."""
    overridden = set((post.style_override or {}).get("findings") or [])
    return [
        p
        for p in post.problems or []
        if p.get("severity") == "error"
        and not (str(p.get("code", "")).startswith("style.") and p.get("message") in overridden)
    ]


def _inside_plan(instant: datetime, plan: Plan) -> bool:
    return plan.starts_on <= local_day(instant, plan.timezone) <= plan.ends_on
