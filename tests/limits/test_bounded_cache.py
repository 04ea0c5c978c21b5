"""Every cache is bounded in bytes as well as entries (``gateway.caches.BoundedCache``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.caches import BoundedCache
from gateway.documents import DocumentCache
from gateway.engine_config import EngineConfig
from gateway.errors import GatewayError
from gateway.limits import LimitsConfig
from gateway.persisted import MemoryStore
from gateway.state import SupergraphState
from gateway.supergraph import Supergraph

ROOT = Path(__file__).resolve().parents[2]


def sized(max_entries: int, max_bytes: int) -> BoundedCache[str, str]:
    return BoundedCache(max_entries=max_entries, max_bytes=max_bytes, weigh=lambda k, v: len(v))


def test_the_byte_budget_evicts_the_least_recently_used() -> None:
    cache = sized(100, 1000)
    for name in "abcd":
        assert cache.put(name, "x" * 240)
    assert cache.get("a") is not None  # now the most recent: "b" is the oldest
    assert cache.put("e", "x" * 240)
    assert "b" not in cache and {"a", "c", "d", "e"} <= {k for k in "abcde" if k in cache}
    assert cache.weight == 960


def test_the_entry_bound_still_holds() -> None:
    cache = sized(3, 10**9)
    for name in "abcde":
        cache.put(name, "x")
    assert len(cache) == 3 and "a" not in cache and "e" in cache


def test_an_entry_over_its_limit_is_declined_and_flushes_nothing() -> None:
    cache = sized(100, 1000)  # entries up to 250
    cache.put("small", "x" * 10)
    assert not cache.put("big", "x" * 251)
    assert "big" not in cache and cache.get("small") == "x" * 10


def test_a_ttl_cache_expires_and_keeps_both_bounds() -> None:
    now = [0.0]
    cache: BoundedCache[str, str] = BoundedCache(
        max_entries=2, max_bytes=100, weigh=lambda k, v: len(v), ttl_seconds=5, timer=lambda: now[0]
    )
    cache.put("a", "x" * 20)
    now[0] = 6
    assert cache.get("a") is None
    cache.put("b", "x")
    cache.put("c", "x")
    cache.put("d", "x")
    assert len(cache) == 2


@pytest.fixture(scope="module")
def state() -> SupergraphState:
    supergraph = Supergraph.parse((ROOT / "schema" / "supergraph.graphql").read_text())
    return SupergraphState(supergraph, EngineConfig(), LimitsConfig())


def test_documents_over_the_size_limit_are_never_cached(state: SupergraphState) -> None:
    documents = DocumentCache(state.supergraph.api_schema, LimitsConfig(), max_document_chars=100)
    documents.get("{ me { id } }")
    long_valid = "# " + "x" * 200 + "\n{ me { id } }"
    documents.get(long_valid)
    with pytest.raises(GatewayError):
        documents.get("{ nope " + "x" * 200 + " }")
    assert len(documents.cache) == 1 and "{ me { id } }" in documents.cache


def test_the_document_cache_stays_within_its_byte_budget(state: SupergraphState) -> None:
    budget = 2 * 1024 * 1024
    documents = DocumentCache(state.supergraph.api_schema, LimitsConfig(), max_bytes=budget)
    fields = " ".join(f"a{i}: name" for i in range(25))
    for index in range(400):
        documents.get(f"query Q{index} {{ me {{ {fields} }} }}")
    assert 0 < documents.cache.weight <= budget
    assert len(documents.cache) < 400


def test_a_cached_refusal_is_raised_as_a_fresh_copy(state: SupergraphState) -> None:
    raised = []
    for _ in range(3):
        with pytest.raises(GatewayError) as caught:
            state.documents.get("{ nope }")
        raised.append(caught.value)
    assert len({id(error) for error in raised}) == 3
    assert [(e.code, e.message) for e in raised] == [(raised[0].code, raised[0].message)] * 3


async def test_the_apq_memory_store_is_bounded_in_bytes() -> None:
    store = MemoryStore(size=10_000, ttl_seconds=None, max_bytes=1024 * 1024)
    for index in range(100):
        await store.set(f"{index:064x}", "{ me { id } } #" + "x" * 50_000)
    assert store.weight <= 1024 * 1024 and len(store) < 25
    assert await store.get(f"{99:064x}") is not None
