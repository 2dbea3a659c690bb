"""The MCP server at /mcp over streamable HTTP, served as in production: gunicorn's gthread workers on the
real WSGI entry point, spoken to by the SDK's own client (``ClientSession`` over
``streamable_http_client``) with a person's Bearer token.

One server for the module (starting gunicorn is the slow part); the team and its plan are seeded once,
and each test uses its own posts.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import asynccontextmanager
from types import SimpleNamespace

import httpx2
import pytest
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from sqlalchemy import select

from scheduler import create_app
from scheduler.models import ContentItem
from scheduler.models.database import db
from scheduler.services import items
from tests.conftest import ENVIRONMENT_SETTINGS
from tests.factories import make_person, signed_in
from tests.mcp.conftest import FIXED, SYNERGY, call, run_story, seed_team


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, redis_server, empty_test_database):
    """gunicorn (gthread) serving scheduler.wsgi:app on the test database, and the seeded team."""
    instance = tmp_path_factory.mktemp("mcp-instance")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {
        "REFRAIN_INSTANCE": str(instance),
        "DATABASE_URL": empty_test_database(instance),
        "REDIS_URL": redis_server.url,
        "REFRAIN_PUBLIC_URL": url,
    }
    with pytest.MonkeyPatch.context() as mp:
        for name in ENVIRONMENT_SETTINGS:
            mp.delenv(name, raising=False)
        for name, value in settings.items():
            mp.setenv(name, value)
        app = create_app({"REFRAIN_PASSWORD_HASHING": "fast"})
    with app.app_context():
        app.extensions["refrain.queue"].connection.flushall()
        team = seed_team(approval_required=True)
        owner = make_person("owner@example.com", "owner", "Olive Owner")
        guide = {"remote_id": "guide", "link": "https://example.com/guides/summer", "title": "The summer guide"}
        items.upsert("blog", [dict(guide, summary="<p>How the summer offer works, step by step.</p>")])
        team.item_id = db.session.scalar(select(ContentItem.id))
    log = open(instance / "gunicorn.log", "wb")
    env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT_SETTINGS}
    # one thread: each test's person is served on the very thread that served the one before, so an identity
    # kept from one request to the next (an event loop's context) would show
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "1", "-w", "1"]
        + ["-b", f"127.0.0.1:{port}", "scheduler.wsgi:app"],
        env=dict(env, **settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while _status(url + "/login") != 200:
        assert server.poll() is None and time.monotonic() < deadline, (instance / "gunicorn.log").read_text()
        time.sleep(0.2)
    try:
        yield SimpleNamespace(url=url, app=app, team=team, owner=owner, log=instance / "gunicorn.log")
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def post(url: str, body: dict, headers: dict) -> tuple[int, dict, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@asynccontextmanager
async def assistant(served, token, language="en"):
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(served.url + "/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def test_over_http_an_agent_reads_the_plan_and_a_creators_draft_waits_for_approval(served):
    team, seen = served.team, {}

    async def story():
        async with assistant(served, team.creator) as session:
            seen["tools"] = [tool.name for tool in (await session.list_tools()).tools]
            seen["status"], _error = await call(session, "plan_status", plan_id=team.plan_id)
            slots, _error = await call(session, "free_slots", plan_id=team.plan_id, channel="twitter", days=1)
            slot = slots["slots"][-1]["at"]
            seen["check"], _error = await call(
                session, "check_draft", plan_id=team.plan_id, channel="twitter", body=SYNERGY, scheduled_at=slot
            )
            created, _error = await call(
                session, "create_draft", plan_id=team.plan_id, channel="twitter", body=FIXED, scheduled_at=slot
            )
            seen["scheduled"] = await call(session, "schedule_post", post_id=created["post"]["id"])
            seen["report"], _error = await call(session, "compliance_report", plan_id=team.plan_id)
            seen["adapted"] = await call(session, "adapt_library_item", item_id=team.item_id, channel="twitter")
            seen["entries"] = await session.read_resource("refrain://style/entries")

    run_story(story)

    assert {"plan_status", "check_draft", "create_draft", "schedule_post"} <= set(seen["tools"])
    assert seen["status"]["channels"][0]["periods_owing"][0]["posts_owed"] == 2
    assert seen["check"]["verdict"] == "blocked"
    assert [p["code"] for p in seen["check"]["problems"]] == ["style.avoid"]
    scheduled, is_error = seen["scheduled"]
    assert not is_error and scheduled["post"]["status"] == "in_review" and scheduled["waiting_for_approval"]
    assert seen["report"]["channels"][0]["pending_approval"] == 1
    assert json.loads(seen["entries"].contents[0].text)[0]["avoid"] == "synergy"
    adapted, is_error = seen["adapted"]
    assert not is_error and adapted["post"]["source_item_id"] == team.item_id
    assert adapted["post"]["plan_id"] == team.plan_id and adapted["post"]["status"] == "draft"
    assert "example.com/guides/summer" in adapted["post"]["body"] + adapted["post"]["link"]

    # the post's page shows who drafted it, and how
    page = signed_in(served.app, served.owner).get(f"/posts/{scheduled['post']['id']}")
    assert "drafted by an agent for Cara Creator through MCP" in page.get_data(as_text=True)


def test_over_http_a_read_only_token_reads_and_is_refused_for_writes_in_the_requests_language(served):
    team, seen = served.team, {}

    async def story():
        async with assistant(served, team.read_only, language="fr") as session:
            seen["status"] = await call(session, "plan_status", plan_id=team.plan_id)
            seen["write"] = await call(session, "create_draft", plan_id=team.plan_id, channel="twitter", body=FIXED)
            seen["unknown"] = await call(session, "check_draft", plan_id=999, channel="twitter", body=FIXED)
        # the SDK's newer client, which asks for the protocol's stateless version (no handshake) first
        headers = {"Authorization": f"Bearer {team.read_only}"}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with Client(streamable_http_client(served.url + "/mcp", http_client=http)) as client:
                seen["modern"] = await client.call_tool("plan_status", {"plan_id": team.plan_id})

    run_story(story)

    assert seen["status"][1] is False
    assert not seen["modern"].is_error and seen["modern"].structured_content["channels"][0]["channel"] == "twitter"
    refusal, is_error = seen["write"]
    assert is_error and refusal["error"]["kind"] == "role" and "lecture seule" in refusal["error"]["message"]
    unknown, is_error = seen["unknown"]
    assert is_error and unknown["error"]["problems"][0]["field"] == "plan_id"
    assert unknown["error"]["problems"][0]["label"] == "Plan"


def test_mcp_over_http_takes_a_valid_bearer_token_and_nothing_else(served):
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    for headers in ({}, {"Authorization": "Bearer rfn_mistyped"}, {"Authorization": "Basic b3duZXI6cGFzcw=="}):
        status, answer_headers, _body = post(served.url + "/mcp", hello, headers)
        assert status == 401 and answer_headers["WWW-Authenticate"].startswith("Bearer")
    # a signed-in person's session cookie is not taken here, even from the app's own origin
    cookie = signed_in(served.app, served.owner).get_cookie("session")
    status, _headers, _body = post(
        served.url + "/mcp", hello, {"Cookie": f"session={cookie.value}", "Origin": served.url}
    )
    assert status == 401
    # a token from a script (no Origin, no CSRF token) is answered; another site's page is refused
    token = {"Authorization": f"Bearer {served.team.creator}"}
    status, _headers, body = post(served.url + "/mcp", hello, token)
    assert status == 200 and json.loads(body)["result"]["serverInfo"]["name"] == "refrain"
    status, _headers, _body = post(served.url + "/mcp", hello, {**token, "Origin": "https://elsewhere.example"})
    assert status == 403
