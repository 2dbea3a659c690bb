"""The compliance report of a plan: the rollup's tallies and the stored repeated messages in, the
domain's report out; and the report as a terminal table or CSV."""

from scheduler.domain.compliance import compliance_from_tallies
from scheduler.domain.compliance_csv import report_rows_csv
from scheduler.models import Plan
from scheduler.services import clock
from scheduler.services.repeated_messages import repeated_messages
from scheduler.services.report_data import (
    commitment_facts,
    pending_tallies,
    plan_facts,
    read_rollup,
    recorded_tallies,
)


def compliance(plan: Plan, with_repetition: bool = True) -> dict:
    """The report as of today on the plan's clock (which periods are past, current, to come)."""
    facts, commitments = plan_facts(plan), commitment_facts(plan)
    rollup = read_rollup(plan, facts, commitments)  # before the posts: see repeated_messages
    repeated = repeated_messages(plan, facts, commitments, rollup.revision) if with_repetition else []
    pending = pending_tallies(plan, facts, commitments)
    recorded = recorded_tallies(plan, facts, commitments)
    today = clock.today(plan.timezone)
    return compliance_from_tallies(
        facts, commitments, rollup.tallies, repeated, pending, today=today, recorded=recorded
    )


def as_csv(report: dict) -> str:
    return report_rows_csv(report)


def as_table(report: dict) -> str:
    """A plain-text table for the terminal."""
    header = (
        "channel",
        "committed",
        "posts",
        "published",
        "on theme",
        "coverage",
        "floor",
        "ceiling",
        "met/short/below/one-note",
        "status",
    )
    lines = [header]
    for row in report["channels"]:
        periods = row["periods"]
        coverage = "-" if row["coverage_ratio"] is None else f"{row['coverage_ratio']:.0%}"
        lines.append(
            (
                row["channel"],
                str(row["committed_posts"]),
                str(row["posts"]),
                str(row["published"]),
                str(row["on_theme"]),
                coverage,
                f"{row['floor']:.0%}",
                f"{row['ceiling']:.0%}",
                f"{periods['met']}/{periods['short']}/{periods['below_floor']}/{periods['one_note']}"
                f" of {periods['total']}",
                row["status"] if row.get("judged", True) else f"too early to judge ({row['status']})",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    ratio = report["theme_coverage_ratio"]
    plan = report["plan"]
    text.insert(
        0,
        f"{plan['name']} ({plan['starts_on']} to {plan['ends_on']}, {plan['timezone']}): "
        f"theme coverage {'-' if ratio is None else f'{ratio:.0%}'}",
    )
    text.append(f"repeated messages: {len(report['repeated_messages'])}")
    for group in report["repeated_messages"]:
        text.append(
            f"  {group['channel']}: posts {', '.join(map(str, group['post_ids']))} "
            f"(similarity {group['similarity']:.2f})"
        )
    return "\n".join(text) + "\n"
