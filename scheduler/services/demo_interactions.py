"""The demo's customer interactions: the 13 weeks before the demo's day, in English, French and Chinese.

Built so the pattern report has something true to say, and something it must not say:

* one real pattern: refund requests on chat go wrong far more often than anything else (about 70 %
  negative over some fifty of them, against a third overall) and no script answers them yet, so the
  report flags them and offers to write one;
* two scripts of the demo's style guide answer their pattern (refund requests by email, complaints on
  Twitter), written halfway through the weeks, after which those patterns turn mostly positive: the
  style guide shows the move, and neither is flagged over the whole window;
* a few isolated incidents: two angry customers at the counter, three unhappy newsletter readers. Too
  few to say anything, and the report says exactly that.

Rows are written as an import named ``demo`` would be (``source``), so loading the demo again replaces
them; their authors are the demo's team.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, select

from scheduler.models import Interaction, InteractionKind, StyleEntry
from scheduler.models.database import db
from scheduler.services import demo_people, demo_style, guidance, people
from scheduler.services import interactions as store

SOURCE = "demo"
EARLIER_SOURCE = "demo-earlier"  # the weeks before, for the quarter before's retrospective (``earlier``)
DAYS = 91
SCRIPT_DAY = 45  # days before the demo's day when the two scripts were written

# (channel, kind): (how many, negative share before the script day, after it)
VOLUMES = {
    ("chat", "refund request"): (52, 0.72, 0.72),
    ("email_support", "refund request"): (56, 0.55, 0.12),
    ("twitter", "complaint"): (70, 0.5, 0.16),
    ("email_support", "question"): (120, 0.12, 0.12),
    ("phone", "question"): (60, 0.18, 0.18),
    ("twitter", "praise"): (64, 0.02, 0.02),
    ("youtube", "question"): (40, 0.2, 0.2),
    ("mastodon", "question"): (18, 0.15, 0.15),
    ("in_person", "complaint"): (2, 1.0, 1.0),  # an isolated incident
    ("newsletter", "complaint"): (4, 0.75, 0.75),  # another
}
SCRIPTS = {  # the demo style guide's scripts, by title, and the pattern each answers
    "A refund request by email": ("email_support", "refund request"),
    "A complaint on Twitter": ("twitter", "complaint"),
}

COMMENTS = {
    ("refund request", True): [
        "Still waiting for my refund after three weeks, the chat agent just closed the conversation.",
        "I asked for a refund twice in the chat and nobody answered, the chat window disconnected again.",
        "Toujours pas de remboursement, le chat s'est coupé au milieu de la conversation.",
        "J'attends mon remboursement depuis un mois, l'agent du chat ne répond plus.",
        "我申请退款已经三周了，在线客服聊天突然断开。",
        "退款一直没有到账，聊天客服也不回复。",
        "Refund promised in the chat never arrived, and the agent disconnected before giving a ticket number.",
    ],
    ("refund request", False): [
        "Refund received quickly, thanks for the help.",
        "Remboursement reçu, merci pour votre réactivité.",
        "退款已收到，谢谢。",
        "The refund landed in five working days as promised.",
    ],
    ("complaint", True): [
        "The calendar export is broken again and support took two days to reply.",
        "Atlas 2.0 keeps logging me out, this is really frustrating.",
        "L'export du calendrier ne fonctionne plus depuis la mise à jour.",
        "登录后一直被退出，很影响使用。",
        "Shouted at the counter: the invoice was wrong again.",
    ],
    ("complaint", False): [
        "Issue fixed within the hour, thanks for the quick answer.",
        "Problème résolu rapidement, merci.",
        "问题很快就解决了，谢谢。",
    ],
    ("question", True): [
        "Could not find how to share a plan, the help page was not helpful.",
        "Je n'ai pas trouvé comment partager le calendrier.",
        "文档里找不到如何导出报告。",
    ],
    ("question", False): [
        "How do I add a second channel to the plan? Answered, thanks.",
        "Comment ajouter un compte Mastodon ? Merci pour la réponse.",
        "如何设置每周的主题？已经明白了。",
        "Is there a discount for non-profits? Thanks for the details.",
    ],
    ("praise", True): ["Nice tool, but the newsletter editor is slow."],
    ("praise", False): [
        "Love how the calendar keeps everyone on theme!",
        "Bravo pour Atlas 2.0, le rapport est très clair.",
        "冬季发布的新功能很好用。",
        "The one-note alert saved our launch week.",
    ],
}


def _kinds() -> dict[str, int]:
    """The demo's kinds by name (made when a team renamed or never had them)."""
    found = {}
    for name in {kind for _channel, kind in VOLUMES}:
        kind = store.kind_named(name)
        if kind is None:
            kind = InteractionKind(name=name)
            db.session.add(kind)
            db.session.flush()
        found[name] = kind.id
    return found


