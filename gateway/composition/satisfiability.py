"""A reduced satisfiability check (``SATISFIABILITY_ERROR``).

Apollo proves that every field of the supergraph can be reached by some query plan from
every place a query can stand. We check the case that breaks in practice: a subgraph ``B``
can return type ``T`` (it is reachable from ``B``'s root fields or entity keys) but does
not define field ``f`` of ``T``; then a plan standing in ``B`` must jump to a subgraph
``C`` that defines ``f``, which needs a resolvable ``@key`` of ``T`` in ``C`` whose
fields ``B`` can provide. Without one, a query such as ``{ ... t { f } }`` cannot be
answered. (The classic case: a value type given a new field in only one subgraph.)
Root types are exempt: a plan can start at any subgraph.
"""

from __future__ import annotations

from gateway.composition.context import MergeContext
from gateway.composition.fieldset import base_name, walk
from gateway.composition.model import Subgraph


def reachable_types(subgraph: Subgraph) -> set[str]:
    """Types a query can land on in ``subgraph``: from its roots and resolvable entities."""
    start = list(subgraph.roots.values())
    start += [t.name for t in subgraph.types.values() if any(k.resolvable for k in t.keys)]
    seen: set[str] = set()
    while start:
        name = start.pop()
        t = subgraph.types.get(name)
        if name in seen or t is None:
            continue
        seen.add(name)
        start += [base_name(f.type) for f in t.fields.values() if not f.external]
        start += t.members
        if t.kind == "interface":
            start += [o.name for o in subgraph.types.values() if name in o.interfaces]
    return seen


def check_satisfiability(ctx: MergeContext) -> None:
    roots = {root for s in ctx.subgraphs for root in s.roots.values()}
    for subgraph in ctx.subgraphs:
        for type_name in sorted(reachable_types(subgraph) - roots):
            here = subgraph.types[type_name]
            if here.kind != "object" or here.interface_object:
                continue
            for source in ctx.sources(type_name):
                for f in source.type.fields.values():
                    if f.name in here.fields or f.external:
                        continue
                    if not _can_jump(subgraph, type_name, source.subgraph):
                        ctx.error(
                            "SATISFIABILITY_ERROR",
                            f'Field "{type_name}.{f.name}" cannot always be resolved: subgraph '
                            f'"{subgraph.name}" can return "{type_name}" but does not define '
                            f'"{f.name}", and subgraph "{source.subgraph.name}", which does, has '
                            f'no resolvable @key on "{type_name}" that "{subgraph.name}" can '
                            "provide (make the type an entity, or add the field everywhere)",
                            [subgraph.name, source.subgraph.name],
                        )


def _can_jump(origin: Subgraph, type_name: str, target: Subgraph) -> bool:
    keys = target.types[type_name].keys
    return any(k.resolvable and not walk(origin, type_name, k.fields).problems for k in keys)
