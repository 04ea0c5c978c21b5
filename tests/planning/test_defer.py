# ruff: noqa: E501 -- plan and response snapshots are data.
"""``@defer`` and ``@stream``: deferred fragments become later fetch groups (a ``Defer``
node: the primary plan, then one sub-plan per fragment starting from the primary's data),
delivered in parts to a client that takes incremental delivery, ignored for one that
does not."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from inline_snapshot import snapshot

from tests.execution.helpers import SUPERGRAPH, make_subgraphs, run_incremental
from tests.planning.helpers import KitGateway, kit_gateway

#: One event loop per module: the module-scoped kit servers and gateway live in it.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def gw() -> AsyncIterator[KitGateway]:
    async with kit_gateway(SUPERGRAPH, *make_subgraphs()) as gateway:
        yield gateway


async def test_deferred_field_of_another_subgraph_is_a_later_entity_fetch(
    gw: KitGateway,
) -> None:
    plan, parts = await run_incremental(
        gw, '{ courses { title ... @defer(label: "ratings") { rating } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          courses {
            title
            __typename
            id
          }
        }
      },
    },
    Deferred(label: "ratings", path: "courses.@") {
      Flatten(path: "courses.@") {
        Fetch(service: "reviews") {
          {
            ... on Course {
              __typename
              id
            }
          } =>
          {
            ... on Course {
              rating
            }
          }
        },
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"courses": [{"title": "Algebra"}, {"title": "Topology"}]}, "hasNext": True},
            {
                "incremental": [
                    {"data": {"rating": 4.5}, "path": ["courses", 0], "label": "ratings"},
                    {"data": {"rating": None}, "path": ["courses", 1], "label": "ratings"},
                ],
                "hasNext": False,
            },
        ]
    )


async def test_deferred_field_of_the_same_subgraph_is_fetched_again_by_key(
    gw: KitGateway,
) -> None:
    plan, parts = await run_incremental(gw, '{ course(id: "c1") { title ... @defer { tags } } }')
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          course(id: "c1") {
            title
            __typename
            id
          }
        }
      },
    },
    Deferred(path: "course") {
      Flatten(path: "course") {
        Fetch(service: "catalog") {
          {
            ... on Course {
              __typename
              id
            }
          } =>
          {
            ... on Course {
              tags
            }
          }
        },
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"course": {"title": "Algebra"}}, "hasNext": True},
            {
                "incremental": [
                    {"data": {"tags": ["math", "intro", "numbers"]}, "path": ["course"]}
                ],
                "hasNext": False,
            },
        ]
    )
    # The primary fetch selects the key the deferred fetch needs, not the deferred field.
    assert gw["catalog"].queries() == snapshot(
        [
            'query{course(id: "c1") {title __typename id}}',
            "query($representations: [_Any!]!){_entities(representations: $representations){...on Course {tags}}}",
        ]
    )


async def test_defer_at_the_root_gets_root_fetches_of_its_own(gw: KitGateway) -> None:
    plan, parts = await run_incremental(
        gw, '{ courses { id } ... @defer(label: "top") { topReview { body } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          courses {
            id
          }
        }
      },
    },
    Deferred(label: "top", path: "") {
      Fetch(service: "reviews") {
        {
          topReview {
            body
          }
        }
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"courses": [{"id": "c1"}, {"id": "c2"}]}, "hasNext": True},
            {
                "incremental": [
                    {"data": {"topReview": {"body": "Clear"}}, "path": [], "label": "top"}
                ],
                "hasNext": False,
            },
        ]
    )


async def test_nested_defer_runs_after_its_parent(gw: KitGateway) -> None:
    plan, parts = await run_incremental(
        gw,
        """{ course(id: "c1") { title
             ... @defer(label: "outer") { rating ... @defer(label: "inner") { reviews { body } } }
           } }""",
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          course(id: "c1") {
            title
            __typename
            id
          }
        }
      },
    },
    Deferred(label: "outer", path: "course") {
      Defer {
        Primary {
          Flatten(path: "course") {
            Fetch(service: "reviews") {
              {
                ... on Course {
                  __typename
                  id
                }
              } =>
              {
                ... on Course {
                  rating
                }
              }
            },
          },
        },
        Deferred(label: "inner", path: "course") {
          Flatten(path: "course") {
            Fetch(service: "reviews") {
              {
                ... on Course {
                  __typename
                  id
                }
              } =>
              {
                ... on Course {
                  reviews {
                    body
                  }
                }
              }
            },
          },
        },
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"course": {"title": "Algebra"}}, "hasNext": True},
            {
                "incremental": [{"data": {"rating": 4.5}, "path": ["course"], "label": "outer"}],
                "hasNext": True,
            },
            {
                "incremental": [
                    {
                        "data": {"reviews": [{"body": "Clear"}, {"body": "Fast"}]},
                        "path": ["course"],
                        "label": "inner",
                    }
                ],
                "hasNext": False,
            },
        ]
    )


async def test_value_type_fields_are_fetched_with_their_parent(gw: KitGateway) -> None:
    """``Level`` has no key: its deferred field cannot be fetched apart, so the parent's
    fetch selects it; it still comes in the deferred part."""
    plan, parts = await run_incremental(
        gw, '{ course(id: "c1") { level { name ... @defer { description } } } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          course(id: "c1") {
            level {
              name
              description
            }
          }
        }
      },
    },
    Deferred(path: "course.level") {
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"course": {"level": {"name": "Beginner"}}}, "hasNext": True},
            {
                "incremental": [
                    {"data": {"description": "No prerequisites"}, "path": ["course", "level"]}
                ],
                "hasNext": False,
            },
        ]
    )


async def test_named_fragment_deferred_on_a_list(gw: KitGateway) -> None:
    plan, parts = await run_incremental(
        gw,
        'query { courses { id ...Ratings @defer(label: "r") } }'
        " fragment Ratings on Course { rating reviews { stars } }",
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          courses {
            id
            __typename
          }
        }
      },
    },
    Deferred(label: "r", path: "courses.@") {
      Flatten(path: "courses.@") {
        Fetch(service: "reviews") {
          {
            ... on Course {
              __typename
              id
            }
          } =>
          {
            ... on Course {
              rating
              reviews {
                stars
              }
            }
          }
        },
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"courses": [{"id": "c1"}, {"id": "c2"}]}, "hasNext": True},
            {
                "incremental": [
                    {
                        "data": {"rating": 4.5, "reviews": [{"stars": 5}, {"stars": 4}]},
                        "path": ["courses", 0],
                        "label": "r",
                    },
                    {"data": {"rating": None, "reviews": []}, "path": ["courses", 1], "label": "r"},
                ],
                "hasNext": False,
            },
        ]
    )


async def test_deferred_type_condition_in_a_union_applies_to_its_type_only(
    gw: KitGateway,
) -> None:
    plan, parts = await run_incremental(
        gw, "{ featured { ... on Level { name } ... on Course @defer { title rating } } }"
    )
    assert plan == snapshot("""\
