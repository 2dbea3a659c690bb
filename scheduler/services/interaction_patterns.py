"""The pattern report: interactions counted per channel, kind and day by the database, judged by the domain.

The count is one ``GROUP BY occurred_on, channel, kind_id`` over the window, which the covering index
``ix_interactions_patterns`` answers in its own order: no table row is read and no sort is made, so a
quarter of a million interactions is counted in a fraction of a second (``python -m bench patterns``).
What comes back is small (days × channels × kinds) and the rest is ``domain.interaction_patterns``.

The words behind a pattern (``terms``) need the comments themselves: the pattern's (its newest
``TERMS_PATTERN_ROWS``) against the window's others, read whole up to ``TERMS_REFERENCE_ROWS`` and,
beyond that, as an even sample (every n-th id), which keeps the shares G² compares.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func, select

from scheduler.domain.distinctive_terms import TermCounts, comment_terms, distinctive_terms
from scheduler.domain.interaction_patterns import Pattern, PatternReport, Tally, find_patterns
from scheduler.domain.language import _
from scheduler.models import Interaction, InteractionKind
from scheduler.models.database import db
from scheduler.services import clock
from scheduler.services import interactions as store
from scheduler.services.errors import Malformed

DEFAULT_DAYS = 90
LONGEST_WINDOW = 3 * 366
TERMS_PATTERN_ROWS = 5000
TERMS_REFERENCE_ROWS = 20000
TOP_TERMS = 10


def today() -> date:
    return clock.now().date()  # interactions are counted by their UTC day


def window(since=None, until=None) -> tuple[date, date]:
    """The days a report covers, both included: the last ``DEFAULT_DAYS`` unless said otherwise."""
    last = _day(until, "until") or today()
    first = _day(since, "since") or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Malformed({"since": _("must not be after until")})
    if (last - first).days >= LONGEST_WINDOW:
        raise Malformed({"since": _("the window may be at most %(days)s days long", days=LONGEST_WINDOW)})
    return first, last


def _day(value, name: str) -> date | None:
    """A date, or the (UTC) day of a time with an offset; 400 otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            return moment.astimezone(timezone.utc).date()
    except ValueError:
        pass
    raise Malformed({name: _("must be a date such as 2031-01-31 (or a time with an offset)")})


def tallies_statement(since: date, until: date):
    """Per day, channel and kind: how many, how many negative. Grouped in the covering index's order."""
    negative = func.sum(case((Interaction.negative, 1), else_=0))
    return (
        select(Interaction.occurred_on, Interaction.channel, Interaction.kind_id, func.count(), negative)
        .where(Interaction.occurred_on >= since, Interaction.occurred_on <= until)
        .group_by(Interaction.occurred_on, Interaction.channel, Interaction.kind_id)
    )


def tallies(since: date, until: date) -> list[Tally]:
    query = tallies_statement(since, until)
    names = dict(db.session.execute(select(InteractionKind.id, InteractionKind.name)).all())
    return [
        Tally(channel, names.get(kind_id, str(kind_id)), day, count, int(bad or 0))
        for day, channel, kind_id, count, bad in db.session.execute(query)
    ]


def report(since=None, until=None) -> PatternReport:
    first, last = window(since, until)
    return find_patterns(tallies(first, last), first, last)


def pattern_dict(pattern: Pattern) -> dict:
    """The contract's shape, and the weekly trend beside it."""
    return {
        "channel": pattern.channel,
        "kind": pattern.kind,
        "count": pattern.count,
        "negative": pattern.negative,
        "negative_share": pattern.negative_share,
        "interval": [pattern.low, pattern.high],
        "flagged": pattern.flagged,
        "weeks": [
            {"starts_on": w.starts_on.isoformat(), "count": w.count, "negative": w.negative} for w in pattern.weeks
        ],
    }


# --- the words behind a pattern ---------------------------------------------------------------------


def _in_window(since: date, until: date):
    return (Interaction.occurred_on >= since, Interaction.occurred_on <= until, Interaction.comment != "")


def _window_sample(since: date, until: date) -> list[tuple[str, int, frozenset]]:
    """(channel, kind id, terms) of the window's comments: all of them, or every n-th id beyond
    ``TERMS_REFERENCE_ROWS``; read once for every pattern the page summarises."""
    total = db.session.scalar(select(func.count()).select_from(Interaction).where(*_in_window(since, until))) or 0
    step = max(1, -(-total // TERMS_REFERENCE_ROWS))
    query = select(Interaction.channel, Interaction.kind_id, Interaction.comment).where(*_in_window(since, until))
    if step > 1:
        query = query.where(Interaction.id % step == 0)
    return [(channel, kind_id, comment_terms(text)) for channel, kind_id, text in db.session.execute(query)]


def terms_of_patterns(keys, since: date, until: date, top: int = TOP_TERMS) -> dict[tuple[str, str], list]:
    """For each (channel, kind name): the terms that set its comments (its newest ``TERMS_PATTERN_ROWS``)
    apart from the window's other comments, best first."""
    kinds = {k.name: k.id for k in store.list_kinds()}
    keys = [(channel, kind) for channel, kind in keys if kind in kinds]
    if not keys:
        return {}
    sample = _window_sample(since, until)
    window_counts = TermCounts.of(terms for _, _, terms in sample)
    found = {}
    for channel, kind in keys:
        kind_id = kinds[kind]
        mine = [
            (row_id, text)
            for row_id, text in db.session.execute(
                select(Interaction.id, Interaction.comment)
                .where(*_in_window(since, until), Interaction.channel == channel, Interaction.kind_id == kind_id)
                .order_by(Interaction.id.desc())
                .limit(TERMS_PATTERN_ROWS)
            )
        ]
        in_sample = TermCounts.of(terms for c, k, terms in sample if (c, k) == (channel, kind_id))
        found[(channel, kind)] = distinctive_terms(mine, window_counts.minus(in_sample), top=top) if mine else []
    return found


def terms(channel: str, kind: str, since: date, until: date, top: int = TOP_TERMS) -> list:
    """The terms of one pattern (``terms_of_patterns``)."""
    return terms_of_patterns([(channel, kind)], since, until, top).get((channel, kind), [])


def terms_asked(args) -> list:
    """``terms`` for a query string's channel, kind, since and until; 400 for a channel or kind that is none."""
    since, until = window(args.get("since"), args.get("until"))
    channel, kind = args.get("channel") or "", store.kind_named(args.get("kind"))
    if store.why_unknown_channel(channel):
        raise Malformed({"channel": store.why_unknown_channel(channel)})
    if kind is None:
        kinds = ", ".join(k.name for k in store.list_kinds())
        raise Malformed({"kind": _("must be one of the team's kinds: %(kinds)s", kinds=kinds)})
    return terms(channel, kind.name, since, until)


def term_dict(term) -> dict:
    return {
        "term": term.term,
        "shown": term.shown,
        "g2": round(term.g2, 2),
        "in_pattern": term.in_pattern,
        "in_reference": term.in_reference,
        "comment_ids": list(term.comment_ids),
    }
