"""The MCP server: Refrain's editorial checks and plans for AI assistants (the Model Context Protocol).

A shell like the pages and the API: ``tools`` (what an agent may ask, each over a service), ``results``
(answers and refusals in the shape an agent acts on), ``server`` (the SDK's server with the tools and the
plans and style guide as resources), and its two ways in: ``stdio`` (``refrain mcp``) and ``http`` (one
streamable-HTTP exchange, which the web app serves at ``/mcp``). It knows nothing of Flask: the web
shell hands it a request's method, headers and body.
"""
