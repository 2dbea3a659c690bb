"""The compliance report of a plan: the rollup's tallies and the stored repeated messages in, the
domain's report out; and the report as a terminal table or CSV."""

from scheduler.domain import formats
from scheduler.domain.compliance import compliance_from_tallies
from scheduler.domain.compliance_csv import report_rows_csv
from scheduler.domain.language import _
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
        _("channel"),
        _("committed"),
        _("posts"),
        _("published"),
        _("on theme"),
        _("coverage"),
        _("floor"),
        _("ceiling"),
        _("met/short/below/one-note"),
        _("status"),
    )
    lines = [header]
    for row in report["channels"]:
        periods = row["periods"]
        coverage = "-" if row["coverage_ratio"] is None else formats.share(row["coverage_ratio"])
        lines.append(
            (
                row["channel"],
                str(row["committed_posts"]),
                str(row["posts"]),
                str(row["published"]),
                str(row["on_theme"]),
                coverage,
                formats.share(row["floor"]),
                formats.share(row["ceiling"]),
                _(
                    "%(met)s/%(short)s/%(below)s/%(one_note)s of %(total)s",
                    met=periods["met"],
                    short=periods["short"],
                    below=periods["below_floor"],
                    one_note=periods["one_note"],
                    total=periods["total"],
                ),
                row["status"]
                if row.get("judged", True)
                else _("too early to judge (%(status)s)", status=row["status"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    ratio = report["theme_coverage_ratio"]
    plan = report["plan"]
    text.insert(
        0,
        _(
            "%(plan)s (%(first)s to %(last)s, %(zone)s): theme coverage %(share)s",
            plan=plan["name"],
            first=plan["starts_on"],
            last=plan["ends_on"],
            zone=plan["timezone"],
            share="-" if ratio is None else formats.share(ratio),
        ),
    )
    text.append(_("repeated messages: %(count)s", count=len(report["repeated_messages"])))
    for group in report["repeated_messages"]:
        text.append(
            "  "
            + _(
                "%(channel)s: posts %(posts)s (similarity %(similarity)s)",
                channel=group["channel"],
                posts=", ".join(map(str, group["post_ids"])),
                similarity=formats.number(group["similarity"], 2),
            )
        )
    return "\n".join(text) + "\n"
