"""``python -m gateway persisted {check,manifest,report,release}``: keep shipped operations
working (``report`` and ``release``, per app release: ``persisted_releases.py``).

``check --supergraph S --manifest M`` validates every manifest operation against the
supergraph's API schema (and the default operation limits) and exits 1 naming each
operation the supergraph would break — run it before deploying a new supergraph, so
apps already in users' hands keep working. Exit 2: an input cannot be read.

``manifest [--dir D] [--output F] [--check]`` writes Apollo's persisted query manifest
for the operations in ``D/*.graphql`` (one operation per file, fragments allowed), each
body printed the way Apollo Client prints it (``__typename`` added to every selection set
but the root, as its cache does), so an Apollo client's own hash of an operation is its
manifest id; ``--check`` only reports whether ``F`` is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    specified_rules,
    validate,
    visit,
)

from gateway.commands.persisted_releases import add_commands
from gateway.limits import LimitsConfig, limit_rules, split_warnings
from gateway.persisted.manifest import Manifest, ManifestError, build_manifest
from gateway.supergraph import Supergraph

__all__ = ["collect_operations", "main", "manifest_text"]

DEFAULT_DIR = "persisted_queries"
DEFAULT_MANIFEST = "persisted_queries/manifest.json"


class _AddTypename(Visitor):
    """Add ``__typename`` to every selection set but an operation's root, as Apollo
    Client's cache (and Apollo's manifest generator) do: the body then is exactly what an
    Apollo client prints and hashes, so its ids match the manifest's."""

    def enter_selection_set(
        self, node: SelectionSetNode, _key: Any, parent: Any, *_args: Any
    ) -> Any:
        if isinstance(parent, OperationDefinitionNode):
            return None
        if any(isinstance(s, FieldNode) and s.name.value.startswith("__") for s in node.selections):
            return None
        typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


def collect_operations(directory: Path, *, add_typename: bool = True) -> list[tuple[str, str, str]]:
    """(name, type, printed body) of each ``*.graphql`` file, sorted by file name.

    Raises ``ValueError`` naming the file when one is not exactly one named operation.
    """
    operations = []
    for path in sorted(directory.glob("*.graphql")):
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except GraphQLError as error:
            raise ValueError(f"{path.name}: {error.message}") from None
        defined = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(defined) != 1 or defined[0].name is None:
            raise ValueError(f"{path.name}: must hold exactly one named operation")
        operation = defined[0]
        assert operation.name is not None
        if add_typename:
            document = visit(document, _AddTypename())
        operations.append((operation.name.value, operation.operation.value, print_ast(document)))
    names = [name for name, _, _ in operations]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"operation names used twice: {', '.join(duplicates)}")
    return operations


def manifest_text(directory: Path) -> str:
    """The manifest JSON text (2-space indented, final newline) for a directory."""
    return json.dumps(build_manifest(collect_operations(directory)), indent=2) + "\n"


def _manifest(args: argparse.Namespace) -> int:
    output = Path(args.output)
    try:
        text = manifest_text(Path(args.dir))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    current = output.read_text(encoding="utf-8") if output.exists() else None
    if args.check:
        if current != text:
            print(f"{output} is stale: run `make persisted`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    if current != text:
        output.write_text(text, encoding="utf-8")
    count = len(json.loads(text)["operations"])
    print(f"wrote {output} ({count} operations)")
    return 0


def check_manifest(supergraph_sdl: str, manifest: Manifest) -> list[str]:
    """One line per broken operation (empty: every operation validates)."""
    schema = Supergraph.parse(supergraph_sdl).api_schema
    rules = [*specified_rules, *limit_rules(LimitsConfig())]
    broken = []
    for operation in sorted(manifest.operations.values(), key=lambda op: (op.name, op.id)):
        try:
            document = parse(operation.body)
        except GraphQLError as syntax_error:
            broken.append(f"{operation.name} ({operation.id}): {syntax_error.message}")
            continue
        errors, _warnings = split_warnings(validate(schema, document, rules))
        for invalid in errors:
            where = "".join(f" at {loc.line}:{loc.column}" for loc in invalid.locations or [])
            broken.append(f"{operation.name} ({operation.id}): {invalid.message}{where}")
    return broken


def _check(args: argparse.Namespace) -> int:
    try:
        supergraph_sdl = Path(args.supergraph).read_text(encoding="utf-8")
        manifest = Manifest.parse(Path(args.manifest).read_bytes())
    except (OSError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        broken = check_manifest(supergraph_sdl, manifest)
    except Exception as error:  # an unusable supergraph: report it, do not trace back
        print(f"error: the supergraph cannot be used: {error}", file=sys.stderr)
        return 2
    for line in broken:
        print(f"BROKEN {line}")
    names = {line.split(" ", 1)[0] for line in broken}
    print(f"{len(manifest) - len(names)} of {len(manifest)} operations valid")
    return 1 if broken else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway persisted")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a manifest against a supergraph")
    check.add_argument("--supergraph", required=True, help="supergraph SDL file")
    check.add_argument("--manifest", required=True, help="persisted query manifest JSON")
    check.set_defaults(run=_check)
    manifest = commands.add_parser("manifest", help="write the manifest from .graphql files")
    manifest.add_argument("--dir", default=DEFAULT_DIR, help="directory of .graphql files")
    manifest.add_argument("--output", default=DEFAULT_MANIFEST, help="manifest file to write")
    manifest.add_argument("--check", action="store_true", help="only report staleness")
    manifest.set_defaults(run=_manifest)
    add_commands(commands)
    return parser


def main(argv: list[str]) -> int:
    """Entry point of ``python -m gateway persisted``; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help and on usage errors
        return int(exit_.code or 0)
    result: Any = args.run(args)
    return int(result)
