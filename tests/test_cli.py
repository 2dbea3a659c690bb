"""The `refrain` command group, run in-process through Flask's CLI runner."""

import json

from scheduler.cli import cli
from tests.factories import BEFORE_THE_PLAN, commit, make_plan, make_post


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_init_is_idempotent(runner):
    assert run(runner, "init").exit_code == 0
    second = run(runner, "init")
    assert second.exit_code == 0 and "database ready" in second.output


def test_report_in_every_format(runner, clock_at):
    clock_at(BEFORE_THE_PLAN)
    plan = make_plan(starts_on="2031-09-01", ends_on="2031-09-07")
    commit(plan, "twitter", posts=2)
    from scheduler.services import posts

    posts.schedule_post(make_post(plan, when="2031-09-02T10:00:00+02:00"))
    table = run(runner, "report", str(plan.id))
    assert table.exit_code == 0 and "twitter" in table.output and "one_note" in table.output
    as_json = json.loads(run(runner, "report", str(plan.id), "--format", "json").output)
    assert as_json["channels"][0]["committed_posts"] == 14
    csv = run(runner, "report", str(plan.id), "--format", "csv").output.splitlines()
    assert csv[0].startswith("channel,") and csv[1].startswith("twitter,")


def test_bad_input_exits_non_zero_with_one_line(runner):
    missing = runner.invoke(cli, ["report", "999"])
    assert missing.exit_code != 0 and "plan 999 not found" in missing.output
    bad_format = runner.invoke(cli, ["report", "1", "--format", "pdf"])
    assert bad_format.exit_code != 0
    not_a_number = runner.invoke(cli, ["report", "one"])
    assert not_a_number.exit_code != 0


def test_demo_fills_a_quarter_on_every_channel(runner, clock_at):
    """Built around a pinned day, so the demo (and this test) is the same whatever day it runs."""
    clock_at("2031-05-10T12:00:00+02:00")
    result = run(runner, "demo", "--today", "2031-05-10")
    assert result.exit_code == 0 and "2031-04-01 to 2031-06-30" in result.output
    from scheduler.services import plans, reports

    plan = plans.all_plans()[0]
    statuses_of_posts = {post.status for post in plan_posts(plan)}
    assert {"published", "scheduled"} <= statuses_of_posts, "before the day published, after it scheduled"
    report = reports.compliance(plan)
    channels = {row["channel"]: row for row in report["channels"]}
    assert set(channels) == {"twitter", "youtube", "newsletter", "blog", "ppc"}
    assert all(row["posts"] > 0 for row in channels.values())
    assert report["repeated_messages"], "the demo repeats one tweet on purpose"
    assert 0 < report["theme_coverage_ratio"] < 1
    statuses = {row["status"] for row in channels.values()}
    assert len(statuses) > 1, "a realistic quarter is not all green"
    from scheduler.services import people

    team = {person.email: person for person in people.everyone()}
    assert sorted(person.role for person in team.values()) == ["creator", "creator", "manager"]
    authors = {post.author_id for post in plan_posts(plan)}
    assert None not in authors and len(authors) == 2, "every post is a creator's"
    overridden = [post for post in plan_posts(plan) if post.style_override]
    decision = overridden[0].style_override if overridden else {}
    assert decision.get("by") == "Mina Laurent" and decision.get("reason"), "the manager's override, with a reason"
    for email in team:  # "how to sign in as each": a line with their address and their link
        assert any(email in line and "/password/" in line for line in result.output.splitlines()), email
    from scheduler.services import rankings, reuse

    top = rankings.list_items({"top": "10"})
    assert len({item.channel for item, _ in top}) >= 3, "the library's top performers span channels"
    found = rankings.patterns(rankings.query_args({"channel": "twitter"}))
    assert any(p.value == "/guides/" and p.metric == "replies" for p in found), "the demo's guides pattern"
    assert reuse.evergreen_proposals(plan).proposals, "evergreen items find free slots"
    count = len(rankings.list_items({"limit": "5000"}))
    again = run(runner, "demo", "--today", "2031-05-10")  # loading twice replaces the demo instead of doubling it
    assert again.exit_code == 0 and len(plans.all_plans()) == 2, "the demo's plan and the quarter before's"
    assert len(rankings.list_items({"limit": "5000"})) == count


def plan_posts(plan):
    from scheduler.services import posts

    return posts.list_posts({"plan_id": plan.id, "limit": 5000})


def test_demo_refuses_a_day_that_is_not_a_date(runner):
    result = runner.invoke(cli, ["demo", "--today", "10/05/2031"])
    assert result.exit_code != 0 and "10/05/2031" in result.output
