"""The courses subgraph: course/lesson queries, search, entities, bad input."""

from __future__ import annotations

import httpx

from tests.subgraphs.helpers import RunningSubgraphs, codes, gql

COURSE = """query($id: ID!) { course(id: $id) {
    id title instructor { id } lessonCount tags
    modules { id position lessons { id position } } lessons { id } } }"""


async def test_course_with_modules_and_lessons(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    course = data.courses[3]
    body = await gql(client, subgraphs.urls["courses"], COURSE, {"id": course["id"]})
    modules = [m for m in data.modules if m["course_id"] == course["id"]]
    lessons = [x for x in data.lessons if x["course_id"] == course["id"]]
    assert body == {
        "data": {
            "course": {
                "id": course["id"],
                "title": course["title"],
                "instructor": {"id": course["instructor_id"]},
                "lessonCount": len(lessons),
                "tags": sorted(
                    t["tag"] for t in data.course_tags if t["course_id"] == course["id"]
                ),
                "modules": [
                    {
                        "id": m["id"],
                        "position": m["position"],
                        "lessons": [
                            {"id": x["id"], "position": x["position"]}
                            for x in lessons
                            if x["module_id"] == m["id"]
                        ],
                    }
                    for m in modules
                ],
                "lessons": [{"id": x["id"]} for x in lessons],
            }
        }
    }


async def test_unknown_course_and_lesson_are_not_found(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    url = subgraphs.urls["courses"]
    body = await gql(client, url, '{ course(id: "crs_9999") { id } lesson(id: "x") { id } }')
    assert body["data"] == {"course": None, "lesson": None}
    assert sorted(codes(body)) == ["NOT_FOUND", "NOT_FOUND"]


async def test_oversized_id_is_bad_input(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    body = await gql(client, subgraphs.urls["courses"], COURSE, {"id": "c" * 65})
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_courses_search_and_tag_filter(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    query = """query($search: String, $tag: String) {
        courses(first: 100, search: $search, tag: $tag) { nodes { id } } }"""
    word = data.courses[0]["title"].split()[-1]
    body = await gql(client, subgraphs.urls["courses"], query, {"search": word.upper()})
    expected = [c["id"] for c in data.courses if word.lower() in c["title"].lower()]
    assert [n["id"] for n in body["data"]["courses"]["nodes"]] == expected
    assert expected

    tag = data.course_tags[0]["tag"]
    body = await gql(client, subgraphs.urls["courses"], query, {"tag": tag})
    tagged = sorted({t["course_id"] for t in data.course_tags if t["tag"] == tag})
    assert [n["id"] for n in body["data"]["courses"]["nodes"]] == tagged

    # LIKE wildcards in the search are literal characters, not patterns.
    body = await gql(client, subgraphs.urls["courses"], query, {"search": "%"})
    assert body == {"data": {"courses": {"nodes": []}}}


async def test_courses_pagination(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    query = """query($after: String) { courses(first: 5, after: $after) {
        nodes { id } pageInfo { hasNextPage endCursor } } }"""
    ids: list[str] = []
    after = None
    while True:
        page = (await gql(client, subgraphs.urls["courses"], query, {"after": after}))["data"]
        ids += [n["id"] for n in page["courses"]["nodes"]]
        if not page["courses"]["pageInfo"]["hasNextPage"]:
            break
        after = page["courses"]["pageInfo"]["endCursor"]
    assert ids == [c["id"] for c in subgraphs.data.courses]


async def test_courses_bad_input(subgraphs: RunningSubgraphs, client: httpx.AsyncClient):
    url = subgraphs.urls["courses"]
    for args in (
        'search: ""',
        'search: "   "',
        f'search: "{"a" * 101}"',
        'tag: ""',
        "first: 1000",
        'after: "%%%"',
    ):
        body = await gql(client, url, f"{{ courses({args}) {{ nodes {{ id }} }} }}")
        assert body["data"] is None, args
        assert codes(body) == ["BAD_USER_INPUT"], args


async def test_entities_course_lesson_and_taught_courses(
    subgraphs: RunningSubgraphs, client: httpx.AsyncClient
):
    data = subgraphs.data
    course, lesson = data.courses[1], data.lessons[0]
    instructor = course["instructor_id"]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Course { id title }
        ... on Lesson { id title course { id } }
        ... on User { id taughtCourses { id } } } }"""
    reps = [
        {"__typename": "Course", "id": course["id"]},
        {"__typename": "Lesson", "id": lesson["id"]},
        {"__typename": "User", "id": instructor},
        {"__typename": "Course", "id": "crs_missing"},
    ]
    body = await gql(client, subgraphs.urls["courses"], query, {"r": reps})
    assert body == {
        "data": {
            "_entities": [
                {"id": course["id"], "title": course["title"]},
                {
                    "id": lesson["id"],
                    "title": lesson["title"],
                    "course": {"id": lesson["course_id"]},
                },
                {
                    "id": instructor,
                    "taughtCourses": [
                        {"id": c["id"]} for c in data.courses if c["instructor_id"] == instructor
                    ],
                },
                None,
            ]
        }
    }
