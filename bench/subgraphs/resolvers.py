"""What each bench subgraph serves: the benchmark's data, by its published rules.

- accounts: ``me`` is user 1; ``users`` all; a ``User`` reference is its stored row.
- products: ``topProducts(first)`` the first ``first`` products; a ``Product`` reference is
  its stored row. ``productList(count)`` is ours, for the entity-scaling benchmark:
  ``count`` synthetic products (``synthetic_product``).
- inventory: a ``Product`` reference is the representation overlaid by its stored row, whose
  ``price``/``weight`` are null, so the benchmark's ``shippingEstimate`` is always null;
  synthetic products have no stored row, so the gateway-provided ``price``/``weight``
  (``@requires``) are used.
- reviews: ``Product.reviews`` by upc; ``Review.author`` is always user 1 as ``urigo``;
  a ``User`` reference has ``username: "user"`` and every user's ``reviews`` are 1 and 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLSchema

from bench.subgraphs.schema import build_subgraph_schema

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "data.json"
SYNTHETIC_PREFIX = "s"

Row = dict[str, Any]


def load_data() -> dict[str, list[Row]]:
    data: dict[str, list[Row]] = orjson.loads(DATA_FILE.read_bytes())
    return data


def synthetic_product(index: int) -> Row:
    """Product ``index`` of ``productList``: deterministic, so expected answers are known."""
    return {
        "upc": f"{SYNTHETIC_PREFIX}{index}",
        "name": f"Product {index}",
        "price": (index * 37) % 2000,
        "weight": (index * 13) % 500 + 1,
    }


def synthetic_in_stock(index: int) -> bool:
    return index % 3 != 0


def shipping_estimate(price: int | None, weight: int | None) -> int | None:
    """The benchmark's rule: free above 1000, else half the weight (truncated)."""
    if price is None or weight is None:
        return None
    return 0 if price > 1000 else int(weight / 2)


def _synthetic_index(upc: Any) -> int | None:
    if isinstance(upc, str) and upc.startswith(SYNTHETIC_PREFIX) and upc[1:].isdigit():
        return int(upc[1:])
    return None


def accounts(data: dict[str, list[Row]]) -> GraphQLSchema:
    users = data["users"]
    by_id = {u["id"]: u for u in users}

    def user_reference(rep: Row) -> Row | None:
        row = by_id.get(rep.get("id"))
        return None if row is None else {"__typename": "User", **row}

    return build_subgraph_schema(
        "accounts",
        {
            "Query": {
                "me": lambda _r, _i: users[0],
                "user": lambda _r, _i, id: by_id.get(id),
                "users": lambda _r, _i: users,
            }
        },
        {"User": user_reference},
    )


def products(data: dict[str, list[Row]]) -> GraphQLSchema:
    rows = data["products"]
    by_upc = {p["upc"]: p for p in rows}

    def product_reference(rep: Row) -> Row | None:
        upc = rep.get("upc")
        row = by_upc.get(upc)
        if row is None and (index := _synthetic_index(upc)) is not None:
            row = synthetic_product(index)
        return None if row is None else {"__typename": "Product", **row}

    return build_subgraph_schema(
        "products",
        {
            "Query": {
                "topProducts": lambda _r, _i, first=5: rows[: max(first, 0)],
                "productList": lambda _r, _i, count: [
                    synthetic_product(i) for i in range(max(count, 0))
                ],
            }
        },
        {"Product": product_reference},
    )


def inventory(data: dict[str, list[Row]]) -> GraphQLSchema:
    by_upc = {row["upc"]: row for row in data["inventory"]}

    def product_reference(rep: Row) -> Row | None:
        upc = rep.get("upc")
        row = by_upc.get(upc)
        if row is None and (index := _synthetic_index(upc)) is not None:
            row = {"upc": upc, "inStock": synthetic_in_stock(index)}
        return None if row is None else {**rep, **row}

    return build_subgraph_schema(
        "inventory",
        {
            "Product": {
                "shippingEstimate": lambda p, _i: shipping_estimate(p.get("price"), p.get("weight"))
            }
        },
        {"Product": product_reference},
    )


def reviews(data: dict[str, list[Row]]) -> GraphQLSchema:
    rows = data["reviews"]
    by_id = {r["id"]: r for r in rows}
    by_upc: dict[str, list[Row]] = {}
    for review in rows:
        by_upc.setdefault(review["product"]["upc"], []).append(review)
    author = {"id": "1", "username": "urigo"}
    user_reviews = rows[:2]

    def review_reference(rep: Row) -> Row | None:
        row = by_id.get(rep.get("id"))
        return None if row is None else {"__typename": "Review", **row}

    return build_subgraph_schema(
        "reviews",
        {
            "Product": {"reviews": lambda p, _i: by_upc.get(p["upc"], [])},
            "Review": {"author": lambda _r, _i: author},
            "User": {"reviews": lambda _u, _i: user_reviews},
        },
        {
            "Product": lambda rep: {"__typename": "Product", "upc": rep.get("upc")},
            "Review": review_reference,
            "User": lambda rep: {"__typename": "User", "id": rep.get("id"), "username": "user"},
        },
    )


def build_all(data: dict[str, list[Row]] | None = None) -> dict[str, GraphQLSchema]:
    """The four executable schemas by subgraph name."""
    data = load_data() if data is None else data
    return {
        "accounts": accounts(data),
        "inventory": inventory(data),
        "products": products(data),
        "reviews": reviews(data),
    }
