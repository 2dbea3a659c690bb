"""One HTTP exchange of MCP's streamable HTTP transport, served by the SDK from within a WSGI request.

Refrain's web app is WSGI (Flask under gunicorn's threads); the SDK's HTTP transport is ASGI. Rather than
a second server, or an ASGI-to-WSGI bridge that keeps an event loop and a session manager alive beside
the app (and would run the tools outside the request's app context), each request to ``/mcp`` is served
whole inside the Flask view that received it: the SDK's session manager, *stateless* (no session to
keep between requests: any process or thread may answer the next one) and answering *JSON* (no
long-lived event stream that would hold a gunicorn thread), runs for that one request on an event loop
of the request's own thread (made once per thread, ``_loop``). The exchange's tasks inherit the
thread's context variables, so the tools run in the request's app context, as its person
(``services.actor``), in its language, exactly as an API view does. The benchmark (``python -m bench
mcp``) measures what this costs against the JSON API.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from dataclasses import dataclass

import anyio
from mcp.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

MAX_BODY = 1024 * 1024  # as web.guards.MAX_BODY: the largest draft is a few dozen kilobytes
_threads = threading.local()


@dataclass(frozen=True)
class Exchange:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def serve_one(
    server: Server, method: str, path: str, query: bytes, headers: list[tuple[str, str]], body: bytes
) -> Exchange:
    """The SDK's answer to one request (``headers`` as the client sent them)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("latin-1"),
        "root_path": "",
        "query_string": query,
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        "server": None,
        "client": None,
    }
    # the context as it is now, this request's: a Runner's own would be the first request's, kept for good
    context = contextvars.copy_context()
    if _loop_running_here():
        return _on_a_thread_of_its_own(server, scope, body, context)
    return _loop().run(_exchange(server, scope, body), context=context)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _on_a_thread_of_its_own(server: Server, scope: dict, body: bytes, context) -> Exchange:
    """When this thread already runs an event loop (a WSGI server of the asyncio kind, or a test driving a
    browser in-process), the exchange runs on a thread of its own, with the request's context."""
    answered: list = []

    def run():
        try:
            answered.append(asyncio.run(_exchange(server, scope, body)))
        except BaseException as error:  # noqa: BLE001 (raised again in the request's thread)
            answered.append(error)

    thread = threading.Thread(target=context.run, args=(run,), name="mcp-exchange")
    thread.start()
    thread.join()
    if isinstance(answered[0], BaseException):
        raise answered[0]
    return answered[0]


def _loop() -> asyncio.Runner:
    """This thread's event loop, made on its first MCP request and kept for the next ones (a gunicorn
    thread serves many): starting and closing a loop per request cost more than the exchange itself."""
    runner = getattr(_threads, "runner", None)
    if runner is None:
        runner = _threads.runner = asyncio.Runner()
    return runner


async def _exchange(server: Server, scope: dict, body: bytes) -> Exchange:
    manager = StreamableHTTPSessionManager(
        app=server, stateless=True, json_response=True, max_request_body_size=MAX_BODY
    )
    started: dict = {}
    parts: list[bytes] = []
    delivered = False

    async def receive():
        nonlocal delivered
        if delivered:  # the body was read: what comes next is the client going away
            await anyio.sleep_forever()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    async with manager.run():
        await manager.handle_request(scope, receive, send)
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in started.get("headers", [])]
    return Exchange(started.get("status", 500), headers, b"".join(parts))
