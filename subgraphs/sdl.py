"""``python -m subgraphs.sdl [--check]``: write (or check) ``schema/<subgraph>.graphql``.

The files hold each subgraph's SDL exactly as its ``_service { sdl }`` returns it; the
gateway's composition reads them, and a test fails when they drift from the code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

SUBGRAPHS = ("users", "courses", "progress")
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def service_sdl(name: str) -> str:
    """What subgraph ``name`` answers to ``{ _service { sdl } }``."""
    schema = importlib.import_module(f"subgraphs.{name}.schema").schema
    result = schema.execute_sync("{ _service { sdl } }")
    if result.errors or result.data is None:
        raise RuntimeError(f"{name}: _service failed: {result.errors}")
    sdl: str = result.data["_service"]["sdl"]
    return sdl


def schema_file(name: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{name}.graphql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.sdl", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    stale = []
    for name in SUBGRAPHS:
        path, sdl = schema_file(name, args.dir), service_sdl(name) + "\n"
        if args.check:
            if not path.exists() or path.read_text() != sdl:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sdl)
            print(f"wrote {path}")
    if stale:
        print("out of date (run `make schema`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