QueryPlan {
  Defer {
    Primary {
      Fetch(service: "catalog") {
        {
          featured {
            __typename
            ... on Course {
              __typename
              id
            }
            ... on Level {
              name
            }
          }
        }
      },
    },
    Deferred(path: "featured.@") {
      Parallel {
        Flatten(path: "featured.@") {
          Fetch(service: "catalog") {
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
        Flatten(path: "featured.@") {
          Fetch(service: "reviews") {
            {
              ... on Course {
                __typename
                id
              }
            } =>
            {
              ... on Course {
                rating
              }
            }
          },
        },
      },
    },
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"featured": [{"name": "Expert"}, {}]}, "hasNext": True},
            {
                "incremental": [
                    {"data": {"title": "Topology", "rating": None}, "path": ["featured", 1]}
                ],
                "hasNext": False,
            },
        ]
    )


async def test_defer_if_false_is_as_if_absent(gw: KitGateway) -> None:
    query = 'query ($on: Boolean!) { course(id: "c1") { title ... @defer(if: $on) { rating } } }'
    plan_off, parts_off = await run_incremental(gw, query, {"on": False})
    plain, _ = await run_incremental(gw, '{ course(id: "c1") { title rating } }')
    assert plan_off == plain
    assert parts_off == snapshot([{"data": {"course": {"title": "Algebra", "rating": 4.5}}}])
    plan_on, parts_on = await run_incremental(gw, query, {"on": True})
    assert "Defer {" in plan_on
    assert len(parts_on) == 2


