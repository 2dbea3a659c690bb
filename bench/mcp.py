"""An MCP round trip: ``plan_status`` and ``check_draft`` asked by the SDK's own client, over streamable
HTTP (gunicorn's gthread worker on the real WSGI entry point, as ``refrain serve`` runs it) and over stdio
(``refrain mcp``), against the same questions put to the JSON API by a plain HTTP client to the same
server in the same run: the compliance report (``GET /api/v1/plans/<id>/compliance``, what
``plan_status`` reads) and the editor's lint (``POST /api/v1/style/lint``, the nearest the API has to
``check_draft``, which also matches the theme and looks for repetition; the ``lint`` tool, the very same
work, shows what MCP itself adds). Median and p95 of 200 calls each, after 5 untimed ones; the work itself
(the services called in this process) is printed beside.

The data: the demo quarter and ``--posts`` more posts on it (default 2,000), a session per client.
"""

import os
import random
import statistics
import subprocess
import sys
import time

import anyio
import httpx2
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from bench.common import bench_app
from bench.web import add_posts, free_port, wait_for
from scheduler.services import demo, draft_checks, people, plan_status, tokens

CALLS, WARM_UP = 200, 5
DRAFT = "Summer, simplified: our synergy makes the offer clear #summer https://example.com/guides/summer"


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def timed_calls(func, count: int = CALLS) -> list[float]:
    for _ in range(WARM_UP):
        func()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return times


async def timed_tool_calls(session, tool: str, arguments: dict, count: int = CALLS) -> list[float]:
    for _ in range(WARM_UP):
        await session.call_tool(tool, arguments)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        result = await session.call_tool(tool, arguments)
        times.append((time.perf_counter() - start) * 1000)
        if result.is_error:
            sys.exit(f"{tool} answered an error: {result.content[0].text}")
    return times


def main(posts: int | None = None) -> None:
    posts = 2000 if posts is None else posts
    with bench_app() as app:
        plan = demo.load()
        add_posts(plan, posts, random.Random(17))
        token = tokens.create(people.create_or_update("agent@example.com", "creator", "Bench Agent")[0], "bench")[1]
        plan_id = plan.id
        status_args = {"plan_id": plan_id}
        draft_args = {"plan_id": plan_id, "channel": "twitter", "body": DRAFT}
        work = {
            "plan_status": percentiles(timed_calls(lambda: plan_status.plan_status(plan), 50)),
            "check_draft": percentiles(timed_calls(lambda: draft_checks.check_draft(draft_args), 50)),
        }
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            REFRAIN_INSTANCE=app.config["INSTANCE_PATH"],
            DATABASE_URL=app.config["DATABASE_URL"],
            REDIS_URL=app.extensions["refrain.queue"].embedded.ensure_running(),
            REFRAIN_PUBLIC_URL=url,
        )
        log = open(os.path.join(app.config["INSTANCE_PATH"], "gunicorn.log"), "wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "4", "-w", "1"]
            + ["-b", f"127.0.0.1:{port}", "scheduler.wsgi:app"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(url + "/static/refrain.css", server)
            figures = measure(url, token, env, status_args, draft_args)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    report(posts, work, figures)


def measure(url: str, token: str, env: dict, status_args: dict, draft_args: dict) -> dict:
    bearer = {"Authorization": f"Bearer {token}"}
    figures = {}
    lint = {"channel": draft_args["channel"], "body": draft_args["body"]}
    with httpx2.Client(headers=bearer, timeout=60) as api:
        compliance = f"{url}/api/v1/plans/{status_args['plan_id']}/compliance"
        figures["api report"] = timed_calls(lambda: api.get(compliance).raise_for_status())
        figures["api lint"] = timed_calls(lambda: api.post(f"{url}/api/v1/style/lint", json=lint).raise_for_status())

    async def over_http():
        async with (
            httpx2.AsyncClient(headers=bearer, timeout=60) as http,
            streamable_http_client(url + "/mcp", http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            figures["http plan_status"] = await timed_tool_calls(session, "plan_status", status_args)
            figures["http check_draft"] = await timed_tool_calls(session, "check_draft", draft_args)
            figures["http lint"] = await timed_tool_calls(session, "lint", lint)

    async def over_stdio():
        parameters = StdioServerParameters(
            command=sys.executable, args=["-m", "scheduler", "mcp"], env=dict(env, REFRAIN_TOKEN=token)
        )
        with open(os.devnull, "w") as errlog:
            async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                figures["stdio plan_status"] = await timed_tool_calls(session, "plan_status", status_args)
                figures["stdio check_draft"] = await timed_tool_calls(session, "check_draft", draft_args)
                figures["stdio lint"] = await timed_tool_calls(session, "lint", lint)

    anyio.run(over_http)
    anyio.run(over_stdio)
    return figures


def report(posts: int, work: dict, figures: dict) -> None:
    said = {name: percentiles(times) for name, times in figures.items()}
    print(
        f"MCP round trip, the demo quarter + {posts:,} posts; median / p95 of {CALLS} calls each "
        "(the ratio: p95 against the JSON API's p95 for the same question, same server, same run):"
    )
    rows = [
        ("JSON API  GET  /plans/<id>/compliance", "api report", None),
        ("MCP HTTP  plan_status", "http plan_status", "api report"),
        ("MCP stdio plan_status", "stdio plan_status", "api report"),
        ("JSON API  POST /style/lint", "api lint", None),
        ("MCP HTTP  check_draft", "http check_draft", "api lint"),
        ("MCP stdio check_draft", "stdio check_draft", "api lint"),
        ("MCP HTTP  lint (the same work as the API's)", "http lint", "api lint"),
        ("MCP stdio lint", "stdio lint", "api lint"),
    ]
    for label, name, base in rows:
        median, p95 = said[name]
        ratio = f"   {p95 / said[base][1]:.2f}x" if base else "   baseline"
        print(f"  {label:<46} {median:7.1f} ms / {p95:7.1f} ms{ratio}")
    for name, (median, p95) in work.items():
        print(f"  the work alone, in process: {name:<12} {median:7.1f} ms / {p95:7.1f} ms")
