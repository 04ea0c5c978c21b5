"""GraphiQL for front-end developers, served by the gateway itself (no CDN, works offline).

``make vendor-graphiql`` copies GraphiQL and React from a locked npm install
(``static/package.json``) into ``static/vendor/``; the gateway serves that folder at
``ASSETS_PATH`` and the page below at the GraphQL endpoint, to any GET that prefers HTML.
GraphiQL talks to the same endpoint with ``fetch``, so everything it does goes through the
same pipeline as any other client.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles

#: Where the vendored files are, and the URL path they are served under.
VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
ASSETS_PATH = "/graphiql-assets"
_REQUIRED = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{assets}/graphiql.min.css">
  <style>
    body {{ margin: 0; height: 100vh; overflow: hidden; }}
    #graphiql {{ height: 100vh; }}
  </style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="{assets}/react.production.min.js"></script>
  <script src="{assets}/react-dom.production.min.js"></script>
  <script src="{assets}/graphiql.min.js"></script>
  <script>
    const endpoint = new URL({endpoint}, window.location.href).href;
    const fetcher = GraphiQL.createFetcher({{ url: endpoint }});
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery: {default_query},
    }}));
  </script>
</body>
</html>
"""

_DEFAULT_QUERY = """# The gateway's GraphiQL.
# Ctrl-Space completes, Ctrl-Enter runs,
# the Docs panel (top left) shows the schema.
{
  __typename
}
"""


def _js(value: str) -> str:
    """A JavaScript string literal that cannot close the surrounding ``<script>``."""
    return json.dumps(value).replace("<", "\\u003c")


def assets_available() -> bool:
    """True when ``make vendor-graphiql`` has put every file GraphiQL needs in place."""
    return all((VENDOR_DIR / name).is_file() for name in _REQUIRED)


def assets_app() -> StaticFiles:
    """The ASGI app serving the vendored files (mounted at ``ASSETS_PATH``)."""
    return StaticFiles(directory=VENDOR_DIR, check_dir=False)


class GraphiQLPage:
    """Renders the page for the endpoint at ``graphql_path``, once."""

    def __init__(self, graphql_path: str, title: str = "GraphiQL — gateway") -> None:
        self._html = _PAGE.format(
            title=html.escape(title),
            assets=ASSETS_PATH,
            endpoint=_js(graphql_path),
            default_query=_js(_DEFAULT_QUERY),
        )

    def __call__(self, request: Request) -> Response:
        if not assets_available():
            # A checkout that skipped the build step: say how to fix it, not a blank page.
            return PlainTextResponse(
                "GraphiQL's files are not installed: run `make vendor-graphiql`.",
                status_code=503,
            )
        return HTMLResponse(self._html, headers={"Cache-Control": "no-cache"})
