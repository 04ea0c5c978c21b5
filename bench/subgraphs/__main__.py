"""``python -m bench.subgraphs [--port 4200] [--no-response-cache]``: serve the
four bench subgraphs with uvicorn (uvloop + httptools, no access log)."""

from __future__ import annotations

import argparse

import uvicorn

from bench.subgraphs.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.subgraphs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200)
    parser.add_argument("--no-response-cache", action="store_true")
    args = parser.parse_args()
    app = create_app(response_cache=0 if args.no_response_cache else 4096)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        backlog=2048,
        # Gateways pool keep-alive connections and reuse them after the pauses between
        # runs; uvicorn's default 5 s would close them under the gateways' feet, and the
        # race ("socket hang up") would count against whichever gateway runs next.
        timeout_keep_alive=3600,
    )


if __name__ == "__main__":
    main()
