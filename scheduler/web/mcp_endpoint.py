"""``/mcp``: the MCP server (``scheduler.mcp``) over streamable HTTP, for AI assistants that reach Refrain
over the network, with a person's API token (``Authorization: Bearer rfn_…``).

Who asks is settled before the view, as for the API (``web.auth``), but only by the token: a session
cookie is never taken here (a page a person has open must not lend its session to whatever posts to
this address), and no token, or a bad one, is a 401 with ``WWW-Authenticate``. The view then hands the
request to the SDK, within the request (``mcp.http``: why); the person is the services' actor and the
request's ``Accept-Language`` its language, as for the JSON API. No CSRF token: a browser never sends a
Bearer token by itself, and an ``Origin`` other than the public URL's is refused before (``web.guards``).
"""

from contextlib import nullcontext

from flask import Blueprint, Response, current_app, request

blueprint = Blueprint("mcp", __name__)
PATH = "/mcp"


@blueprint.route(PATH, methods=["GET", "POST", "DELETE"])
def endpoint():
    from scheduler.mcp import http  # the SDK only once an assistant calls: not in every worker and command

    exchange = http.serve_one(
        _server(),
        request.method,
        PATH,
        request.query_string,
        list(request.headers.items()),
        request.get_data(cache=False),
    )
    headers = [(name, value) for name, value in exchange.headers if name.lower() != "content-length"]
    return Response(exchange.body, status=exchange.status, headers=headers)


def _server():
    """One server per app (its tools and resources are stateless): each call is already set up by the request."""
    from scheduler.mcp import server

    built = current_app.extensions.get("refrain.mcp")
    if built is None:
        built = current_app.extensions["refrain.mcp"] = server.build(_in_the_request)
    return built


def _in_the_request():
    return nullcontext()  # the app context, the person and the language are the request's (web.auth)


def is_mcp(path: str) -> bool:
    return path == PATH or path.startswith(PATH + "/")
