"""The library's rankings: which items did best, on which channels, and what the best have in common.

Read as plain columns (no ORM objects: this runs over 100k+ items) and ranked by the domain
(``domain.ranking``, ``domain.patterns``); the items themselves are ``services.items``'.
"""

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import channels.registry as channel_registry
from scheduler.domain.language import _
from scheduler.domain.patterns import find_patterns
from scheduler.domain.ranking import METRICS, ItemFacts, rank_items
from scheduler.domain.themes import match_keywords
from scheduler.models import ContentItem, Plan
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services.errors import Malformed
from scheduler.services.items import IN_CHUNK, TRAILING_DAYS
from scheduler.services.validation import Reader, is_id

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FACT_COLUMNS = (
    ContentItem.id,
    ContentItem.channel,
    ContentItem.published_at,
    ContentItem.link,
    ContentItem.content_type,
    *(getattr(ContentItem, name) for name in METRICS),
)
_THEME_COLUMNS = (ContentItem.title, ContentItem.summary_text)


def item_facts(channels=None, until: datetime | None = None, plan: Plan | None = None) -> list[ItemFacts]:
    """The ranking's input, read as plain columns (no ORM objects: this runs over 100k+ items); the
    text is read only when a plan's keywords must decide the theme."""
    keywords = list(plan.keywords or []) if plan else []
    query = select(*_FACT_COLUMNS, *(_THEME_COLUMNS if keywords else ()))
    if channels:
        query = query.where(ContentItem.channel.in_(list(channels)))
    if until:
        query = query.where(ContentItem.published_at < until)
    facts = []
    width = len(_FACT_COLUMNS)
    for row in db.session.execute(query):
        metrics = {name: value for name, value in zip(METRICS, row[5:width]) if value is not None}
        on_theme = bool(match_keywords(f"{row[width]}\n{row[width + 1]}", keywords)) if keywords else None
        facts.append(
            ItemFacts(
                id=row[0],
                channel=row[1],
                published_at=row[2] or _EPOCH,
                metrics=metrics,
                link=row[3] or "",
                content_type=row[4] or "",
                on_theme=on_theme,
            )
        )
    return facts


def rank(channels=None, as_of: datetime | None = None, plan: Plan | None = None):
    """Every item of the channels ranked against its channel's trailing window ending ``as_of``."""
    as_of = as_of or clock.now()
    facts = item_facts(channels, until=as_of + timedelta(seconds=1), plan=plan)
    return facts, rank_items(facts, as_of=as_of, trailing_days=TRAILING_DAYS)


def ranking_of(item: ContentItem):
    """The item's Ranked now, against its own channel, as the list shows it."""
    _, ranked = rank([item.channel])
    return next((r for r in ranked if r.item_id == item.id), None)


def score_of(item: ContentItem) -> float | None:
    """The item's score now (kept on a post made from it)."""
    ranked = ranking_of(item)
    return None if ranked is None else ranked.score


def rank_for(query: dict):
    """(facts, ranked) for the list's filters (``query_args``): what the list and its patterns share."""
    return rank(query["channels"] or None, as_of=query["until"], plan=query["plan"])


def patterns(query: dict, facts=None) -> list:
    """The patterns behind what worked, for the list's filters; ``facts`` when already ranked."""
    facts = facts if facts is not None else rank_for(query)[0]
    if query["since"]:
        facts = [f for f in facts if f.published_at >= query["since"]]
    return find_patterns(facts, time_zone=query["plan"].timezone if query["plan"] else "UTC")


def query_args(args) -> dict:
    """The list's filters, read and checked once for the API and the pages."""
    reader = Reader(dict(args))
    wanted = [c for c in str(reader.data.get("channel") or "").split(",") if c]
    unknown = [channel_registry.why_unknown(c) for c in wanted if channel_registry.why_unknown(c)]
    if unknown:
        reader.fail("channel", unknown[0])
    since = reader.instant("since") if reader.has("since") and reader.data["since"] else None
    until = reader.instant("until") if reader.has("until") and reader.data["until"] else None
    top = reader.integer("top", minimum=1, maximum=1000, required=False) if reader.data.get("top") else None
    limit = reader.integer("limit", minimum=1, maximum=10000, required=False, default=1000)
    theme = reader.data.get("theme") or None
    if theme not in (None, "on", "off"):
        reader.fail("theme", _("must be on or off"))
    plan = None
    if reader.data.get("plan_id"):
        plan_id = reader.integer("plan_id", minimum=1)
        plan = db.session.get(Plan, plan_id) if is_id(plan_id) else None
        if plan is None and "plan_id" not in reader.errors:
            reader.fail("plan_id", _("no plan with id %(id)s", id=reader.data["plan_id"]))
    if theme and plan is None:
        reader.fail("plan_id", _("is required to filter by theme (the theme is the plan's)"))
    if reader.errors:
        raise Malformed(reader.errors)
    return {
        "channels": wanted,
        "since": since,
        "until": until,
        "top": top,
        "limit": limit,
        "theme": theme,
        "plan": plan,
    }


def list_items(args) -> list[tuple[ContentItem, object]]:
    """(item, Ranked) pairs: best first when ``top`` is given, newest first otherwise."""
    query = query_args(args)
    return chosen_items(query, *rank_for(query))


def chosen_items(query: dict, facts, ranked) -> list[tuple[ContentItem, object]]:
    by_id = {f.id: f for f in facts}
    chosen = [r for r in ranked if _wanted(by_id[r.item_id], query)]
    if query["top"]:
        chosen = [r for r in chosen if r.score is not None][: query["top"]]
    else:
        chosen.sort(key=lambda r: by_id[r.item_id].published_at, reverse=True)
        chosen = chosen[: query["limit"]]
    items = _load([r.item_id for r in chosen])
    return [(items[r.item_id], r) for r in chosen]


def _wanted(fact: ItemFacts, query: dict) -> bool:
    if query["since"] and fact.published_at < query["since"]:
        return False
    if query["theme"] == "on" and not fact.on_theme:
        return False
    return not (query["theme"] == "off" and fact.on_theme)


def _load(item_ids: list[int]) -> dict:
    found = {}
    for start in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[start : start + IN_CHUNK]
        found.update((i.id, i) for i in db.session.scalars(select(ContentItem).where(ContentItem.id.in_(chunk))))
    return found
