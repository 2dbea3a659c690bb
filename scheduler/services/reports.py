"""The compliance report of a plan: database rows in, the domain's report out."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from datetime import date as date_type

from sqlalchemy import case, func, select

from ..dbfunctions import epoch_seconds
from ..domain.compliance import compliance_from_tallies, empty_tallies, report_rows_csv
from ..domain.facts import COUNTED_STATUSES, CommitmentFacts, PlanFacts, PostFacts
from ..domain.periods import offset_segments
from ..domain.repetition import find_repeated_messages
from ..extensions import db
from ..models import Plan, Post

EPOCH_DAY = date_type(1970, 1, 1)


def plan_facts(plan: Plan) -> PlanFacts:
    return PlanFacts(id=plan.id, name=plan.name, theme=plan.theme, key_message=plan.key_message or "",
                     keywords=tuple(plan.keywords or ()), starts_on=plan.starts_on, ends_on=plan.ends_on,
                     timezone=plan.timezone)


def commitment_facts(plan: Plan) -> list[CommitmentFacts]:
    return [CommitmentFacts(channel=c.channel, posts=c.posts, per=c.per, on_theme_min=c.on_theme_min,
                            one_note_max_share=c.one_note_max_share) for c in plan.commitments]


def plan_utc_bounds(plan: Plan) -> tuple[datetime, datetime]:
    zone = ZoneInfo(plan.timezone)
    start = datetime.combine(plan.starts_on, time(), zone).astimezone(timezone.utc)
    end = datetime.combine(plan.ends_on + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    return start, end


def counted_filter(plan: Plan, start, end):
    return (Post.plan_id == plan.id, Post.channel.in_([c.channel for c in plan.commitments]),
            Post.status.in_(COUNTED_STATUSES), Post.scheduled_at >= start, Post.scheduled_at < end)


def day_tallies(plan: Plan, facts: PlanFacts, commitments) -> dict:
    """Counted posts per channel and local day, counted by the database (one GROUP BY per UTC offset)."""
    tallies = empty_tallies(facts, commitments)
    first_day = (plan.starts_on - EPOCH_DAY).days
    for start, end, offset in offset_segments(plan.starts_on, plan.ends_on, plan.timezone):
        local_day = (epoch_seconds(Post.scheduled_at) + offset) // 86400
        rows = db.session.execute(
            select(Post.channel, local_day, func.count(),
                   func.sum(case((Post.on_theme.is_(True), 1), else_=0)),
                   func.sum(case((Post.status == "published", 1), else_=0)))
            .where(*counted_filter(plan, start, end))
            .group_by(Post.channel, local_day)
        ).all()
        for channel, day, posts, on_theme, published in rows:
            tallies[channel].add(int(day) - first_day, posts, int(on_theme or 0), int(published or 0))
    return tallies


def counted_posts(plan: Plan) -> list[PostFacts]:
    """Only the columns that are needed, only the posts that can count: this runs over 100k+ rows."""
    start, end = plan_utc_bounds(plan)
    columns = [Post.id, Post.channel, Post.scheduled_at, Post.status, Post.on_theme,
               Post.adapted_from_post_id, Post.source_item_id, Post.title, Post.body]
    rows = db.session.execute(
        select(*columns).where(*counted_filter(plan, start, end))
    ).all()
    return [
        PostFacts(id=row.id, channel=row.channel, scheduled_at=row.scheduled_at, status=row.status,
                  on_theme=bool(row.on_theme), adapted_from_post_id=row.adapted_from_post_id,
                  source_item_id=row.source_item_id,
                  text=f"{row.title or ''}\n{row.body or ''}".strip())
        for row in rows
    ]


def compliance(plan: Plan, with_repetition: bool = True) -> dict:
    facts, commitments = plan_facts(plan), commitment_facts(plan)
    repeated = find_repeated_messages(counted_posts(plan)) if with_repetition else []
    return compliance_from_tallies(facts, commitments, day_tallies(plan, facts, commitments), repeated)


def as_csv(report: dict) -> str:
    return report_rows_csv(report)


def as_table(report: dict) -> str:
    """A plain-text table for the terminal."""
    header = ("channel", "committed", "posts", "published", "on theme", "coverage", "floor", "ceiling",
              "met/short/below/one-note", "status")
    lines = [header]
    for row in report["channels"]:
        periods = row["periods"]
        coverage = "-" if row["coverage_ratio"] is None else f"{row['coverage_ratio']:.0%}"
        lines.append((row["channel"], str(row["committed_posts"]), str(row["posts"]), str(row["published"]),
                      str(row["on_theme"]), coverage, f"{row['floor']:.0%}", f"{row['ceiling']:.0%}",
                      f"{periods['met']}/{periods['short']}/{periods['below_floor']}/{periods['one_note']}"
                      f" of {periods['total']}", row["status"]))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    ratio = report["theme_coverage_ratio"]
    plan = report["plan"]
    text.insert(0, f"{plan['name']} ({plan['starts_on']} to {plan['ends_on']}, {plan['timezone']}): "
                   f"theme coverage {'-' if ratio is None else f'{ratio:.0%}'}")
    text.append(f"repeated messages: {len(report['repeated_messages'])}")
    for group in report["repeated_messages"]:
        text.append(f"  {group['channel']}: posts {', '.join(map(str, group['post_ids']))} "
                    f"(similarity {group['similarity']:.2f})")
    return "\n".join(text) + "\n"
