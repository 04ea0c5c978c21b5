# ruff: noqa: E501 -- SDL as composition prints it and plan/request snapshots are data.
"""The fixed preamble of a supergraph, exactly as ``rover supergraph compose`` prints it.

Every fixture's types are written by hand; only this boilerplate (schema ``@link``s,
directive definitions, ``join__Graph``) is shared. ``join/v0.3`` is what composition
writes for Federation 2.0-2.6; ``join/v0.4`` adds ``overrideLabel`` and ``@join__directive``;
``join/v0.5`` adds ``contextArguments`` (unused here).
"""

from __future__ import annotations

_JOIN_FIELD_V03 = """directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"""

_JOIN_FIELD_V05 = """directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
  overrideLabel: String
  contextArguments: [join__ContextArgument!]
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"""

_JOIN_FIELD_V04 = """directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
  overrideLabel: String
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION"""

_JOIN_DIRECTIVE = """
directive @join__directive(
  graphs: [join__Graph!]
  name: String!
  args: join__DirectiveArguments
) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION

scalar join__DirectiveArguments
"""

_V05_EXTRA = """
input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__FieldValue
"""


def supergraph(graphs: list[str], body: str, version: str = "0.3", extra_links: str = "") -> str:
    """A supergraph: the rover preamble for ``graphs`` (lower-case names) plus ``body``.

    ``extra_links`` are further ``@link`` lines (e.g. the inaccessible or tag spec);
    matching directive definitions are always present, as rover prints them when used.
    """
    enum_values = "\n".join(
        f'  {name.upper()} @join__graph(name: "{name}", url: "http://{name}.invalid/graphql")'
        for name in graphs
    )
    join_field = {"0.3": _JOIN_FIELD_V03, "0.4": _JOIN_FIELD_V04, "0.5": _JOIN_FIELD_V05}[version]
    v05 = (_JOIN_DIRECTIVE if version != "0.3" else "") + (_V05_EXTRA if version == "0.5" else "")
    return f"""schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v{version}", for: EXECUTION){extra_links}
{{
  query: Query{_mutation_root(body)}
}}

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

{join_field}

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(
  url: String
  as: String
  for: link__Purpose
  import: [link__Import]
) repeatable on SCHEMA

directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
{v05}
scalar join__FieldSet

enum join__Graph {{
{enum_values}
}}

scalar link__Import

enum link__Purpose {{
  \"\"\"
  `SECURITY` features provide metadata necessary to securely resolve fields.
  \"\"\"
  SECURITY

  \"\"\"
  `EXECUTION` features provide metadata necessary for operation execution.
  \"\"\"
  EXECUTION
}}

{body.strip()}
"""


INACCESSIBLE_LINK = '\n  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)'
TAG_LINK = '\n  @link(url: "https://specs.apollo.dev/tag/v0.3")'


def _mutation_root(body: str) -> str:
    return "\n  mutation: Mutation" if "type Mutation" in body else ""
