"""A contest's result: its entries read from the database, their figures as of the moment that counts,
scored and ranked by the domain (``domain.contests``).

The moment that counts is now while the contest runs, and its end once it is over: metrics that come
in late (an analytics export imported a week after a post went out) count as long as the contest
runs, and a finished contest's result is computed as of its end and kept (``freeze``), on the first
read after the end. Figures as of a moment come from the items' readings (``item_metrics``, one per
item, source and day) observed by then; an item that has no reading at all is taken as it stands.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from scheduler.domain import contests as rules
from scheduler.domain.language import _
from scheduler.models import ContentItem, Contest, ItemMetric, Post, ReferralCode, Subscriber, User
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services.items import IN_CHUNK, TRAILING_DAYS
from scheduler.services.unit_of_work import unit_of_work

PUBLISHED = "published"


def window(contest: Contest) -> tuple[datetime, datetime]:
    return rules.window(contest.starts_on, contest.ends_on, contest.timezone)


def is_over(contest: Contest, now: datetime | None = None) -> bool:
    return (now or clock.now()) >= window(contest)[1]


def result(contest: Contest) -> dict:
    """The contest's result: the kept one once frozen; else as of now, frozen first when it is over."""
    if contest.frozen_at is not None:
        return contest.result
    if is_over(contest):
        return freeze(contest)
    return compute(contest, clock.now())


@unit_of_work
def freeze(contest: Contest) -> dict:
    """Computes the result as of the end and keeps it; a contest already frozen keeps its result."""
    if contest.frozen_at is None:
        contest.result = compute(contest, window(contest)[1])
        contest.frozen_at = clock.now()
    return contest.result


def compute(contest: Contest, as_of: datetime) -> dict:
    """``{as_of, leaderboard: [{rank, person, person_id, entries, score, ...}], entries: [...]}``."""
    start, end = window(contest)
    until = min(as_of, end)
    if contest.metric == "signups":
        board, entries = _signups(contest, start, until)
    else:
        scored, posts = _scored_entries(contest, start, end, until)
        entries = [_entry_dict(s, posts[s.entry.post_id]) for s in scored]
        board = _ideas(contest, scored) if contest.kind == "ideas" else _people(contest, scored)
    return {"as_of": until.isoformat(), "leaderboard": board, "entries": entries}


# --- per-post metrics --------------------------------------------------------------------------------


def _scored_entries(contest: Contest, start: datetime, end: datetime, until: datetime):
    query = select(Post).where(
        Post.status == PUBLISHED,
        Post.author_id.is_not(None),
        Post.published_at >= start,
        Post.published_at < end,
        Post.published_at <= until,
    )
    if contest.channels:
        query = query.where(Post.channel.in_(list(contest.channels)))
    if contest.participants and contest.kind != "ideas":
        query = query.where(Post.author_id.in_([int(p) for p in contest.participants]))
    if contest.kind == "ideas":
        linked = {int(post_id) for idea in contest.ideas for post_id in idea.post_ids or []}
        query = query.where(Post.id.in_(linked or [0]))
    posts = {post.id: post for post in db.session.scalars(query.order_by(Post.published_at, Post.id))}
    if contest.metric == "follower_growth":
        figures = {int(k): float(v) for k, v in (contest.figures or {}).items()}
        entries = [rules.Entry(p.id, p.author_id, p.channel, figures.get(p.id)) for p in posts.values()]
        return rules.score_entries(entries, {}), posts
    items = dict(
        db.session.execute(
            select(ContentItem.post_id, ContentItem.id).where(ContentItem.post_id.in_(list(posts) or [0]))
        ).all()
    )
    reference_items = _reference_items(contest, until, exclude=set(items.values()))
    values = metrics_as_of([*items.values(), *(i for ids in reference_items.values() for i in ids)], until, contest)
    entries = [
        rules.Entry(p.id, p.author_id, p.channel, _figure(values.get(items.get(p.id)), contest.metric))
        for p in posts.values()
    ]
    references = {
        channel: [f for f in (_figure(values.get(i), contest.metric) for i in ids) if f is not None]
        for channel, ids in reference_items.items()
    }
    return rules.score_entries(entries, references), posts


def _figure(values: dict | None, metric: str) -> float | None:
    return None if values is None else rules.figure(values, metric)


def _reference_items(contest: Contest, until: datetime, exclude: set[int]) -> dict[str, list[int]]:
    """Per channel, the library's items published in the trailing window before ``until``: what an
    entry is measured against, as the library's top performers are."""
    query = select(ContentItem.channel, ContentItem.id).where(
        ContentItem.published_at >= until - timedelta(days=TRAILING_DAYS), ContentItem.published_at <= until
    )
    if contest.channels:
        query = query.where(ContentItem.channel.in_(list(contest.channels)))
    found: dict[str, list[int]] = defaultdict(list)
    for channel, item_id in db.session.execute(query):
        if item_id not in exclude:
            found[channel].append(item_id)
    return found


