"""The report the database counts equals the report counted post by post, across clock changes."""

import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from scheduler.domain.compliance import compliance_report
from scheduler.models import Post
from scheduler.models.database import db
from scheduler.services import clock, report_data, reports
from tests.factories import commit, make_plan

STATUSES = ["draft", "scheduled", "queued", "published", "published", "failed", "cancelled", "unconfirmed"]


@pytest.mark.parametrize(
    "zone, starts_on, ends_on",
    [
        ("Europe/Paris", "2031-03-24", "2031-04-06"),  # spring forward on 2031-03-30
        ("Europe/Paris", "2031-10-20", "2031-11-02"),  # fall back on 2031-10-26
        ("America/New_York", "2031-11-01", "2031-11-09"),
        ("Australia/Lord_Howe", "2031-04-03", "2031-04-09"),  # a half-hour clock change
        ("Asia/Kolkata", "2031-01-01", "2031-01-10"),
    ],
)
def test_database_tallies_match_counting_each_post(app, zone, starts_on, ends_on):
    plan = make_plan(starts_on=starts_on, ends_on=ends_on, timezone=zone)
    commit(plan, "twitter", posts=3)
    commit(plan, "blog", per="week", posts=2, on_theme_min=1, one_note_max_share=0.5)
    rng = random.Random(zone)
    tz = ZoneInfo(zone)
    start = datetime.combine(plan.starts_on, time(), tz).astimezone(timezone.utc) - timedelta(hours=3)
    rows = []
    for n in range(600):
        # many posts right at local midnights, plus random ones, some outside the plan
        if n % 3 == 0:
            day = plan.starts_on + timedelta(days=rng.randrange(-1, (plan.ends_on - plan.starts_on).days + 2))
            when = datetime.combine(day, time(), tz).astimezone(timezone.utc) + timedelta(
                seconds=rng.choice([-1, 0, 1])
            )
        else:
            when = start + timedelta(seconds=rng.randrange(20 * 86400))
        rows.append(
            {
                "plan_id": plan.id,
                "channel": rng.choice(["twitter", "blog", "youtube"]),
                "title": "",
                "body": f"post {n}",
                "link": "",
                "extra": {},
                "scheduled_at": when,
                "status": rng.choice(STATUSES),
                "on_theme": rng.random() < 0.5,
                "theme_source": "keywords",
                "theme_matched": [],
                "problems": [],
                "attempts": 0,
                "failure_reason": "",
                "remote_id": "",
                "remote_url": "",
            }
        )
    db.session.execute(insert(Post), rows)
    db.session.commit()
    by_database = reports.compliance(plan, with_repetition=False)
    every_post = [p for p in report_data.counted_posts(plan)]
    by_python = compliance_report(
        report_data.plan_facts(plan),
        report_data.commitment_facts(plan),
        every_post,
        repeated=[],
        today=clock.today(plan.timezone),
    )
    assert by_database == by_python
    assert sum(row["posts"] for row in by_database["channels"]) > 100
