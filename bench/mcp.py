"""An MCP round trip: ``plan_status`` and ``check_draft`` asked by the SDK's own client, over streamable
HTTP (gunicorn's gthread worker on the real WSGI entry point, as ``refrain serve`` runs it) and over stdio
(``refrain mcp``), against the same questions put to the JSON API by a plain HTTP client to the same
server in the same run: the compliance report (``GET /api/v1/plans/<id>/compliance``, what
``plan_status`` reads) and the editor's lint (``POST /api/v1/style/lint``, the nearest the API has to
``check_draft``, which also matches the theme and looks for repetition; the ``lint`` tool, the very same
work, shows what MCP itself adds). Median and p95 of 200 calls each, after 5 untimed ones, the three ways
asked in turn; the work itself (the services called in this process) is printed beside.

The data: the demo quarter and ``--posts`` more posts on it (default 2,000), a session per client.
"""

import os
import random
import statistics
import subprocess
import sys
import time
from functools import partial

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
    """Each question asked in turn of the three (the API, MCP over HTTP, MCP over stdio), round after round,
    so that whatever else the machine does weighs on all three alike."""
    bearer = {"Authorization": f"Bearer {token}"}
    lint = {"channel": draft_args["channel"], "body": draft_args["body"]}
    compliance = f"{url}/api/v1/plans/{status_args['plan_id']}/compliance"
    questions = {  # what is asked: of the API, and of the MCP tool
        "plan_status": (("GET", compliance, None), status_args),
        "check_draft": (("POST", f"{url}/api/v1/style/lint", lint), draft_args),
        "lint": (("POST", f"{url}/api/v1/style/lint", lint), lint),
    }
    stdio = StdioServerParameters(
        command=sys.executable, args=["-m", "scheduler", "mcp"], env=dict(env, REFRAIN_TOKEN=token)
    )
    figures: dict[str, list[float]] = {}

    async def run():
        with open(os.devnull, "w") as errlog:
            async with (
                httpx2.AsyncClient(headers=bearer, timeout=60) as http,
                streamable_http_client(url + "/mcp", http_client=http) as (read, write),
                ClientSession(read, write) as over_http,
                stdio_client(stdio, errlog=errlog) as (stdio_read, stdio_write),
                ClientSession(stdio_read, stdio_write) as over_stdio,
            ):
                await over_http.initialize()
                await over_stdio.initialize()
                for tool, ((method, address, body), arguments) in questions.items():
                    asked = {
                        f"api {tool}": partial(api_call, http, method, address, body),
                        f"http {tool}": partial(tool_call, over_http, tool, arguments),
                        f"stdio {tool}": partial(tool_call, over_stdio, tool, arguments),
                    }
                    for name, ask in asked.items():
                        figures[name] = []
                        for _ in range(WARM_UP):
                            await ask()
                    for _ in range(CALLS):
                        for name, ask in asked.items():
                            start = time.perf_counter()
                            await ask()
                            figures[name].append((time.perf_counter() - start) * 1000)

    anyio.run(run)
    return figures


async def api_call(http, method: str, address: str, body: dict | None) -> None:
    (await http.request(method, address, json=body)).raise_for_status()


async def tool_call(session, tool: str, arguments: dict) -> None:
    result = await session.call_tool(tool, arguments)
    if result.is_error:
        sys.exit(f"{tool} answered an error: {result.content[0].text}")


def report(posts: int, work: dict, figures: dict) -> None:
    said = {name: percentiles(times) for name, times in figures.items()}
    print(
        f"MCP round trip, the demo quarter + {posts:,} posts; median / p95 of {CALLS} calls each "
        "(the ratio: p95 against the JSON API's p95 for the same question, same server, same run):"
    )
    rows = [
        ("JSON API  GET  /plans/<id>/compliance", "api plan_status", None),
        ("MCP HTTP  plan_status", "http plan_status", "api plan_status"),
        ("MCP stdio plan_status", "stdio plan_status", "api plan_status"),
        ("JSON API  POST /style/lint", "api check_draft", None),
        ("MCP HTTP  check_draft", "http check_draft", "api check_draft"),
        ("MCP stdio check_draft", "stdio check_draft", "api check_draft"),
        ("JSON API  POST /style/lint (again)", "api lint", None),
        ("MCP HTTP  lint (the same work as the API's)", "http lint", "api lint"),
        ("MCP stdio lint", "stdio lint", "api lint"),
    ]
    for label, name, base in rows:
        median, p95 = said[name]
        ratio = f"   {p95 / said[base][1]:.2f}x" if base else "   baseline"
        print(f"  {label:<46} {median:7.1f} ms / {p95:7.1f} ms{ratio}")
    for name, (median, p95) in work.items():
        print(f"  the work alone, in process: {name:<12} {median:7.1f} ms / {p95:7.1f} ms")
