"""``compose``: subgraph SDLs in, a supergraph SDL (or the reasons why not) out.

The steps, in order, each stopping composition when it finds errors:

1. parse every subgraph (``subgraph.py``) and check it on its own (``subgraph_checks.py``);
2. merge all of them type by type (``merge.py``), collecting every merge error;
3. print the supergraph (``printer.py``) and build it with graphql-core, so a supergraph
   that is not a valid schema (an interface field nobody implements...) never leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLError, build_schema, validate_schema

from gateway.composition.context import MergeContext
from gateway.composition.errors import CompositionError, CompositionFailed
from gateway.composition.merge import merge
from gateway.composition.model import Subgraph
from gateway.composition.printer import print_supergraph
from gateway.composition.subgraph import parse_subgraph
from gateway.composition.subgraph_checks import check_subgraph


@dataclass(frozen=True)
class SubgraphSource:
    """A subgraph to compose: its name (``join__Graph``), routing URL and SDL text."""

    name: str
    url: str
    sdl: str


@dataclass
class CompositionResult:
    """Either ``supergraph_sdl`` (and no errors) or the composition errors."""

    supergraph_sdl: str | None = None
    errors: list[CompositionError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None and not self.errors


def compose(subgraphs: list[SubgraphSource]) -> CompositionResult:
    """Compose Federation 1/2 subgraphs into a Federation 2 (join spec) supergraph."""
    errors = _check_sources(subgraphs)
    if errors:
        return CompositionResult(errors=errors)
    parsed: list[Subgraph] = []
    for source in sorted(subgraphs, key=lambda s: s.name):
        try:
            subgraph = parse_subgraph(source.name, source.url, source.sdl)
        except CompositionFailed as failed:
            errors.extend(failed.errors)
            continue
        errors.extend(check_subgraph(subgraph))
        parsed.append(subgraph)
    if errors:
        return CompositionResult(errors=errors)
    ctx = MergeContext(parsed)
    supergraph = merge(ctx)
    if ctx.errors:
        return CompositionResult(errors=ctx.errors)
    sdl = print_supergraph(supergraph)
    schema_errors = _validate_printed(sdl)
    if schema_errors:
        return CompositionResult(errors=schema_errors)
    return CompositionResult(supergraph_sdl=sdl)


def _check_sources(subgraphs: list[SubgraphSource]) -> list[CompositionError]:
    errors: list[CompositionError] = []
    if not subgraphs:
        errors.append(CompositionError("NO_SUBGRAPHS", "No subgraphs to compose"))
    seen: set[str] = set()
    for s in subgraphs:
        if not s.name or s.name.startswith("_"):
            errors.append(
                CompositionError("INVALID_SUBGRAPH_NAME", f'Invalid subgraph name "{s.name}"')
            )
        if s.name in seen:
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME", f'Subgraph name "{s.name}" is used twice', (s.name,)
                )
            )
        seen.add(s.name)
    return errors


def _validate_printed(sdl: str) -> list[CompositionError]:
    try:
        schema = build_schema(sdl, assume_valid=False)
    except GraphQLError as exc:
        return [
            CompositionError(
                "INVALID_GRAPHQL", f"The composed supergraph is invalid: {exc.message}"
            )
        ]
    problems = validate_schema(schema)
    return [
        CompositionError(
            "INTERFACE_FIELD_NO_IMPLEM" if "expected but" in p.message else "INVALID_GRAPHQL",
            f"The composed supergraph is invalid: {p.message}",
        )
        for p in problems
    ]
