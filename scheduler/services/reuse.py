"""Turning what worked into new posts: "Use on…", evergreen re-runs, and the media library.

A post made from a library item keeps where it came from (``source_item_id``) and how the item
stood then (``lineage``: channel, title, link, score), so the editor can show it and the repetition
check can tell reuse from repetition.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import channels.registry as channel_registry
from channels.base import PostContent
from scheduler.domain.evergreen import RERUN_HOUR, EvergreenCandidate, last_run, propose_reruns
from scheduler.domain.language import _
from scheduler.domain.periods import local_day, local_to_utc
from scheduler.domain.themes import match_keywords
from scheduler.models import ContentItem, Plan, Post
from scheduler.models.database import db
from scheduler.services import rankings
from scheduler.services.clock import now
from scheduler.services.plans import slug
from scheduler.services.posts import create_post
from scheduler.services.report_data import commitment_facts, counted_posts, day_tallies, plan_facts
from scheduler.services.unit_of_work import unit_of_work
from scheduler.services.validation import Reader, is_id


def source_content(item: ContentItem, plan: Plan, scheduled_at: datetime | None) -> PostContent:
    """The item as a post of its own channel: what every adapter knows how to reshape."""
    return PostContent(
        channel=item.channel,
        body=item.summary_text or item.title,
        title=item.title,
        link=item.link,
        extra={"media": list(item.media or [])},
        campaign=slug(plan),
        scheduled_at=scheduled_at,
    )


def item_text(item: ContentItem) -> str:
    """What the item says: its title and text, the title once when it is only the text's first line."""
    title, text = item.title or "", item.summary_text or ""
    if not title or text.startswith(title.rstrip("…")):
        return text or title
    return f"{title}\n{text}" if text else title


def targets_for(item: ContentItem) -> list[tuple[str, str]]:
    """Each channel and why the item cannot go there ("" when it can): a pin needs a picture, say.
    Only the channel's own errors count here; the style guide speaks once the draft exists."""
    source = PostContent(
        channel=item.channel,
        body=item.summary_text or item.title,
        title=item.title,
        link=item.link,
        extra={"media": list(item.media or [])},
    )
    targets = []
    for adapter in channel_registry.all_channels():
        errors = [p.message for p in adapter.validate(adapter.adapt(source)).problems if p.severity == "error"]
        targets.append((adapter.name, "; ".join(errors)))
    return targets


@unit_of_work
def adapt_item(item: ContentItem, data) -> Post:
    """A draft on ``channel`` in ``plan_id``, shaped by that channel's adapter; at ``scheduled_at``,
    or in the channel's next free slot of the plan when no time is given."""
    reader = Reader(data)
    channel = reader.choice("channel", channel_registry.names())
    plan_id = reader.integer("plan_id", minimum=1)
    plan = db.session.get(Plan, plan_id) if is_id(plan_id) else None
    if plan is None and "plan_id" not in reader.errors:
        reader.fail("plan_id", _("no plan with id %(id)s", id=plan_id))
    scheduled_at = reader.instant("scheduled_at", required=False)
    reader.done()
    scheduled_at = scheduled_at or next_free_slot(plan, channel)
    post = create_post(adapted_fields(source_content(item, plan, scheduled_at), channel, plan, scheduled_at))
    post.source_item_id = item.id
    post.lineage = {
        "item_id": item.id,
        "channel": item.channel,
        "title": item.title,
        "link": item.link,
        "score": _rounded(rankings.score_of(item)),
        "at": now().isoformat(),
    }
    return post


def adapted_fields(source: PostContent, channel: str, plan: Plan, scheduled_at: datetime | None) -> dict:
    """What ``create_post`` takes for a draft on ``channel`` shaped by its adapter from ``source`` (a
    library item, a composer's idea): the adapter's own fields only, cut to what a post holds."""
    adapter = channel_registry.get(channel)
    adapted = adapter.adapt(source)
    return {
        "plan_id": plan.id,
        "channel": channel,
        "title": adapted.title[:300],
        "body": adapted.body,
        "link": adapted.link[:2000],
        "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
        "extra": {k: v for k, v in adapted.extra.items() if k in adapter.extra_fields},
    }


def posts_from_item(item: ContentItem) -> list[Post]:
    return list(db.session.scalars(select(Post).where(Post.source_item_id == item.id).order_by(Post.id)))


def _rounded(score):
    return None if score is None else round(score, 1)


