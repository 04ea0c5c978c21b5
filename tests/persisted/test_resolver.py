"""``PersistedQueries.resolve`` in each mode, over the in-process store and Redis."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gateway.errors import BadRequest
from gateway.persisted import (
    PersistedQueryHashMismatch,
    PersistedQueryMalformed,
    PersistedQueryNotFound,
    PersistedQueryNotInList,
    PersistedQueryOnly,
    build_manifest,
    operation_id,
)
from gateway.request import GraphQLParams, RequestContext
from tests.persisted.conftest import ADHOC, HOME, SAVE, Factory


def by_id(text: str, *, send_text: bool = False) -> GraphQLParams:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": operation_id(text)}}
    return GraphQLParams(query=text if send_text else None, extensions=extensions)


def ctx(**headers: str) -> RequestContext:
    return RequestContext(method="GET", headers=headers)


# -- apq -------------------------------------------------------------------------------


async def test_apq_miss_then_register_then_hit(make: Factory) -> None:
    persisted = make(mode="apq")
    with pytest.raises(PersistedQueryNotFound) as miss:
        await persisted.resolve(by_id(ADHOC), ctx())
    # exactly what Apollo clients look for, with HTTP 200
    assert miss.value.to_graphql() == {
        "message": "PersistedQueryNotFound",
        "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
    }
    assert miss.value.status == 200
    assert await persisted.resolve(by_id(ADHOC, send_text=True), ctx()) == ADHOC
    assert await persisted.resolve(by_id(ADHOC), ctx()) == ADHOC
    assert persisted.stats == {"apq_miss": 1, "apq_registered": 1, "apq_hit": 1}


async def test_a_registration_is_seen_by_another_replica(make: Factory) -> None:
    first, second = make(mode="apq"), make(mode="apq")
    await first.resolve(by_id(ADHOC, send_text=True), ctx())
    assert await second.resolve(by_id(ADHOC), ctx()) == ADHOC


async def test_hash_and_text_must_match(make: Factory) -> None:
    persisted = make(mode="apq")
    params = GraphQLParams(query=ADHOC, extensions=by_id(HOME).extensions)
    with pytest.raises(PersistedQueryHashMismatch) as caught:
        await persisted.resolve(params, ctx())
    assert caught.value.code == "PERSISTED_QUERY_HASH_MISMATCH"
    assert caught.value.status == 400
    assert operation_id(ADHOC) in caught.value.message
    # nothing was stored under the claimed id
    assert await persisted.store.get(operation_id(HOME)) is None


async def test_manifest_ids_run_without_the_text_ever_sent(make: Factory) -> None:
    persisted = make(mode="apq")
    assert await persisted.resolve(by_id(HOME), ctx()) == HOME
    assert persisted.stats["manifest"] == 1


async def test_text_only_runs(make: Factory) -> None:
    assert await make(mode="apq").resolve(GraphQLParams(query=ADHOC), ctx()) == ADHOC


async def test_an_empty_text_with_an_id_means_no_text(make: Factory) -> None:
    params = GraphQLParams(query="", extensions=by_id(HOME).extensions)
    assert await make(mode="apq").resolve(params, ctx()) == HOME


async def test_no_query_at_all(make: Factory) -> None:
    with pytest.raises(BadRequest) as caught:
        await make(mode="apq").resolve(GraphQLParams(), ctx())
    assert caught.value.code == "MISSING_QUERY"


async def test_malformed_extensions_are_refused_before_anything(make: Factory) -> None:
    params = GraphQLParams(query=ADHOC, extensions={"persistedQuery": "yes"})
    with pytest.raises(PersistedQueryMalformed):
        await make(mode="apq").resolve(params, ctx())


async def test_oversized_texts_run_but_are_not_stored(make: Factory) -> None:
    persisted = make(mode="apq", max_stored_query_bytes=10)
    assert await persisted.resolve(by_id(ADHOC, send_text=True), ctx()) == ADHOC
    with pytest.raises(PersistedQueryNotFound):
        await persisted.resolve(by_id(ADHOC), ctx())


# -- allowlist -------------------------------------------------------------------------


async def test_allowlist_runs_manifest_operations_by_id_and_by_text(make: Factory) -> None:
    persisted = make(mode="allowlist")
    assert await persisted.resolve(by_id(HOME), ctx()) == HOME
    assert await persisted.resolve(by_id(SAVE, send_text=True), ctx()) == SAVE
    assert await persisted.resolve(GraphQLParams(query=HOME), ctx()) == HOME


async def test_allowlist_refuses_unknown_ids_without_asking_for_the_text(make: Factory) -> None:
    persisted = make(mode="allowlist")
    with pytest.raises(PersistedQueryNotInList) as caught:
        await persisted.resolve(by_id(ADHOC), ctx())
    assert caught.value.code == "PERSISTED_QUERY_NOT_IN_LIST"
    assert caught.value.status == 404


async def test_allowlist_refuses_free_form_text(make: Factory) -> None:
    with pytest.raises(PersistedQueryNotInList) as caught:
        await make(mode="allowlist").resolve(GraphQLParams(query=ADHOC), ctx())
    assert caught.value.status == 403


async def test_allowlist_refuses_apq_registration(make: Factory) -> None:
    persisted = make(mode="allowlist")
    with pytest.raises(PersistedQueryNotInList) as caught:
        await persisted.resolve(by_id(ADHOC, send_text=True), ctx())
    assert "registering operations is disabled" in caught.value.message
    assert await persisted.store.get(operation_id(ADHOC)) is None


async def test_allowlist_ignores_texts_stored_by_apq_earlier(make: Factory) -> None:
    await make(mode="apq").resolve(by_id(ADHOC, send_text=True), ctx())
    with pytest.raises(PersistedQueryNotInList):
        await make(mode="allowlist").resolve(by_id(ADHOC), ctx())


async def test_require_id_refuses_even_manifest_text(make: Factory) -> None:
    persisted = make(mode="allowlist", require_id=True)
    with pytest.raises(PersistedQueryOnly) as caught:
        await persisted.resolve(GraphQLParams(query=HOME), ctx())
    assert caught.value.code == "PERSISTED_QUERY_ONLY"
    assert caught.value.status == 400
    assert await persisted.resolve(by_id(HOME), ctx()) == HOME


async def test_bypass_header_with_the_secret_allows_free_form(make: Factory) -> None:
    secret = "s3cret-for-internal-tools"
    persisted = make(mode="allowlist", bypass_header="X-Internal-Tool", bypass_secret=secret)
    assert (
        await persisted.resolve(GraphQLParams(query=ADHOC), ctx(**{"x-internal-tool": secret}))
        == ADHOC
    )
    assert (
        await persisted.resolve(by_id(ADHOC, send_text=True), ctx(**{"x-internal-tool": secret}))
        == ADHOC
    )
    assert await persisted.store.get(operation_id(ADHOC)) is None  # ran, never registered
    for wrong in ({"x-internal-tool": secret[:-1]}, {"x-other": secret}, {}):
        with pytest.raises(PersistedQueryNotInList):
            await persisted.resolve(GraphQLParams(query=ADHOC), ctx(**wrong))
    assert persisted.stats["bypass"] == 2


async def test_the_bypass_is_off_by_default(make: Factory) -> None:
    persisted = make(mode="allowlist")
    with pytest.raises(PersistedQueryNotInList):
        await persisted.resolve(GraphQLParams(query=ADHOC), ctx(**{"x-bypass": "anything"}))


async def test_allowlist_follows_manifest_changes(make: Factory, manifest_path: Path) -> None:
    persisted = make(mode="allowlist")
    with pytest.raises(PersistedQueryNotInList):
        await persisted.resolve(by_id(ADHOC), ctx())
    manifest_path.write_text(json.dumps(build_manifest([("Adhoc", "query", ADHOC)])))
    os.utime(manifest_path, ns=(5, 5))
    assert await persisted.resolve(by_id(ADHOC), ctx()) == ADHOC
    with pytest.raises(PersistedQueryNotInList):
        await persisted.resolve(by_id(HOME), ctx())


# -- log-unknown -----------------------------------------------------------------------


async def test_log_unknown_runs_everything_and_counts_the_unknown(
    make: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    persisted = make(mode="log-unknown")
    assert await persisted.resolve(GraphQLParams(query=HOME), ctx()) == HOME
    assert await persisted.resolve(GraphQLParams(query=ADHOC), ctx()) == ADHOC
    assert await persisted.resolve(GraphQLParams(query=ADHOC), ctx()) == ADHOC
    with pytest.raises(PersistedQueryNotFound):
        await persisted.resolve(by_id("{ other }"), ctx())
    assert await persisted.resolve(by_id("{ other }", send_text=True), ctx()) == "{ other }"
    assert await persisted.resolve(by_id("{ other }"), ctx()) == "{ other }"
    assert persisted.stats["unknown"] == 4  # two ADHOC runs, two of '{ other }'
    warnings = [r.getMessage() for r in caplog.records if r.name == "gateway.persisted"]
    assert warnings == [
        f"operation {operation_id(ADHOC)} is not in the persisted query manifest",
        f"operation {operation_id('{ other }')} is not in the persisted query manifest",
    ]
