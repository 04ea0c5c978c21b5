# ruff: noqa: E501 -- data rows, operations and plan snapshots are data.
"""The learning platform's own supergraph (``schema/supergraph.graphql``, composed from the
three subgraphs' SDL in ``schema/``), planned and executed against kit subgraphs serving
exactly those SDLs with small data: operations spanning users, courses and progress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.planning.helpers import KitGateway, KitSubgraph, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")

SCHEMA = Path(__file__).resolve().parents[2] / "schema"
SUPERGRAPH = (SCHEMA / "supergraph.graphql").read_text(encoding="utf-8")

#: The progress subgraph keeps its own copy of each course's lesson count.
COMPLETED = {("u2", "c1"): ["l1", "l2"]}
LESSONS = {"c1": ["l1", "l2", "l3"], "c2": ["l4"]}


def _progress(user: str, course: str, lesson_count: int) -> dict[str, Any] | None:
    done = COMPLETED.get((user, course))
    if done is None:
        return None
    return {
        "course": {"id": course},
        "user": {"id": user},
        "completedLessons": len(done),
        "completedLessonIds": done,
        "percentComplete": round(100 * len(done) / lesson_count, 1),
        "lastActivityAt": "2026-01-02T10:00:00+00:00",
        "status": "COMPLETED" if len(done) == lesson_count else "IN_PROGRESS",
    }


def _connection(nodes: list[dict[str, Any]], first: int) -> dict[str, Any]:
    page = nodes[:first]
    return {
        "edges": [{"cursor": n["id"], "node": n} for n in page],
        "nodes": page,
        "pageInfo": {
            "hasNextPage": len(nodes) > first,
            "endCursor": page[-1]["id"] if page else None,
        },
    }


def make_subgraphs() -> list[KitSubgraph]:
    users = KitSubgraph(
        "users",
        (SCHEMA / "users.graphql").read_text(encoding="utf-8"),
        {
            "User": [
                {
                    "id": "u1",
                    "name": "Ada",
                    "locale": "en",
                    "role": "INSTRUCTOR",
                    "createdAt": "2026-01-01T00:00:00+00:00",
                    "email": None,
                },
                {
                    "id": "u2",
                    "name": "Bob",
                    "locale": "pt-BR",
                    "role": "LEARNER",
                    "createdAt": "2026-01-01T00:00:00+00:00",
                    "email": "bob@x",
                },
            ]
        },
        {
            "Query.me": lambda _s, _i: users.find("User", {"id": "u2"}),
            "Query.user": lambda _s, _i, id: users.find("User", {"id": id}),
            "Query.users": lambda _s, _i, first, after=None: _connection(users.rows("User"), first),
            "User.avatarUrl": lambda s, _i, size: f"https://img.test/{s['id']}/{size}.png",
            "Mutation.updateProfile": lambda _s, _i, input: _update_profile(users, input),
        },
    )
    courses = KitSubgraph(
        "courses",
        (SCHEMA / "courses.graphql").read_text(encoding="utf-8"),
        {
            "Course": [
                {
                    "id": "c1",
                    "title": "GraphQL",
                    "description": "d1",
                    "publishedAt": None,
                    "instructor": {"id": "u1"},
                    "lessonCount": 3,
                    "tags": ["api"],
                    "modules": [
                        {
                            "id": "m1",
                            "title": "Basics",
                            "position": 1,
                            "lessons": [{"id": "l1"}, {"id": "l2"}],
                        },
                        {
                            "id": "m2",
                            "title": "Federation",
                            "position": 2,
                            "lessons": [{"id": "l3"}],
                        },
                    ],
                    "lessons": [{"id": "l1"}, {"id": "l2"}, {"id": "l3"}],
                },
                {
                    "id": "c2",
                    "title": "Python",
                    "description": "d2",
                    "publishedAt": None,
                    "instructor": {"id": "u1"},
                    "lessonCount": 1,
                    "tags": [],
                    "modules": [
                        {"id": "m3", "title": "All", "position": 1, "lessons": [{"id": "l4"}]}
                    ],
                    "lessons": [{"id": "l4"}],
                },
            ],
            "Lesson": [
                {
                    "id": f"l{n}",
                    "title": f"Lesson {n}",
                    "position": p,
                    "durationMinutes": 10 * n,
                    "course": {"id": c},
                }
                for n, p, c in [(1, 1, "c1"), (2, 2, "c1"), (3, 3, "c1"), (4, 1, "c2")]
            ],
            "User": [
                {"id": "u1", "taughtCourses": [{"id": "c1"}, {"id": "c2"}]},
                {"id": "u2", "taughtCourses": []},
            ],
        },
        {
            "Query.course": lambda _s, _i, id: courses.find("Course", {"id": id}),
            "Query.courses": lambda _s, _i, first, after=None, search=None, tag=None: _connection(
                courses.rows("Course"), first
            ),
        },
    )
    progress = KitSubgraph(
        "progress",
        (SCHEMA / "progress.graphql").read_text(encoding="utf-8"),
        {"Course": [{"id": "c1"}, {"id": "c2"}], "User": [{"id": "u1"}, {"id": "u2"}]},
        {
            # The calling user is u2 (the kit has no authentication).
            "Course.myProgress": lambda s, _i: _progress("u2", s["id"], s["lessonCount"]),
            "User.progress": lambda s, _i, courseId: _progress(
                s["id"], courseId, len(LESSONS[courseId])
            ),
            "User.enrollments": lambda s, _i, first, after=None: _connection(
                [
                    {
                        "id": f"e-{u}-{c}",
                        "enrolledAt": "2026-01-01T00:00:00+00:00",
                        "user": {"id": u},
                        "course": {"id": c},
                        "progress": _progress(u, c, len(LESSONS[c])),
                    }
                    for (u, c) in COMPLETED
                    if u == s["id"]
                ],
                first,
            ),
        },
    )
    return [courses, progress, users]


def _update_profile(users: KitSubgraph, changes: dict[str, Any]) -> dict[str, Any] | None:
    row = users.find("User", {"id": "u2"})
    if row is not None:
        row.update({k: v for k, v in changes.items() if v is not None})
    return row


@pytest_asyncio.fixture(loop_scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_course_with_instructor_and_progress_that_requires_the_lesson_count(
    gw: KitGateway,
) -> None:
    plan, body = await gw.run(
        '{ course(id: "c1") { title instructor { name } myProgress { completedLessons percentComplete status } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "courses") {
      {
        course(id: "c1") {
          title
          instructor {
            __typename
            id
          }
          __typename
          id
          lessonCount
        }
      }
    },
    Parallel {
      Flatten(path: "course.instructor") {
        Fetch(service: "users") {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              name
            }
          }
        },
      },
      Flatten(path: "course") {
        Fetch(service: "progress") {
          {
            ... on Course {
              __typename
              id
              lessonCount
            }
          } =>
          {
            ... on Course {
              myProgress {
                completedLessons
                percentComplete
                status
              }
            }
          }
        },
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "course": {
                    "title": "GraphQL",
                    "instructor": {"name": "Ada"},
                    "myProgress": {
                        "completedLessons": 2,
                        "percentComplete": 66.7,
                        "status": "IN_PROGRESS",
                    },
                }
            }
        }
    )
    assert gw["progress"].requests[0].variables == snapshot(
        {"representations": [{"__typename": "Course", "id": "c1", "lessonCount": 3}]}
    )


async def test_user_with_taught_courses_and_progress_in_one_course(gw: KitGateway) -> None:
    plan, body = await gw.run(
        '{ user(id: "u2") { name taughtCourses { title } progress(courseId: "c1") { percentComplete course { title } } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "users") {
      {
        user(id: "u2") {
          name
          __typename
          id
        }
      }
    },
    Parallel {
      Flatten(path: "user") {
        Fetch(service: "courses") {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              taughtCourses {
                title
              }
            }
          }
        },
      },
      Flatten(path: "user") {
        Fetch(service: "progress") {
          {
            ... on User {
              __typename
              id
            }
          } =>
          {
            ... on User {
              progress(courseId: "c1") {
                percentComplete
                course {
                  __typename
                  id
                }
              }
            }
          }
        },
      },
    },
    Flatten(path: "user.progress.course") {
      Fetch(service: "courses") {
        {
          ... on Course {
            __typename
            id
          }
        } =>
        {
          ... on Course {
            title
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "user": {
                    "name": "Bob",
                    "taughtCourses": [],
                    "progress": {"percentComplete": 66.7, "course": {"title": "GraphQL"}},
                }
            }
        }
    )


async def test_course_catalogue_from_one_subgraph(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ courses(first: 1) { nodes { title modules { title lessons { title } } } pageInfo { hasNextPage endCursor } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "courses") {
    {
      courses(first: 1) {
        nodes {
          title
          modules {
            title
            lessons {
              title
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "courses": {
                    "nodes": [
                        {
                            "title": "GraphQL",
                            "modules": [
                                {
                                    "title": "Basics",
                                    "lessons": [{"title": "Lesson 1"}, {"title": "Lesson 2"}],
                                },
                                {"title": "Federation", "lessons": [{"title": "Lesson 3"}]},
                            ],
                        }
                    ],
                    "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
                }
            }
        }
    )


async def test_my_enrollments_across_all_three_subgraphs(gw: KitGateway) -> None:
    # myProgress (progress) requires lessonCount (courses) although the enrollments were
    # fetched from progress itself.
    plan, body = await gw.run(
        "{ me { name enrollments { nodes { course { title myProgress { status } } progress { completedLessons } } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "users") {
      {
        me {
          name
          __typename
          id
        }
      }
    },
    Flatten(path: "me") {
      Fetch(service: "progress") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            enrollments {
              nodes {
                course {
                  __typename
                  id
                }
                progress {
                  completedLessons
                }
              }
            }
          }
        }
      },
    },
    Flatten(path: "me.enrollments.nodes.@.course") {
      Fetch(service: "courses") {
        {
          ... on Course {
            __typename
            id
          }
        } =>
        {
          ... on Course {
            title
            lessonCount
          }
        }
      },
    },
    Flatten(path: "me.enrollments.nodes.@.course") {
      Fetch(service: "progress") {
        {
          ... on Course {
            __typename
            id
            lessonCount
          }
        } =>
        {
          ... on Course {
            myProgress {
              status
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "me": {
                    "name": "Bob",
                    "enrollments": {
                        "nodes": [
                            {
                                "course": {
                                    "title": "GraphQL",
                                    "myProgress": {"status": "IN_PROGRESS"},
                                },
                                "progress": {"completedLessons": 2},
                            }
                        ]
                    },
                }
            }
        }
    )


async def test_users_page_with_an_argument_default_and_entities(gw: KitGateway) -> None:
    plan, body = await gw.run(
        "{ users(first: 5) { nodes { name avatarUrl taughtCourses { lessonCount } } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "users") {
      {
        users(first: 5) {
          nodes {
            name
            avatarUrl
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "users.nodes.@") {
      Fetch(service: "courses") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            taughtCourses {
              lessonCount
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {
            "data": {
                "users": {
                    "nodes": [
                        {
                            "name": "Ada",
                            "avatarUrl": "https://img.test/u1/128.png",
                            "taughtCourses": [{"lessonCount": 3}, {"lessonCount": 1}],
                        },
                        {
                            "name": "Bob",
                            "avatarUrl": "https://img.test/u2/128.png",
                            "taughtCourses": [],
                        },
                    ]
                }
            }
        }
    )


async def test_mutation_then_entity_fields(gw: KitGateway) -> None:
    plan, body = await gw.run(
        'mutation { updateProfile(input: { name: "Robert" }) { name locale taughtCourses { title } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Sequence {
    Fetch(service: "users") {
      {
        updateProfile(input: { name: "Robert" }) {
          name
          locale
          __typename
          id
        }
      }
    },
    Flatten(path: "updateProfile") {
      Fetch(service: "courses") {
        {
          ... on User {
            __typename
            id
          }
        } =>
        {
          ... on User {
            taughtCourses {
              title
            }
          }
        }
      },
    },
  },
}\
""")
    assert body == snapshot(
        {"data": {"updateProfile": {"name": "Robert", "locale": "pt-BR", "taughtCourses": []}}}
    )
