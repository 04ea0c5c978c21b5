# ruff: noqa: E501  (expected supergraph text and messages are kept verbatim)
"""``@external``, ``@requires`` and ``@provides``: join fields and their error cases."""

from __future__ import annotations

from inline_snapshot import snapshot

from tests.composition.helpers import compose_errors, compose_ok, type_block

FED = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@external", "@requires", "@provides"])\n'
)
PRODUCTS = (
    FED
    + """
type Query { products: [Product] }
type Product @key(fields: "upc") { upc: ID! price: Int @shareable weight: Int dims: Dims }
type Dims @shareable { w: Int h: Int }
"""
)


def test_requires_with_nested_selection_and_provides() -> None:
    supergraph = compose_ok(
        products=PRODUCTS,
        shipping=FED
        + """
        type Dims @shareable { w: Int h: Int }
        type Product @key(fields: "upc") {
          upc: ID!
          price: Int @external
          dims: Dims @external
          estimate: Int @requires(fields: "price dims { w h }")
        }
        type Query { cheapest: Product @provides(fields: "price") }
        """,
    )
    assert type_block(supergraph, "Product") == snapshot("""\
type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: SHIPPING, key: "upc")
{
  upc: ID!
  price: Int @join__field(graph: PRODUCTS) @join__field(graph: SHIPPING, external: true)
  weight: Int @join__field(graph: PRODUCTS)
  dims: Dims @join__field(graph: PRODUCTS) @join__field(graph: SHIPPING, external: true)
  estimate: Int @join__field(graph: SHIPPING, requires: "price dims { w h }")
}\
""")
    assert type_block(supergraph, "Query") == snapshot("""\
type Query
  @join__type(graph: PRODUCTS)
  @join__type(graph: SHIPPING)
{
  products: [Product] @join__field(graph: PRODUCTS)
  cheapest: Product @join__field(graph: SHIPPING, provides: "price")
}\
""")


def test_requires_of_a_field_that_is_not_external() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        shipping=FED
        + """
        type Product @key(fields: "upc") {
          upc: ID! price: Int @shareable estimate: Int @requires(fields: "price")
        }
        """,
    )
    assert errors == snapshot(
        [
            (
                "REQUIRES_FIELDS_MISSING_EXTERNAL",
                '[shipping] @requires(fields: "price") on "Product.estimate" selects Product.price, which must be marked @external',
            )
        ]
    )


def test_requires_of_an_unknown_field() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        shipping=FED
        + 'type Product @key(fields: "upc") { upc: ID! estimate: Int @requires(fields: "cost") }',
    )
    assert errors == snapshot(
        [
            (
                "REQUIRES_INVALID_FIELDS",
                '[shipping] @requires(fields: "cost") on "Product.estimate" is invalid: cannot query field "cost" on type "Product"',
            )
        ]
    )


def test_provides_of_a_field_that_is_not_external() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        reviews=FED
        + """
        type Query { top: Product @provides(fields: "price") }
        type Product @key(fields: "upc") { upc: ID! price: Int @shareable }
        """,
    )
    assert errors == snapshot(
        [
            (
                "PROVIDES_FIELDS_MISSING_EXTERNAL",
                '[reviews] @provides(fields: "price") on "Query.top" selects Product.price, which must be marked @external',
            )
        ]
    )


def test_provides_on_a_field_of_scalar_type() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        reviews=FED + 'type Query { count: Int @provides(fields: "price") }',
    )
    assert errors == snapshot(
        [
            (
                "PROVIDES_ON_NON_OBJECT_FIELD",
                '[reviews] @provides on "Query.count" is invalid: its type Int is not a composite type',
            )
        ]
    )


def test_provides_of_an_unknown_field() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        reviews=FED
        + """
        type Query { top: Product @provides(fields: "nope") }
        type Product @key(fields: "upc") { upc: ID! }
        """,
    )
    assert errors == snapshot(
        [
            (
                "PROVIDES_INVALID_FIELDS",
                '[reviews] @provides(fields: "nope") on "Query.top" is invalid: cannot query field "nope" on type "Product"',
            )
        ]
    )


def test_external_field_never_defined_elsewhere() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        shipping=FED
        + """
        type Product @key(fields: "upc") {
          upc: ID! volume: Int @external estimate: Int @requires(fields: "volume")
        }
        """,
    )
    assert errors == snapshot(
        [
            (
                "EXTERNAL_MISSING_ON_BASE",
                'Field "Product.volume" is marked @external on all the subgraphs in which it is listed (subgraph "shipping").',
            )
        ]
    )


def test_external_field_used_by_nothing() -> None:
    errors = compose_errors(
        products=PRODUCTS,
        shipping=FED + 'type Product @key(fields: "upc") { upc: ID! price: Int @external }',
    )
    assert errors == snapshot(
        [
            (
                "EXTERNAL_UNUSED",
                '[shipping] field "Product.price" is marked @external but is not used by any @key, @requires or @provides',
            )
        ]
    )


def test_external_key_fields_of_a_federation_2_extension_are_not_external() -> None:
    supergraph = compose_ok(
        products=PRODUCTS,
        reviews=FED
        + """
        extend type Product @key(fields: "upc") {
          upc: ID! @external
          price: Int @external
          score: Int @requires(fields: "price")
        }
        """,
    )
    assert type_block(supergraph, "Product").split("\n")[3:6] == [
        "{",
        "  upc: ID!",
        "  price: Int @join__field(graph: PRODUCTS) @join__field(graph: REVIEWS, external: true)",
    ]


def test_a_key_field_external_everywhere_is_not_missing_on_base() -> None:
    supergraph = compose_ok(
        a=FED
        + """
        type Query { a: Shared }
        type Shared @key(fields: "id") { id: ID! }
        """,
        b=FED + 'extend type Shared @key(fields: "id") { id: ID! @external extra: Int }',
    )
    assert "  extra: Int @join__field(graph: B)" in supergraph
