"""A CSV of posts imported into a plan, each row checked as the editor checks a post.

Each row goes through the editor's own path: ``posts.create_post`` (its fields read and refused as the
API refuses them, the theme decided from the plan's keywords, the channel's rules from its adapter, the
style guide's lint), and, when the good rows are to be scheduled, ``posts.schedule_post`` (blocking
findings, approval, the queue). A row is good when all of that takes it and nothing it found is an error;
a bad row is rolled back alone (``unit_of_work.on_its_own``) and reported by line, field and message,
and the good rows are kept. The rows are committed a batch at a time (``BATCH`` rows, one unit of work
each), so a file of 10,000 never holds the database's write lock for long: SQLite has one writer, and the
workers delivering posts meanwhile must not wait for the whole file.

The file's shape, both ways, is ``domain.posts_csv``'s; an export (``posts_export``) imports as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.domain import formats, posts_csv
from scheduler.domain.language import _
from scheduler.domain.posts_csv import Problem
from scheduler.services import clock, metrics, plans, posts
from scheduler.services.errors import Invalid, ServiceError
from scheduler.services.lifecycle import DRAFT, IN_REVIEW
from scheduler.services.post_checks import blocking_errors, in_words
from scheduler.services.unit_of_work import on_its_own, unit_of_work
from scheduler.services.validation import Reader

MOST_ROWS = 20_000
BATCH = 500  # rows per unit of work
ERRORS_KEPT = 500  # in an answer; the count says how many there were


@dataclass
class ImportResult:
    rows: int
    post_ids: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # how many of the imported posts are in each status
    errors: list[Problem] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.post_ids)

    @property
    def rows_refused(self) -> int:
        return len({problem.line for problem in self.errors})


class _Refused(Exception):
    """A row the checks found errors in: its post is rolled back."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems


def import_posts(data: bytes, plan_id, *, schedule: bool = False) -> ImportResult:
    """Every good row of the CSV ``data`` made a post of the plan: a draft, or scheduled (``schedule``)."""
    reader = Reader({"plan_id": plan_id})
    plan_id = reader.integer("plan_id", minimum=1)
    reader.done()
    plan = plans.get_plan(plan_id)
    table = metrics.read_upload(data)
    problems = posts_csv.header_problems(table.header)
    if problems:
        raise Invalid(problems)
    if len(table.rows) > MOST_ROWS:
        raise Invalid(
            {
                "file": _(
                    "has %(rows)s rows; import at most %(most)s at once",
                    rows=formats.number(len(table.rows)),
                    most=formats.number(MOST_ROWS),
                )
            }
        )
    rows = posts_csv.read_rows(table, plan.timezone)
    result = ImportResult(rows=len(rows), unused_columns=posts_csv.unused_columns(table.header))
    for start in range(0, len(rows), BATCH):
        _import(plan, rows[start : start + BATCH], schedule, result)
    return result


@unit_of_work
def _import(plan, rows: list[posts_csv.Row], schedule: bool, result: ImportResult) -> None:
    """One batch of rows, one unit of work."""
    for row in rows:
        if row.problems:
            result.errors.extend(row.problems)
            continue
        try:
            with on_its_own():
                post = _one(plan, row, schedule)
        except _Refused as refused:
            result.errors.extend(refused.problems)
            continue
        except Invalid as error:
            result.errors.extend(_field_problems(row.line, error))
            continue
        except ServiceError as error:
            result.errors.append(Problem(row.line, "row", error.message))
            continue
        result.post_ids.append(post.id)
        result.statuses[post.status] = result.statuses.get(post.status, 0) + 1


def _one(plan, row: posts_csv.Row, schedule: bool):
    post = posts.create_post({**row.data, "plan_id": plan.id})
    errors = blocking_errors(post)
    if errors:
        raise _Refused([Problem(row.line, p.get("field") or "body", p["message"]) for p in in_words(post, errors)])
    if schedule:
        # a time already past is refused for scheduling (the contract); said here too, by row and field
        if post.scheduled_at <= clock.now():
            raise _Refused(
                [Problem(row.line, "scheduled_at", _("is already past: a post is scheduled for a time to come"))]
            )
        posts.schedule_post(post)
    return post


def _field_problems(line: int, error: Invalid) -> list[Problem]:
    if not error.fields:
        return [Problem(line, "row", error.message)]
    return [Problem(line, name, problem) for name, problem in error.fields.items()]


def problem_dict(problem: Problem) -> dict:
    return {"line": problem.line, "field": problem.field, "message": problem.message}


def result_dict(result: ImportResult) -> dict:
    return {
        "rows": result.rows,
        "imported": result.imported,
        "scheduled": sum(n for status, n in result.statuses.items() if status not in (DRAFT, IN_REVIEW)),
        "in_review": result.statuses.get(IN_REVIEW, 0),
        "drafts": result.statuses.get(DRAFT, 0),
        "post_ids": result.post_ids,
        "errors": [problem_dict(p) for p in result.errors[:ERRORS_KEPT]],
        "errors_total": len(result.errors),
        "rows_refused": result.rows_refused,
        "unused_columns": result.unused_columns,
    }
