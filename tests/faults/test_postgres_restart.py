"""PostgreSQL crashes and restarts while learners upload ``syncProgress`` batches.

Eight learners send their completions in batches of four through the gateway to the
progress subgraph, whose database is a throwaway PostgreSQL cluster; a third of the way
in, the cluster is stopped with ``-m immediate`` (a crash) and started again a moment
later. A client treats any batch not answered ``ok`` for every event as failed and
resends it, unchanged (same ``clientMutationId``s), as the app's offline queue does.

What must hold: some batches were reported failed (the crash was felt); every event was
finally reported stored; and the database holds exactly one receipt per event and one
completion per lesson: nothing lost silently, nothing doubled, even for batches that
were stored but whose answer was lost (the read after the commit failed).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.auth.helpers import as_bearer, gateway_auth
from tests.faults.helpers import served_gateway
from tests.faults.postgres import PgCluster, pg_cluster
from tests.subgraphs.helpers import running_subgraphs

SUPERGRAPH = (Path(__file__).parents[2] / "schema" / "supergraph.graphql").read_text()
SYNC = """mutation Sync($events: [CompleteLessonInput!]!) {
  syncProgress(events: $events) { clientMutationId ok error { code message } }
}"""
LEARNERS = 8
BATCH = 4
OCCURRED = "2025-03-01T12:00:00+00:00"


class Outcomes:
    def __init__(self) -> None:
        self.failed_batches = 0
        self.stored: Counter[str] = Counter()  # reported ok, per clientMutationId
        self.batches_done = 0
        self.third = asyncio.Event()
        self.total_batches = 0


async def learner(
    client: httpx.AsyncClient, user: str, lessons: list[str], outcomes: Outcomes
) -> None:
    events = [
        {"lessonId": lesson, "clientMutationId": f"{user}:{lesson}", "occurredAt": OCCURRED}
        for lesson in lessons
    ]
    headers = as_bearer(user)
    for start in range(0, len(events), BATCH):
        batch = events[start : start + BATCH]
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, f"{user}: a batch never got through"
            response = await client.post(
                "/graphql", json={"query": SYNC, "variables": {"events": batch}}, headers=headers
            )
            assert response.status_code < 500, response.text
            results = (response.json().get("data") or {}).get("syncProgress")
            if results is not None and all(result["ok"] for result in results):
                assert [r["clientMutationId"] for r in results] == [
                    e["clientMutationId"] for e in batch
                ]
                outcomes.stored.update(r["clientMutationId"] for r in results)
                break
            # Reported failed: whether it was stored is unknown; resend it unchanged.
            assert results is None, results  # per-event errors would be bad input here
            outcomes.failed_batches += 1
            await asyncio.sleep(0.05)
        outcomes.batches_done += 1
        if outcomes.batches_done >= outcomes.total_batches // 3:
            outcomes.third.set()


async def crash_and_restart(cluster: PgCluster, outcomes: Outcomes) -> None:
    await outcomes.third.wait()
    await asyncio.to_thread(cluster.stop, "immediate")
    await asyncio.sleep(1.0)  # down long enough for batches to fail against it
    await asyncio.to_thread(cluster.start)


async def rows(cluster: PgCluster, database: str, query: str) -> list[Any]:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/{database}")
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def test_syncprogress_batches_survive_a_postgres_crash() -> None:
    async with pg_cluster() as cluster:
        urls = await cluster.create_databases("users", "courses", "progress")
        async with running_subgraphs(database_urls=urls) as subgraphs:
            data = subgraphs.data
            enrolled = {e["user_id"] for e in data.enrollments}
            learners = [
                u["id"] for u in data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
            ][:LEARNERS]
            courses = [c["id"] for c in data.courses][:2]
            lessons = [x["id"] for x in data.lessons if x["course_id"] in courses]
            config = {
                "subgraphs": {name: {"url": url} for name, url in subgraphs.urls.items()},
                "auth": gateway_auth(),
            }
            outcomes = Outcomes()
            outcomes.total_batches = LEARNERS * -(-len(lessons) // BATCH)
            async with served_gateway(config, SUPERGRAPH) as (client, _):
                await asyncio.gather(
                    crash_and_restart(cluster, outcomes),
                    *(learner(client, user, lessons, outcomes) for user in learners),
                )

        assert outcomes.failed_batches > 0, "the crash was not felt: no batch failed"
        expected = {f"{user}:{lesson}" for user in learners for lesson in lessons}
        assert set(outcomes.stored) == expected
        assert set(outcomes.stored.values()) == {1}

        receipts = await rows(
            cluster, "progress", "SELECT user_id, client_mutation_id FROM receipts"
        )
        ours = [r for r in receipts if r["user_id"] in learners]
        assert len(ours) == len(expected)  # one receipt per event: none lost, none doubled
        assert {r["client_mutation_id"] for r in ours} == expected
        completions = await rows(cluster, "progress", "SELECT user_id, lesson_id FROM completions")
        ours = [(r["user_id"], r["lesson_id"]) for r in completions if r["user_id"] in learners]
        assert sorted(ours) == sorted((user, lesson) for user in learners for lesson in lessons)
