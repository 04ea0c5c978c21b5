"""Fixtures: a manifest file, a throwaway Redis, and resolvers over either store."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.persisted import (
    APQStore,
    ManifestFile,
    MemoryStore,
    PersistedConfig,
    PersistedQueries,
    RedisStore,
    build_manifest,
)
from tests.servers import throwaway_redis

HOME = "query Home { me { id name } }"
SAVE = "mutation Save($id: ID!) { completeLesson(lessonId: $id) { id } }"
ADHOC = "query Adhoc { me { id } }"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with throwaway_redis() as url:
        yield url


@pytest.fixture
def manifest_path(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(build_manifest([("Home", "query", HOME), ("Save", "mutation", SAVE)]))
    )
    return path


Factory = Callable[..., PersistedQueries]


@pytest.fixture(params=["memory", "redis"])
async def make(request: pytest.FixtureRequest, manifest_path: Path) -> AsyncIterator[Factory]:
    """Build resolvers over the parametrized store; all share one store per test."""
    store: APQStore
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        store = RedisStore.from_url(url, prefix=f"test:{uuid.uuid4().hex}:", ttl_seconds=600)
    else:
        store = MemoryStore(size=100, ttl_seconds=600)

    def factory(**settings: Any) -> PersistedQueries:
        settings.setdefault("manifest", str(manifest_path))
        config = PersistedConfig.model_validate(settings)
        manifest = ManifestFile(config.manifest, 0) if config.manifest else None
        return PersistedQueries(config, store, manifest)

    yield factory
    await store.close()
