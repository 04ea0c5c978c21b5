"""Announcing changed entities, so the gateways purge cached responses that contain them.

After a write commits, a subgraph publishes on its broker (Redis pub/sub when
``REDIS_URL`` is set, shared with the gateway)::

    gateway:entity-changes  {"entities": [{"typename": "User", "id": "usr_1"}]}

Every gateway replica listening (``caching.response_cache.invalidation_channel``) purges
the responses containing those entities; with the in-process broker nobody outside this
process hears it (the gateway then purges from mutation responses alone: docs/caching.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from subgraphs._shared.broker import Broker

#: The channel the gateway listens on (its ``invalidation_channel`` default).
ENTITY_CHANGES_CHANNEL: Final = "gateway:entity-changes"

logger = logging.getLogger("subgraphs.announcements")


async def announce_changes(broker: Broker, entities: Iterable[tuple[str, str]]) -> None:
    """Publish that the entities ``(typename, id)`` changed. Never raises: the write is
    committed; a lost announcement only leaves cached responses to expire by their age."""
    payload = [{"typename": typename, "id": key} for typename, key in entities]
    if not payload:
        return
    try:
        await broker.publish(ENTITY_CHANGES_CHANNEL, {"entities": payload})
    except Exception:
        logger.exception("could not announce changed entities")
