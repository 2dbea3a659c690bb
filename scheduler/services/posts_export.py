"""The posts a filter matches, as CSV (``domain.posts_csv``): what an import reads back.

Written as it is read, a batch at a time in the list's order (``post_pages.each_matching``), so an export
of a plan with 100,000 posts never holds them all in memory: a spooled file takes what is more than a
megabyte. Each post's time is on its plan's clock, with the offset.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

from sqlalchemy import select

from scheduler.domain import posts_csv
from scheduler.models import Plan
from scheduler.models.database import db
from scheduler.services import post_pages

BATCH = 500
SPOOLED_IN_MEMORY = 1024 * 1024


def csv_chunks(filters: post_pages.Filters, sort: str = "time", direction: str = "desc") -> Iterator[str]:
    """The header, then the rows, a batch per chunk."""
    plans = {plan.id: (plan.name, plan.timezone) for plan in db.session.scalars(select(Plan))}
    yield posts_csv.lines([posts_csv.COLUMNS])
    batch = []
    for post in post_pages.each_matching(filters, sort, direction, batch=BATCH):
        name, time_zone = plans.get(post.plan_id, ("", "UTC"))
        batch.append(posts_csv.export_row(post, name, time_zone))
        if len(batch) == BATCH:
            yield posts_csv.lines(batch)
            batch = []
    if batch:
        yield posts_csv.lines(batch)


def spooled(filters: post_pages.Filters, sort: str = "time", direction: str = "desc") -> IO[bytes]:
    """The export written out now (in memory up to a megabyte, then in a temporary file), rewound for
    sending: the reading is done while the request's session is there, and the file is sent after."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOLED_IN_MEMORY, mode="w+b")
    for chunk in csv_chunks(filters, sort, direction):
        out.write(chunk.encode("utf-8"))
    out.seek(0)
    return out


def filename(filters: post_pages.Filters) -> str:
    return f"posts-plan-{filters.plan_id}.csv" if filters.plan_id else "posts.csv"
