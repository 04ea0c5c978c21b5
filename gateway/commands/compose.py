"""``python -m gateway compose``: write a supergraph from subgraph SDL files or live subgraphs.

    python -m gateway compose [--out FILE] [--url NAME=URL ...] schema/users.graphql ...
    python -m gateway compose [--out FILE] --from-url users=http://127.0.0.1:4001/graphql ...

A file's subgraph name is its stem; its routing URL comes from ``--url NAME=URL``, else
the platform's defaults (users 4001, courses 4002, progress 4003). Exit code 0 on success,
1 with every composition error on stderr otherwise; ``--out`` is only written on success.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from gateway.composition import SubgraphSource, compose
from gateway.composition.remote import SubgraphFetchError, fetch_subgraphs

DEFAULT_URLS = {
    "users": "http://127.0.0.1:4001/graphql",
    "courses": "http://127.0.0.1:4002/graphql",
    "progress": "http://127.0.0.1:4003/graphql",
}


class UsageError(Exception):
    pass


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise UsageError(f"{option} expects NAME=URL, got {value!r}")
        pairs[name] = url
    return pairs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gateway compose",
        description="Compose Federation 2 subgraphs into a supergraph SDL.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="subgraph SDL files (name = file stem)")
    parser.add_argument("--out", type=Path, help="write the supergraph here instead of stdout")
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="routing URL of a file's subgraph",
    )
    parser.add_argument(
        "--from-url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="fetch a running subgraph's SDL",
    )
    return parser


def _from_files(files: list[Path], urls: dict[str, str]) -> list[SubgraphSource]:
    sources: list[SubgraphSource] = []
    for path in files:
        name = path.stem
        url = urls.get(name) or DEFAULT_URLS.get(name)
        if url is None:
            raise UsageError(f'no URL for subgraph "{name}": pass --url {name}=URL')
        try:
            sdl = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        sources.append(SubgraphSource(name=name, url=url, sdl=sdl))
    unknown = set(urls) - {p.stem for p in files}
    if unknown:
        raise UsageError(f"--url given for unknown subgraph(s): {', '.join(sorted(unknown))}")
    return sources


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically so a reader never sees half a supergraph."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.files and args.from_url:
            raise UsageError("give either SDL files or --from-url, not both")
        if args.from_url:
            endpoints = _pairs(args.from_url, "--from-url")
            sources = asyncio.run(fetch_subgraphs(endpoints))
        elif args.files:
            sources = _from_files(args.files, _pairs(args.url, "--url"))
        else:
            raise UsageError("nothing to compose: give SDL files or --from-url NAME=URL")
    except (UsageError, SubgraphFetchError) as exc:
        print(f"compose: error: {exc}", file=sys.stderr)
        return 1
    result = compose(sources)
    if result.supergraph_sdl is None:
        print(f"compose: composition failed with {len(result.errors)} error(s):", file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(result.supergraph_sdl)
    else:
        _write(args.out, result.supergraph_sdl)
        print(f"compose: wrote {args.out} ({len(sources)} subgraphs)", file=sys.stderr)
    return 0