async def test_client_without_incremental_delivery_gets_one_response(gw: KitGateway) -> None:
    deferred = "{ courses { title ... @defer { rating } tags @stream(initialCount: 1) } }"
    plan, body = await gw.run(deferred)
    plain_plan, plain_body = await gw.run("{ courses { title rating tags } }")
    assert plan == plain_plan
    assert body == plain_body
    assert "hasNext" not in body


async def test_stream_sends_the_items_after_the_initial_count_later(gw: KitGateway) -> None:
    plan, parts = await run_incremental(
        gw, '{ course(id: "c1") { title tags @stream(initialCount: 1, label: "tags") } }'
    )
    assert plan == snapshot("""\
QueryPlan {
  Fetch(service: "catalog") {
    {
      course(id: "c1") {
        title
        tags
      }
    }
  },
}\
""")
    assert parts == snapshot(
        [
            {"data": {"course": {"title": "Algebra", "tags": ["math"]}}, "hasNext": True},
            {
                "incremental": [
                    {"items": ["intro"], "path": ["course", "tags", 1], "label": "tags"},
                    {"items": ["numbers"], "path": ["course", "tags", 2], "label": "tags"},
                ],
                "hasNext": False,
            },
        ]
    )


async def test_incremental_operation_without_defer_is_one_part(gw: KitGateway) -> None:
    _, parts = await run_incremental(gw, '{ course(id: "c1") { title } }')
    assert parts == snapshot([{"data": {"course": {"title": "Algebra"}}}])


async def test_duplicate_labels_are_refused(gw: KitGateway) -> None:
    _, parts = await run_incremental(
        gw,
        """{ a: course(id: "c1") { ... @defer(label: "x") { title } }
             b: course(id: "c2") { ... @defer(label: "x") { title } } }""",
    )
    assert parts == snapshot(
        [
            {
                "errors": [
                    {
                        "message": "Defer/Stream directive label argument must be unique.",
                        "locations": [{"line": 1, "column": 29}, {"line": 2, "column": 40}],
                        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                    }
                ]
            }
        ]
    )


async def test_stream_on_a_field_that_is_not_a_list_is_refused(gw: KitGateway) -> None:
    _, parts = await run_incremental(gw, '{ course(id: "c1") { title @stream } }')
    assert parts == snapshot(
        [
            {
                "errors": [
                    {
                        "message": "Stream directive cannot be used on non-list field 'title' on type 'Course'.",
                        "locations": [{"line": 1, "column": 28}],
                        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                    }
                ]
            }
        ]
    )


def merged(parts: list[dict[str, Any]]) -> Any:
    """What a client holds after applying every part (as Apollo Client merges them)."""
    data = copy.deepcopy(parts[0]["data"])
    for part in parts[1:]:
        for entry in part.get("incremental", []):
            path = entry["path"]
            if "items" in entry:
                held = _at(data, path[:-1])
                assert isinstance(held, list) and len(held) == path[-1], entry
                held.extend(entry["items"])
            else:
                _merge(_at(data, path), entry["data"])
    return data


def _at(data: Any, path: list[Any]) -> Any:
    for key in path:
        data = data[key]
    return data


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


@pytest.mark.parametrize(
    "query",
    [
        '{ courses { id ... @defer { title rating } } course(id: "c2") { ... @defer { rating } } }',
        '{ courses { ... @defer(label: "a") { reviews { body } ... @defer { level { name } } } } }',
        '{ a: course(id: "c1") { ... @defer { t: title } } b: course(id: "c1") { id } }',
        "{ ... @defer { courses { tags } } topReview { stars } }",
        "{ courses { id tags @stream(initialCount: 2) ... @defer { rating s: tags @stream } } }",
        '{ course(id: "c2") { level { ... @defer { name } } } }',
        "{ featured { __typename ... @defer { ... on Course { rating } ... on Level { name } } } }",
    ],
)
async def test_parts_merged_are_the_whole_response(gw: KitGateway, query: str) -> None:
    """Whatever is deferred or streamed, the client ends with the data of the whole
    response (below a null, as for ``c2``'s level, nothing is sent)."""
    _, parts = await run_incremental(gw, query)
    _, whole = await gw.run(query, headers={})
    assert "errors" not in whole
    assert parts[-1]["hasNext"] is False
    assert all(part["hasNext"] for part in parts[:-1])
    assert merged(parts) == whole["data"]
