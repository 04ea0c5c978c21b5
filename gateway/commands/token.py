"""``python -m gateway token --user ID [--roles R ...] [--scopes S ...]``: a dev token.

Prints a bearer token signed with the development keys (``gateway.auth.dev``; created in
``data/dev-auth`` if missing), accepted by a gateway that ``make dev`` started. Paste it
in GraphiQL's Headers tab as ``{"Authorization": "Bearer <token>"}``.
"""

from __future__ import annotations

import argparse

from gateway.auth.dev import DEFAULT_DIRECTORY, DevKeys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gateway token", description="Mint a development bearer token."
    )
    parser.add_argument("--user", required=True, help="the user id (e.g. usr_0100)")
    parser.add_argument("--roles", nargs="*", default=["LEARNER"], help="default: LEARNER")
    parser.add_argument("--scopes", nargs="*", default=[], help="default: none")
    parser.add_argument("--lifetime", type=int, default=3600, help="seconds (default 3600)")
    parser.add_argument("--keys", default=str(DEFAULT_DIRECTORY), help="dev keys directory")
    args = parser.parse_args(argv)
    keys = DevKeys.load_or_create(args.keys)
    print(keys.mint(args.user, tuple(args.roles), tuple(args.scopes), args.lifetime))
    return 0
