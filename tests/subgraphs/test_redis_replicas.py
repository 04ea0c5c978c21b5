"""Two progress replicas on one Redis: a completion on one reaches a subscriber on the other."""

from __future__ import annotations

import httpx
import redis.asyncio as redis

from subgraphs import progress
from subgraphs.progress.state import channel_for
from subgraphs.seed import seed_small
from tests.servers import throwaway_redis
from tests.subgraphs.helpers import (
    as_user,
    gql,
    graphql_ws,
    serving,
    throwaway_databases,
    wait_for_subscribers,
)

SUBSCRIPTION = """subscription { progressUpdated {
    lesson { id } progress { completedLessons completedLessonIds } } }"""
COMPLETE = """mutation($input: CompleteLessonInput!) {
    completeLesson(input: $input) { progress { completedLessons } } }"""


async def test_completion_on_one_replica_reaches_subscriber_on_another():
    with throwaway_redis() as redis_url:
        async with throwaway_databases() as database_urls:
            data = await seed_small(database_urls)
            enrolled = {e["user_id"] for e in data.enrollments}
            user = next(
                u["id"] for u in data.users if u["role"] == "LEARNER" and u["id"] not in enrolled
            )
            lesson = data.lessons[0]["id"]
            replicas = {
                "a": progress.create_app(database_urls["progress"], redis_url=redis_url),
                "b": progress.create_app(database_urls["progress"], redis_url=redis_url),
            }
            numsub = redis.Redis.from_url(redis_url)

            async def subscribers(channel: str) -> int:
                [(_, count)] = await numsub.pubsub_numsub(channel)
                return int(count)

            try:
                async with (
                    serving(replicas) as urls,
                    httpx.AsyncClient(timeout=30) as client,
                    graphql_ws(f"{urls['b']}/graphql", init_payload=as_user(user)) as ws,
                ):
                    await ws.subscribe("1", SUBSCRIPTION)
                    await wait_for_subscribers(subscribers, channel_for(user))
                    body = await gql(
                        client,
                        f"{urls['a']}/graphql",
                        COMPLETE,
                        {"input": {"lessonId": lesson, "clientMutationId": "r1"}},
                        as_user(user),
                    )
                    assert body == {
                        "data": {"completeLesson": {"progress": {"completedLessons": 1}}}
                    }
                    message = await ws.receive()
                    assert message == {
                        "id": "1",
                        "type": "next",
                        "payload": {
                            "data": {
                                "progressUpdated": {
                                    "lesson": {"id": lesson},
                                    "progress": {
                                        "completedLessons": 1,
                                        "completedLessonIds": [lesson],
                                    },
                                }
                            }
                        },
                    }
            finally:
                await numsub.aclose()