def load(now: datetime, seed: int = 11) -> int:
    """Replaces the demo's interactions (and links its scripts); returns how many were written."""
    rng = random.Random(seed)
    db.session.execute(delete(Interaction).where(Interaction.source == SOURCE))
    kinds = _kinds()
    team = _team()
    script_at = now - timedelta(days=SCRIPT_DAY)
    rows = []
    for (channel, kind), (count, before, after) in VOLUMES.items():
        for n in range(count):
            when = now - timedelta(days=rng.uniform(0.2, DAYS - 1), hours=rng.uniform(0, 3))
            negative = rng.random() < (before if when < script_at else after)
            rows.append(
                _row(
                    rng,
                    channel,
                    kinds[kind],
                    kind,
                    negative,
                    when,
                    team[(len(rows) + n) % len(team)] if team else None,
                    SOURCE,
                    f"demo-{len(rows)}",
                )
            )
    db.session.execute(insert(Interaction), rows)
    _link_scripts(kinds, script_at)
    return len(rows)


def earlier(since: datetime, until: datetime, seed: int = 12) -> int:
    """The weeks before ``load``'s (the quarter before's, for its retrospective): the same channels and
    kinds at the same daily rates, as they were before any script was written. Replaces those of an
    earlier demo; returns how many were written."""
    db.session.execute(delete(Interaction).where(Interaction.source == EARLIER_SOURCE))
    days = (until - since).total_seconds() / 86400
    if days <= 0:
        return 0
    rng, kinds, team, rows = random.Random(seed), _kinds(), _team(), []
    for (channel, kind), (count, before, _after) in VOLUMES.items():
        for _ in range(round(count * days / DAYS)):
            when = since + timedelta(days=rng.uniform(0, days))
            author = team[len(rows) % len(team)] if team else None
            rows.append(
                _row(
                    rng,
                    channel,
                    kinds[kind],
                    kind,
                    rng.random() < before,
                    when,
                    author,
                    EARLIER_SOURCE,
                    f"{EARLIER_SOURCE}-{len(rows)}",
                )
            )
    if rows:
        db.session.execute(insert(Interaction), rows)
    return len(rows)


def _team() -> list:
    team = [people.by_email(email) for email, _name, _role in (demo_people.MANAGER, *demo_people.CREATORS)]
    return [person for person in team if person is not None]


def _row(rng, channel, kind_id, kind, negative, when, author, source: str, key: str) -> dict:
    return {
        "channel": channel,
        "kind_id": kind_id,
        "negative": negative,
        "comment": rng.choice(COMMENTS[(kind, negative)]),
        "link": "",
        "customer": f"customer{rng.randrange(1, 400)}@example.com",
        "occurred_at": when,
        "occurred_on": when.astimezone(timezone.utc).date(),
        "author_id": author.id if author else None,
        "author_name": author.name if author else "demo",
        "source": source,
        "source_key": key,
        "created_at": when,
        "updated_at": when,
    }


def _link_scripts(kinds: dict[str, int], written: datetime) -> None:
    for title, (channel, kind) in SCRIPTS.items():
        entry = db.session.scalar(
            select(StyleEntry).where(StyleEntry.title == title, StyleEntry.updated_by == demo_style.AUTHOR)
        )
        if entry is None:
            continue
        entry.created_at = written  # "written" halfway through the weeks: the guide shows the move since
        guidance.keep_pattern(entry, (channel, kinds[kind]))
