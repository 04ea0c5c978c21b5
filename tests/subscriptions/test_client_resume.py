"""A phone drops its connection, lessons are completed meanwhile (on another device), and
the app resubscribes with the last ``cursor`` it received: through the gateway it gets
exactly the events it missed, in order, then the live ones — none lost, none twice."""

from __future__ import annotations

from typing import Any

from tests.subscriptions.helpers import Platform, as_user, fresh_learner, lessons_of, websocket

RESUMABLE = """subscription R($after: String) { progressUpdated(after: $after) {
  cursor lesson { id title } progress { completedLessons } } }"""


def _event(message: dict[str, Any]) -> dict[str, Any]:
    assert message["type"] == "next" and "errors" not in message["payload"], message
    event: dict[str, Any] = message["payload"]["data"]["progressUpdated"]
    return event


async def test_resubscribing_with_the_last_cursor_replays_the_missed_events_then_live(
    platform: Platform,
) -> None:
    user = fresh_learner(platform.subgraphs)
    lessons = lessons_of(platform.subgraphs, platform.subgraphs.data.courses[0]["id"])[:5]
    async with websocket(platform.ws_url) as phone:
        await phone.init(as_user(user))
        await phone.subscribe("1", RESUMABLE)
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lessons[0]["id"], "m0")
        first = _event(await phone.receive_operation())
    assert first["lesson"]["id"] == lessons[0]["id"]
    await platform.wait_for_subscribers(user, 0)  # the tunnel: nobody is listening

    # Completed on another device while the phone was away.
    for n in (1, 2):
        await platform.complete_lesson(user, lessons[n]["id"], f"m{n}")

    async with websocket(platform.ws_url) as phone:
        await phone.init(as_user(user))
        await phone.subscribe("2", RESUMABLE, {"after": first["cursor"]})
        missed = [_event(await phone.receive_operation()) for _ in range(2)]
        await platform.wait_for_subscribers(user, 1)
        await platform.complete_lesson(user, lessons[3]["id"], "m3")
        live = _event(await phone.receive_operation())
        # Nothing else: no duplicate of a replayed event follows the live one.
        await phone.send({"type": "ping", "payload": {"n": 1}})
        assert await phone.receive_operation() == {"type": "pong", "payload": {"n": 1}}

    received = [first, *missed, live]
    assert [e["lesson"]["id"] for e in received] == [lesson["id"] for lesson in lessons[:4]]
    assert [e["progress"]["completedLessons"] for e in received] == [1, 2, 3, 4]
    # Titles come from the courses subgraph for replayed events too.
    assert [e["lesson"]["title"] for e in received] == [lesson["title"] for lesson in lessons[:4]]
    assert len({e["cursor"] for e in received}) == 4
