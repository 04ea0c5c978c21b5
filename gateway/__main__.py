"""``python -m gateway <command>``: serve, compose, persisted check, token (dev)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    commands = {
        "serve": "gateway.commands.serve",
        "compose": "gateway.commands.compose",
        "persisted": "gateway.commands.persisted",
        "token": "gateway.commands.token",
    }
    if not args or args[0] not in commands:
        print("usage: python -m gateway {serve,compose,persisted,token} ...", file=sys.stderr)
        return 2
    import importlib

    module = importlib.import_module(commands[args[0]])
    result: int = module.main(args[1:])
    return result


if __name__ == "__main__":
    sys.exit(main())
