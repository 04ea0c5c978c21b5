"""Executable graphql-core schemas built from the subgraphs' published SDL.

The SDL files are Federation 1 style (``extend type Query``, ``@external``), as the
benchmark publishes them; ``_service { sdl }`` returns them unchanged. To execute, the
``extend type`` definitions become plain types and the federation plumbing (``_Any``,
``_Entity``, ``_entities``, ``_service``) is added, as federation libraries do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, GraphQLUnionType, build_schema

SDL_DIR = Path(__file__).resolve().parent.parent / "data" / "subgraphs"
NAMES = ("accounts", "inventory", "products", "reviews")

_FEDERATION_SDL = """
scalar _Any
scalar _FieldSet
type _Service { sdl: String }
directive @key(fields: _FieldSet!) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
"""

_KEYED_TYPE = re.compile(r"^(?:extend\s+)?type\s+(\w+)[^{\n]*@key", re.MULTILINE)

Resolver = Callable[..., Any]
#: Resolves one representation (``{"__typename": ..., key fields...}``) to an object.
ReferenceResolver = Callable[[dict[str, Any]], Any]


def published_sdl(name: str) -> str:
    """The subgraph's SDL as the benchmark publishes it (what ``_service`` returns)."""
    return (SDL_DIR / f"{name}.graphql").read_text()


def build_subgraph_schema(
    name: str,
    resolvers: Mapping[str, Mapping[str, Resolver]],
    references: Mapping[str, ReferenceResolver],
) -> GraphQLSchema:
    """The executable schema of subgraph ``name``.

    ``resolvers`` maps type name -> field name -> resolver ``(source, info, **args)``;
    fields without one read the key of the same name from a dict source. ``references``
    maps entity type name -> the function resolving one representation.
    """
    sdl = published_sdl(name)
    entities = _KEYED_TYPE.findall(sdl)
    body = re.sub(r"^extend\s+type\b", "type", sdl, flags=re.MULTILINE)
    has_query = re.search(r"^type\s+Query\b", body, flags=re.MULTILINE) is not None
    plumbing = "_entities(representations: [_Any!]!): [_Entity]!\n  _service: _Service!"
    if has_query:
        body = re.sub(r"^(type\s+Query\s*\{)", rf"\1\n  {plumbing}", body, flags=re.MULTILINE)
    else:
        body += f"\ntype Query {{\n  {plumbing}\n}}\n"
    body += f"\nunion _Entity = {' | '.join(entities)}\n"
    schema = build_schema(_FEDERATION_SDL + body)

    for type_name, fields in resolvers.items():
        object_type = schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType), type_name
        for field_name, resolve in fields.items():
            object_type.fields[field_name].resolve = resolve

    def resolve_entities(_root: Any, _info: Any, representations: list[Any]) -> list[Any]:
        out = []
        for rep in representations:
            typename = rep.get("__typename") if isinstance(rep, dict) else None
            resolve = references.get(typename) if isinstance(typename, str) else None
            out.append(resolve(rep) if resolve is not None else None)
        return out

    query = schema.query_type
    assert query is not None
    query.fields["_entities"].resolve = resolve_entities
    query.fields["_service"].resolve = lambda _root, _info: {"sdl": sdl}
    entity_union = schema.get_type("_Entity")
    assert isinstance(entity_union, GraphQLUnionType)
    # Every object a reference resolver returns carries its ``__typename``.
    entity_union.resolve_type = lambda obj, _info, _type: obj["__typename"]
    return schema
