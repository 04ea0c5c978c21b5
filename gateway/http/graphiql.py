"""GraphiQL for front-end developers, served by the gateway itself (no CDN, works offline).

``make vendor-graphiql`` copies GraphiQL, React and graphql-ws's browser build from a
locked npm install (``static/package.json``) into ``static/vendor/``; the gateway serves
that folder at ``ASSETS_PATH`` and the page below at the GraphQL endpoint, to any GET that
prefers HTML. GraphiQL talks to the same endpoint — queries and mutations with ``fetch``,
subscriptions over a graphql-transport-ws websocket at the same URL, the header editor's
headers in ``connection_init``'s ``{"headers": {...}}`` — so everything it does goes through
the same pipeline as any other client.

The page is served with security headers (``security_headers``): a Content-Security-Policy
that allows only the gateway's own files, the one inline script by its hash, and in
``connect-src`` the endpoint over HTTP and the websocket (``'self'`` does not match
``ws:``/``wss:`` in every browser, so the origin's ws(s) URL is named explicitly); no
framing (clickjacking), no MIME sniffing, no referrer.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
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
    "graphql-ws.min.js",
)

_PAGE = r"""<!doctype html>
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
  <script src="{assets}/graphql-ws.min.js"></script>
  <script>
    const endpoint = new URL({endpoint}, window.location.href).href;
    // Subscriptions: graphql-transport-ws on the same URL, ws: or wss: as the page is.
    const wsEndpoint = new URL(endpoint);
    wsEndpoint.protocol = wsEndpoint.protocol === "https:" ? "wss:" : "ws:";
    const httpFetcher = GraphiQL.createFetcher({{ url: endpoint }});

    // The operations of a GraphQL document, [{{ operation, name }}]: a scan of its tokens
    // (strings and comments skipped) at the top level, outside every bracket, where each
    // definition starts with `query`, `mutation`, `subscription` (then its name, if any),
    // `fragment`, or is the `{{` of the query shorthand.
    function operationsOf(text) {{
      const token = new RegExp([
        /"{{3}}(?:\\"{{3}}|[\s\S])*?"{{3}}/,  // a block string
        /"(?:\\.|[^"\\\n\r])*"/,  // a string
        /#[^\n\r]*/,  // a comment
        /[_A-Za-z]\w*/,  // a name
        /[^\s,]/,  // any other character (commas are white space)
      ].map((part) => part.source).join("|"), "g");
      const operations = [];
      let depth = 0;
      let header = null;  // the definition whose header is being read, before its `{{`
      let nameNext = false;
      for (const [t] of text.matchAll(token)) {{
        if (t[0] === '"' || t[0] === "#") continue;
        const isName = nameNext && /^[_A-Za-z]/.test(t);
        nameNext = false;
        if (t === "{{" || t === "(" || t === "[") {{
          if (depth === 0 && t === "{{") {{
            if (header === null) operations.push({{ operation: "query", name: null }});
            header = null;
          }}
          depth += 1;
        }} else if (t === "}}" || t === ")" || t === "]") {{
          depth = Math.max(0, depth - 1);
        }} else if (depth === 0 && header === null) {{
          if (t === "query" || t === "mutation" || t === "subscription") {{
            header = {{ operation: t, name: null }};
            operations.push(header);
            nameNext = true;
          }} else if (t === "fragment") {{
            header = {{ operation: "fragment", name: null }};
          }}
        }} else if (depth === 0 && isName) {{
          header.name = t;
        }}
      }}
      return operations;
    }}

    // Which operation of the request runs, and is it a subscription? The gateway runs the
    // operation named `operationName`, or the only one when there is none: the same choice
    // here, so a document mixing queries and subscriptions goes where the chosen one can
    // run. It is read from the text sent, not from GraphiQL's parsed `documentAST` (nor with
    // its name-only check, which misses a lone named subscription sent without a name):
    // GraphiQL re-parses the editor 100 ms after the last edit, so a Run right after typing
    // sees the previous document, and `operationName` may still be the previous one's.
    // With one operation in the text there is no choice to make: a name it does not have
    // is such a stale one, and is replaced by the operation's own. Text that does not
    // parse finds its error over HTTP.
    function chooseOperation(params) {{
      const operations = operationsOf(params.query || "");
      if (operations.length === 1 && params.operationName
          && operations[0].name !== params.operationName) {{
        params = {{ ...params, operationName: operations[0].name || undefined }};
      }}
      const chosen = params.operationName
        ? operations.find((operation) => operation.name === params.operationName)
        : (operations.length === 1 ? operations[0] : undefined);
      return {{ params, subscription: Boolean(chosen) && chosen.operation === "subscription" }};
    }}

    function errorOf(reason) {{
      if (reason instanceof Error) return reason;
      if (reason && typeof reason.code === "number") {{  // the socket's CloseEvent
        return new Error(`WebSocket closed: ${{reason.code}} ${{reason.reason || ""}}`.trim());
      }}
      return new Error("WebSocket connection failed");
    }}

    // One websocket per subscription, opened with the header editor's headers of this run
    // (browsers cannot set headers on the handshake: they go in connection_init's payload,
    // as `{{"headers": {{...}}}}`), closed when the subscription ends or is stopped. An
    // observable, which GraphiQL takes as well as an async iterable: its Stop button then
    // closes the socket at once (an async generator's return() would wait for one more event).
    function subscribeOverWebSocket(params, headers) {{
      const strings = {{}};
      for (const [name, value] of Object.entries(headers || {{}})) strings[name] = String(value);
      return {{
        subscribe(sink) {{
          const client = graphqlWs.createClient({{
            url: wsEndpoint.href,
            connectionParams: {{ headers: strings }},
            retryAttempts: 0,  // show a failure rather than retry in the background
          }});
          let ended = false;
          const end = () => {{ ended = true; client.dispose(); }};
          const unsubscribe = client.subscribe(params, {{
            next: (result) => {{ if (!ended) sink.next(result); }},
            complete: () => {{ if (!ended) {{ end(); sink.complete(); }} }},
            error: (reason) => {{
              if (ended) return;
              end();
              if (Array.isArray(reason)) {{
                // The server's `error` message: GraphQL errors, shown as a result is.
                sink.next({{ errors: reason }});
                sink.complete();
              }} else {{
                sink.error(errorOf(reason));
              }}
            }},
          }});
          return {{
            unsubscribe() {{
              if (ended) return;
              ended = true;
              unsubscribe();  // `complete` to the gateway
              client.dispose();
            }},
          }};
        }},
      }};
    }}

    function fetcher(request, options) {{
      const {{ params, subscription }} = chooseOperation(request);
      if (subscription) return subscribeOverWebSocket(params, options && options.headers);
      return httpFetcher(params, options);
    }}
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
        self._script_hashes = [
            "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
            for m in re.findall(r"<script>(.*?)</script>", self._html, flags=re.S)
        ]

    def __call__(self, request: Request) -> Response:
        if not assets_available():
            # A checkout that skipped the build step: say how to fix it, not a blank page.
            return PlainTextResponse(
                "GraphiQL's files are not installed: run `make vendor-graphiql`.",
                status_code=503,
            )
        headers = {"Cache-Control": "no-cache", **self.security_headers(request)}
        return HTMLResponse(self._html, headers=headers)

    def security_headers(self, request: Request) -> dict[str, str]:
        """The page's security headers; the websocket's origin is the request's own."""
        host = request.headers.get("host", "")
        ws = ("wss://" if request.url.scheme == "https" else "ws://") + host
        policy = "; ".join(
            (
                "default-src 'none'",
                f"script-src 'self' {' '.join(self._script_hashes)}",
                # GraphiQL sets element styles from script: inline styles must be allowed.
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data:",
                "font-src 'self' data:",
                f"connect-src 'self' {ws}",
                "base-uri 'none'",
                "form-action 'none'",
                "frame-ancestors 'none'",
            )
        )
        return {
            "Content-Security-Policy": policy,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
