"""`refrain mcp` as an AI assistant starts it: a subprocess spoken to over stdio by the SDK's own client
(``ClientSession`` over ``stdio_client``), acting as the person whose token is in REFRAIN_TOKEN."""

import subprocess
import sys
from contextlib import asynccontextmanager

from mcp import ClientSession, StdioServerParameters, stdio_client
from sqlalchemy import select

from scheduler.models import Post, PostEvent
from scheduler.models.database import db
from tests.mcp.conftest import FIXED, SYNERGY, call, run_story, seed_team
from tests.support.workers import worker_env

COMMAND = [sys.executable, "-m", "scheduler", "mcp"]


@asynccontextmanager
async def assistant(app, token, log_path):
    """A session with `refrain mcp` started as an assistant starts it, with ``token`` in its environment."""
    env = {k: v for k, v in worker_env(app, REFRAIN_TOKEN=token, LANGUAGE="en").items() if isinstance(v, str)}
    parameters = StdioServerParameters(command=COMMAND[0], args=COMMAND[1:], env=env)
    with open(log_path, "w") as errlog:
        async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


def test_an_agent_drafts_into_a_free_slot_sees_the_style_error_fixes_it_and_schedules_it(app, tmp_path):
    team = seed_team()
    seen = {}

    async def story():
        async with assistant(app, team.creator, tmp_path / "mcp.log") as session:
            listed = {tool.name: tool for tool in (await session.list_tools()).tools}
            seen["tools"] = listed
            status, _error = await call(session, "plan_status", plan_id=team.plan_id)
            seen["status"] = status
            slots, _error = await call(session, "free_slots", plan_id=team.plan_id, channel="twitter", days=2)
            slot = slots["slots"][0]["at"]
            seen["check"], _error = await call(
                session, "check_draft", plan_id=team.plan_id, channel="twitter", body=SYNERGY, scheduled_at=slot
            )
            created, _error = await call(
                session, "create_draft", plan_id=team.plan_id, channel="twitter", body=SYNERGY, scheduled_at=slot
            )
            seen["created"] = created
            post_id = created["post"]["id"]
            seen["refused"] = await call(session, "schedule_post", post_id=post_id)
            seen["fixed"], _error = await call(session, "update_draft", post_id=post_id, body=FIXED)
            seen["scheduled"] = await call(session, "schedule_post", post_id=post_id)
            seen["again"], _error = await call(
                session, "check_draft", plan_id=team.plan_id, channel="twitter", body=FIXED, scheduled_at=slot
            )
            seen["after"], _error = await call(session, "plan_status", plan_id=team.plan_id)
            seen["slots"] = slot, await call(session, "free_slots", plan_id=team.plan_id, channel="twitter", days=2)

    run_story(story)

    tools = seen["tools"]
    assert {"plan_status", "free_slots", "style_lookup", "lint", "check_draft", "create_draft"} <= set(tools)
    assert {"schedule_post", "adapt_library_item", "compliance_report"} <= set(tools)
    assert tools["check_draft"].input_schema["required"] == ["plan_id", "channel", "body"]
    assert "twitter" in tools["check_draft"].input_schema["properties"]["channel"]["enum"]
    assert tools["create_draft"].annotations.read_only_hint is False

    twitter = seen["status"]["channels"][0]
    assert twitter["channel"] == "twitter" and twitter["commitment"]["posts"] == 2
    first = twitter["periods_owing"][0]
    assert (first["posts_owed"], first["on_theme_owed"]) == (2, 1)

    check = seen["check"]
    assert check["verdict"] == "blocked" and check["theme"]["on_theme"] is True
    [problem] = [p for p in check["problems"] if p["code"].startswith("style.")]
    assert problem["field"] == "body" and problem["severity"] == "error" and "teamwork" in problem["message"]
    assert problem["label"] == "Text"

    assert seen["created"]["post"]["status"] == "draft" and seen["created"]["verdict"] == "blocked"
    refusal, is_error = seen["refused"]
    assert is_error
    [why] = refusal["error"]["problems"]
    assert (why["field"], why["label"], why["code"]) == ("body", "Text", "style.avoid")

    assert seen["fixed"]["verdict"] == "ok"
    scheduled, is_error = seen["scheduled"]
    assert not is_error and scheduled["post"]["status"] == "queued" and scheduled["waiting_for_approval"] is False

    # the same words again on the channel, within 14 days: the report would count a repeated message
    again = seen["again"]
    assert again["repetition"]["post_ids"] == [scheduled["post"]["id"]]
    assert [p["severity"] for p in again["problems"] if p["code"] == "repetition"] == ["warning"]
    assert seen["after"]["channels"][0]["periods_owing"][0]["posts"] == 1
    taken, (slots_after, _error) = seen["slots"]
    assert taken not in [s["at"] for s in slots_after["slots"]] and len(slots_after["slots"]) == 3

    db.session.remove()
    post = db.session.scalar(select(Post).where(Post.id == scheduled["post"]["id"]))
    notes = [e.note for e in db.session.scalars(select(PostEvent).where(PostEvent.post_id == post.id))]
    assert "drafted by an agent for Cara Creator through MCP" in notes
    assert post.author.email == "cara@example.com"


def test_a_viewers_token_reads_but_is_refused_for_writes_with_a_reason_it_can_act_on(app, tmp_path):
    team = seed_team()
    seen = {}

    async def story():
        async with assistant(app, team.viewer, tmp_path / "mcp.log") as session:
            seen["status"] = await call(session, "plan_status", plan_id=team.plan_id)
            seen["write"] = await call(session, "create_draft", plan_id=team.plan_id, channel="twitter", body=FIXED)
            seen["plan"] = await session.read_resource(f"refrain://plans/{team.plan_id}")

    run_story(story)

    assert seen["status"][1] is False
    refusal, is_error = seen["write"]
    assert is_error and refusal["error"]["kind"] == "role"
    assert "creator" in refusal["error"]["message"] and "viewer" in refusal["error"]["message"]
    assert '"approval_required"' in seen["plan"].contents[0].text
    assert db.session.scalar(select(Post.id)) is None


def test_refrain_mcp_without_a_valid_token_stops_with_one_line(app):
    for token in ("", "rfn_not-a-token"):
        done = subprocess.run(
            COMMAND, env=worker_env(app, REFRAIN_TOKEN=token), capture_output=True, text=True, timeout=60
        )
        assert done.returncode != 0
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1 and "REFRAIN_TOKEN" in done.stderr
