"""The requests a run sends and the answers they must get.

- ``main``: the benchmark's ``TestQuery`` (fragments, four levels of entity hops); its
  answer is the benchmark's ``expected-response.json``.
- ``scale(n)``: ``productList(count: n)`` with one entity hop to inventory (``@requires``
  included) - a response touching ``n`` products; its answer follows from the subgraphs'
  synthetic data rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from bench.harness.settings import BENCH_DIR
from bench.subgraphs.resolvers import shipping_estimate, synthetic_in_stock, synthetic_product

DATA_DIR = BENCH_DIR / "data"
SUPERGRAPH = DATA_DIR / "supergraph.graphql"
SCALE_SUPERGRAPH = DATA_DIR / "supergraph-scale.graphql"

SCALE_QUERY = """query Scale($count: Int!) {
  productList(count: $count) { upc name price weight inStock shippingEstimate }
}"""


@dataclass(frozen=True)
class Workload:
    name: str
    #: The JSON request body POSTed to every gateway.
    body: bytes
    #: The parsed response every gateway must return.
    expected: Any
    supergraph: str


def main() -> Workload:
    query = (DATA_DIR / "query.graphql").read_text()
    expected = orjson.loads((DATA_DIR / "expected-response.json").read_bytes())
    body = orjson.dumps({"query": query, "operationName": "TestQuery"})
    return Workload("TestQuery", body, expected, SUPERGRAPH.read_text())


def scale(count: int) -> Workload:
    products = []
    for index in range(count):
        product = synthetic_product(index)
        products.append(
            {
                **product,
                "inStock": synthetic_in_stock(index),
                "shippingEstimate": shipping_estimate(product["price"], product["weight"]),
            }
        )
    body = orjson.dumps(
        {"query": SCALE_QUERY, "variables": {"count": count}, "operationName": "Scale"}
    )
    return Workload(
        f"Scale({count})",
        body,
        {"data": {"productList": products}},
        SCALE_SUPERGRAPH.read_text(),
    )