def next_free_slot(plan: Plan, channel: str) -> datetime:
    """Where a new post helps most: the channel's first open period from tomorrow, at the re-run hour;
    tomorrow (or the plan's first day) when the channel has no commitment or nothing is open."""
    candidate = EvergreenCandidate(
        item_id=0,
        channel=channel,
        text="",
        on_theme=False,
        last_run=datetime(1970, 1, 1, tzinfo=timezone.utc),
        cooldown_days=0,
    )
    proposals, _ = _propose(plan, [candidate])
    if proposals:
        return proposals[0].at
    day = max(local_day(now(), plan.timezone) + timedelta(days=1), plan.starts_on)
    return local_to_utc(datetime.combine(day, RERUN_HOUR), plan.timezone)


def _propose(plan: Plan, candidates):
    facts, commitments = plan_facts(plan), commitment_facts(plan)
    tallies = day_tallies(plan, facts, commitments)
    labels = {c.name: c.label for c in channel_registry.all_channels()}  # reasons name channels as pages do
    return propose_reruns(
        facts,
        commitments,
        tallies,
        candidates,
        counted_posts(plan),
        today=local_day(now(), plan.timezone),
        labels=labels,
    )


@dataclass
class RerunProposals:
    proposals: list = field(default_factory=list)  # (Proposal, ContentItem)
    refused: list = field(default_factory=list)  # (ContentItem, why)


def evergreen_proposals(plan: Plan) -> RerunProposals:
    items = list(db.session.scalars(select(ContentItem).where(ContentItem.evergreen.is_(True))))
    if not items:
        return RerunProposals()
    reruns = defaultdict(list)
    for item_id, at in db.session.execute(
        select(Post.source_item_id, Post.scheduled_at).where(
            Post.source_item_id.in_([i.id for i in items]), Post.status != "cancelled"
        )
    ):
        if at is not None:
            reruns[item_id].append(at)
    _, ranked = rankings.rank(sorted({i.channel for i in items}))
    scores = {r.item_id: r.score for r in ranked}
    candidates = [
        EvergreenCandidate(
            item_id=i.id,
            channel=i.channel,
            text=item_text(i),
            on_theme=bool(match_keywords(item_text(i), plan.keywords or [])),
            last_run=last_run(i.published_at, reruns[i.id]),
            cooldown_days=i.cooldown_days,
            score=scores.get(i.id),
        )
        for i in items
    ]
    proposals, refused = _propose(plan, candidates)
    by_id = {i.id: i for i in items}
    return RerunProposals(
        [(p, by_id[p.item_id]) for p in proposals], [(by_id[item_id], why) for item_id, why in refused.items()]
    )


# --- the media library -------------------------------------------------------------------------------


@dataclass
class Visual:
    url: str
    alt: str = ""
    channels: dict = field(default_factory=lambda: defaultdict(lambda: {"items": 0, "posts": 0, "scores": []}))

    @property
    def runs(self) -> int:
        return sum(c["items"] + c["posts"] for c in self.channels.values())

    def per_channel(self) -> list[dict]:
        return [
            {
                "channel": name,
                "items": c["items"],
                "posts": c["posts"],
                "mean_score": round(sum(c["scores"]) / len(c["scores"]), 1) if c["scores"] else None,
            }
            for name, c in sorted(self.channels.items())
        ]


def media_library() -> list[Visual]:
    """Every image that ran, with the channels and posts it ran on and how its items scored there."""
    visuals: dict[str, Visual] = {}
    scores = {}
    _, ranked = rankings.rank()
    scores.update((r.item_id, r.score) for r in ranked)
    for item_id, channel, media in db.session.execute(select(ContentItem.id, ContentItem.channel, ContentItem.media)):
        for visual in _images(media):
            entry = visuals.setdefault(visual["url"], Visual(visual["url"], visual.get("alt", "")))
            entry.channels[channel]["items"] += 1
            if scores.get(item_id) is not None:
                entry.channels[channel]["scores"].append(scores[item_id])
    for channel, extra in db.session.execute(select(Post.channel, Post.extra).where(Post.status != "cancelled")):
        for visual in _images((extra or {}).get("media")):
            entry = visuals.setdefault(visual["url"], Visual(visual["url"], visual.get("alt", "")))
            entry.channels[channel]["posts"] += 1
    return sorted(visuals.values(), key=lambda v: (-len(v.channels), -v.runs, v.url))


def _images(media) -> list[dict]:
    return [
        m
        for m in media or []
        if isinstance(m, dict)
        and m.get("url")
        and (
            m.get("type") in ("image", "") or str(m["url"]).lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp"))
        )
    ]
