"""Plans are data kept in an LRU cache keyed by the normalized operation, the operation name
and the `@skip`/`@include` variable values; the plan header exposes the plan text in dev
mode only. A reload plans against the new supergraph; subgraph URLs come from the
supergraph unless the configuration overrides them."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.engine_config import EngineConfig
from gateway.pipeline import Gateway
from gateway.planning.plan import Fetch, Flatten, QueryPlan, Sequence
from gateway.request import GraphQLParams, RequestContext
from tests.planning.helpers import PLAN_HEADER, KitGateway, kit_gateway
from tests.planning.test_entities import SUPERGRAPH, make_subgraphs

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

QUERY = "{ products { name reviews { body } } }"


def _plan(
    gw: KitGateway, query: str, name: str | None = None, variables: dict[str, Any] | None = None
) -> QueryPlan:
    state = gw.gateway.state
    return state.plan(state.documents.get(query), name, variables or {})


async def test_plan_is_data() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        plan = _plan(gw, QUERY)
    node = plan.node
    assert isinstance(node, Sequence)
    first, second = node.nodes
    assert isinstance(first, Fetch) and first.subgraph == "products"
    assert isinstance(second, Flatten) and second.paths == (("products", "@"),)
    assert second.node.subgraph == "reviews" and second.node.is_entity_fetch


async def test_same_operation_in_other_whitespace_hits_the_cache() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        first = _plan(gw, QUERY)
        again = _plan(gw, "query {\n  products {\n    name\n    reviews { body }\n  }\n}")
    assert again is first


async def test_operation_name_and_conditions_are_part_of_the_key() -> None:
    document = "query A { me { name } } query B { products { name } }"
    conditional = "query($r: Boolean!) { products { name reviews @include(if: $r) { body } } }"
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        a, b = _plan(gw, document, "A"), _plan(gw, document, "B")
        with_reviews = _plan(gw, conditional, None, {"r": True})
        without = _plan(gw, conditional, None, {"r": False})
        assert _plan(gw, conditional, None, {"r": True}) is with_reviews
    assert a is not b
    assert 'Fetch(service: "accounts")' in a.text()
    assert 'Fetch(service: "products")' in b.text()
    assert "reviews" in with_reviews.text()
    assert "reviews" not in without.text()


async def test_least_recently_used_plan_is_evicted() -> None:
    engine = EngineConfig(plan_cache_size=2)
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), engine=engine) as gw:
        me = _plan(gw, "{ me { name } }")
        products = _plan(gw, "{ products { name } }")
        assert _plan(gw, "{ me { name } }") is me  # used: now the most recent
        reviews = _plan(gw, "{ reviews { body } }")  # evicts products, the least recent
        assert _plan(gw, "{ me { name } }") is me
        assert _plan(gw, "{ products { name } }") is not products  # planned again
        assert _plan(gw, "{ reviews { body } }") is not reviews  # evicted by products


async def test_plan_header_in_dev_mode_only() -> None:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gw:
        outcome = await gw.gateway.execute(*_request())
        assert "QueryPlan {" in outcome.body["extensions"]["queryPlan"]
        plain = await gw.gateway.execute(*_request(headers={}))
        assert "extensions" not in plain.body
    async with kit_gateway(SUPERGRAPH, *make_subgraphs(), mode="production") as gw:
        production = await gw.gateway.execute(*_request())
    assert "extensions" not in production.body
    assert production.body["data"] == plain.body["data"] == {"me": {"name": "Ada Lovelace"}}


def _request(headers: dict[str, str] | None = None) -> tuple[GraphQLParams, RequestContext]:
    return GraphQLParams(query="{ me { name } }"), RequestContext(
        headers=dict(PLAN_HEADER) if headers is None else headers
    )


async def test_reload_plans_against_the_new_supergraph() -> None:
    from tests.planning import test_override as override

    moved_back = override.SUPERGRAPH.replace(
        'price: Int! @join__field(graph: FRESH, override: "legacy")',
        "price: Int! @join__field(graph: LEGACY)",
    )
    assert moved_back != override.SUPERGRAPH
    async with kit_gateway(override.SUPERGRAPH, *override.make_subgraphs()) as gw:
        before_plan, before = await gw.run("{ products { price } }")
        await gw.gateway.reload(moved_back)
        after_plan, after = await gw.run("{ products { price } }")
    assert before == {"data": {"products": [{"price": 100}, {"price": 200}]}}
    assert after == {"data": {"products": [{"price": -1}, {"price": -2}]}}
    assert 'Fetch(service: "fresh")' in before_plan
    assert 'Fetch(service: "fresh")' not in after_plan


async def test_subgraph_urls_come_from_the_supergraph_unless_configured() -> None:
    subgraphs = make_subgraphs()
    async with kit_gateway(SUPERGRAPH, *subgraphs) as gw:
        served = dict(gw.gateway.transport.urls)  # where the kit serves each subgraph
        direct_sdl = SUPERGRAPH
        for name, url in served.items():
            direct_sdl = direct_sdl.replace(f"http://{name}.invalid/graphql", url)
        assert "invalid" not in direct_sdl.split("enum join__Graph")[1].split("}")[0]
        direct = await Gateway.create(GatewayConfig(), direct_sdl)
        try:
            outcome = await direct.execute(GraphQLParams(query="{ me { name } }"), RequestContext())
        finally:
            await direct.close()
    assert outcome.body == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert [r.query for r in subgraphs[0].requests] == ["query{me {name}}"]