def metrics_as_of(item_ids: list[int], until: datetime, contest: Contest) -> dict[int, dict]:
    """Each item's counters from its readings observed on or before ``until``'s day (on the contest's
    clock); an item with no reading at all, as it stands."""
    last_day = (until - timedelta(microseconds=1)).astimezone(ZoneInfo(contest.timezone)).date()  # the end is open
    readings: dict[int, list] = defaultdict(list)
    ever_read: set[int] = set()
    current: dict[int, dict] = {}
    for begin in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[begin : begin + IN_CHUNK]
        for item_id, observed_on, observed_at, reading_id, values in db.session.execute(
            select(
                ItemMetric.item_id, ItemMetric.observed_on, ItemMetric.observed_at, ItemMetric.id, ItemMetric.values
            ).where(ItemMetric.item_id.in_(chunk))
        ):
            ever_read.add(item_id)
            if observed_on <= last_day:
                readings[item_id].append(((observed_on, observed_at, reading_id), values or {}))
        unread = [i for i in chunk if i not in ever_read]
        if unread:
            for item in db.session.scalars(select(ContentItem).where(ContentItem.id.in_(unread))):
                current[item.id] = item.metrics
    found = {item_id: rules.values_as_of(found) for item_id, found in readings.items()}
    return {**found, **current}


def _names(person_ids) -> dict[int, str]:
    ids = [int(i) for i in person_ids]
    if not ids:
        return {}
    return {user.id: user.display_name for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _people(contest: Contest, scored: list[rules.ScoredEntry]) -> list[dict]:
    by_person: dict[int, list[float | None]] = defaultdict(list)
    for person_id in contest.participants or []:  # every participant is listed, entries or not
        by_person.setdefault(int(person_id), [])
    for s in scored:
        by_person[s.entry.person_id].append(s.score)
    names = _names(by_person)
    rows = {person: (len(scores), rules.total(scores)) for person, scores in by_person.items()}
    return [
        {"rank": s.rank, "person": names.get(s.key, _("person %(id)s", id=s.key)), "person_id": s.key}
        | {"entries": s.entries, "score": s.score}
        for s in rules.standings(rows, names)
    ]


def _ideas(contest: Contest, scored: list[rules.ScoredEntry]) -> list[dict]:
    score_of = {s.entry.post_id: s.score for s in scored}
    ideas = {idea.id: idea for idea in contest.ideas}
    rows = {}
    for idea in ideas.values():
        tried = [score_of[int(p)] for p in idea.post_ids or [] if int(p) in score_of]
        rows[idea.id] = (len(tried), rules.mean(tried))
    names = _names({i.author_id for i in ideas.values() if i.author_id})
    return [
        {
            "rank": s.rank,
            "person": names.get(ideas[s.key].author_id, _("someone who left")),
            "person_id": ideas[s.key].author_id,
            "idea_id": s.key,
            "idea": ideas[s.key].text,
            "entries": s.entries,
            "score": s.score,
        }
        for s in rules.standings(rows, {k: i.text for k, i in ideas.items()})
    ]


def _entry_dict(scored: rules.ScoredEntry, post: Post) -> dict:
    text = (post.title or post.body or "").strip().splitlines()
    return {
        "post_id": post.id,
        "person_id": post.author_id,
        "channel": post.channel,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "text": (text[0] if text else "")[:120],
        "figure": scored.entry.figure,
        "score": None if scored.score is None else round(scored.score, rules.SCORE_DECIMALS),
    }


# --- signups by referral code ------------------------------------------------------------------------


def referral_people() -> dict[str, int]:
    """Each referral code's person: the one it was made for, else the person whose name or email is
    the code's staff name."""
    people = list(db.session.execute(select(User.id, User.name, User.email)).all())
    by_name = {}
    for person_id, name, email in people:
        for word in (name, email):
            if word:
                by_name.setdefault(" ".join(word.split()).casefold(), person_id)
    found = {}
    for code, user_id, staff_name in db.session.execute(
        select(ReferralCode.code, ReferralCode.user_id, ReferralCode.staff_name)
    ):
        person = user_id or by_name.get(" ".join((staff_name or "").split()).casefold())
        if person is not None:
            found[code] = person
    return found


def _signups(contest: Contest, start: datetime, until: datetime):
    codes = referral_people()
    wanted = {int(p) for p in contest.participants or []}
    rows = db.session.execute(
        select(Subscriber.referral_code, Subscriber.confirmed_at)
        .where(
            Subscriber.referral_code.in_(list(codes) or [""]),
            Subscriber.confirmed_at >= start,
            Subscriber.confirmed_at < until,
        )
        .order_by(Subscriber.confirmed_at)
    ).all()
    counted: dict[int, int] = defaultdict(int)
    for person in wanted:
        counted[person] += 0
    entries = []
    for code, confirmed_at in rows:
        person = codes[code]
        if wanted and person not in wanted:
            continue
        counted[person] += 1
        entries.append({"person_id": person, "code": code, "confirmed_at": confirmed_at.isoformat()})
    names = _names(counted)
    standings = rules.standings({p: (n, float(n)) for p, n in counted.items()}, names)
    board = [
        {"rank": s.rank, "person": names.get(s.key, _("person %(id)s", id=s.key)), "person_id": s.key}
        | {"entries": s.entries, "score": s.score}
        for s in standings
    ]
    return board, entries
