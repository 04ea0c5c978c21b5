"""Property test against the live gateway (real subgraphs, real sockets): random and
mutated documents, JSON bodies and persisted-query extensions never get a 5xx, each is
answered within a bound, and the gateway still serves afterwards.

The bodies are built from the app's own operations (so many of them get deep into the
pipeline: persisted lookup, parse, validation, limits, cost, planning, execution) and
from adversarial shapes: thousands of aliases, directives and nesting levels, fragment
cycles and exponential fan-out, huge variables, malformed hashes and extensions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.persisted import Manifest, operation_id
from tests.auth.helpers import as_bearer
from tests.persisted.helpers import MANIFEST, Platform, ThreadedPlatform

BODIES = sorted(op.body for op in Manifest.parse(MANIFEST.read_bytes()).operations.values())
#: The most any answer may take (generous: the machine is shared; none should come close).
BOUND_SECONDS = 10.0


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    with ThreadedPlatform({"mode": "apq"}) as running:
        yield running


@pytest.fixture(scope="module")
def http(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=BOUND_SECONDS * 3, headers=as_bearer("usr_0008")) as client:
        yield client


def fan_out(levels: int) -> str:
    fragments = [f"fragment F{i} on User {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return "query Fan { me { ...F0 } }\n" + "\n".join(
        [*fragments, f"fragment F{levels} on User {{ name }}"]
    )


ADVERSARIAL = [
    "{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }",
    "{ me " + "@skip(if: false) " * 50_000 + "{ id } }",
    "{" + "me {" * 1000 + "id" + "}" * 1000 + "}",
    "query Q { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }",
    fan_out(30),
    "{ me { id } } # " + "x" * 1_000_000,
    "{ courses(first: 2147483647) { nodes { modules { lessons { id } } } } }",
    "{ " + " ".join(f"c{i}: courses(first: 100) {{ nodes {{ id }} }}" for i in range(25)) + " }",
    "{ me { " + " ".join(f"avatarUrl(size: {i})" for i in range(2500)) + " } }",
    "{ me { "
    + " ".join(f"...F{i}" for i in range(1400))
    + " } } "
    + " ".join(f"fragment F{i} on User {{ id }}" for i in range(1400)),
]


@st.composite
def mutated_document(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(BODIES))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(body)))
        edit = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if edit == "insert":
            piece = draw(
                st.sampled_from(
                    [
                        "{",
                        "}",
                        "(",
                        ")",
                        "[",
                        "]",
                        "...",
                        "@skip",
                        "$x",
                        '"',
                        "#",
                        ":",
                        "!",
                        "a: ",
                        "__typename",
                        "fragment F on User { id }",
                    ]
                )
                | st.text(max_size=5)
            )
            body = body[:position] + piece + body[position:]
        elif edit == "delete":
            body = body[:position] + body[position + draw(st.integers(1, 20)) :]
        else:
            body = (
                body[:position]
                + body[position : position + 40] * draw(st.integers(2, 50))
                + body[position:]
            )
    return body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)

hashes = st.one_of(
    st.builds(operation_id, st.sampled_from(BODIES)),
    st.builds(operation_id, st.text(max_size=30)),
    st.text(alphabet="0123456789abcdefABCDEFxyz", min_size=0, max_size=70),
    json_values,
)

extensions = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries({"persistedQuery": json_values}),
    st.fixed_dictionaries(
        {
            "persistedQuery": st.fixed_dictionaries(
                {"version": st.sampled_from([1, 1, 1, 2, 0, "1", None, True]), "sha256Hash": hashes}
            )
        }
    ),
)

documents = st.one_of(
    st.sampled_from(BODIES),
    mutated_document(),
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=200),
    st.none(),
)

variables = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries(
        {"id": json_values, "first": st.integers(-(2**40), 2**40), "input": json_values}
    ),
    st.just({"events": [{"lessonId": "les_0001_001", "clientMutationId": "x" * 100}] * 2000}),
)


class Request:
    """(kind, body), shown truncated: hypothesis prints failing examples, and a 1 MB body
    would drown the report."""

    def __init__(self, pair: tuple[str, Any]) -> None:
        self.kind, self.body = pair

    def __repr__(self) -> str:
        text = repr((self.kind, self.body))
        return text if len(text) < 600 else text[:600] + f"... ({len(text)} chars)"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(repr(self))


@st.composite
def requests(draw: st.DrawFn) -> Request:
    kind = draw(st.sampled_from(["post", "post", "get", "raw"]))
    if kind == "raw":
        raw = st.binary(max_size=300) | st.builds(lambda v: json.dumps(v).encode(), json_values)
        return Request(("raw", draw(raw)))
    body: dict[str, Any] = {}
    query = draw(documents)
    if query is not None:
        body["query"] = query
    for key, strategy in (
        ("variables", variables),
        ("extensions", extensions),
        ("operationName", st.none() | st.text(max_size=10) | json_values),
    ):
        if draw(st.booleans()):
            body[key] = draw(strategy)
    return Request((kind, body))


def send(http: httpx.Client, url: str, kind: str, body: dict[str, Any] | bytes) -> httpx.Response:
    if kind == "raw":
        assert isinstance(body, bytes)
        return http.post(url, content=body, headers={"content-type": "application/json"})
    assert isinstance(body, dict)
    if kind == "get":
        params = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items() if v is not None
        }
        return http.get(url, params=params)
    return http.post(
        url, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests())
def test_no_5xx_and_bounded_answers(
    platform: Platform, http: httpx.Client, request: Request
) -> None:
    kind, body = request.kind, request.body
    started = time.monotonic()
    try:
        response = send(http, platform.url, kind, body)
    except httpx.InvalidURL:
        return  # a GET too long for a URL is the client's refusal, nothing was sent
    elapsed = time.monotonic() - started
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert elapsed < BOUND_SECONDS, elapsed
    if response.headers.get("content-type", "").startswith("application/"):
        payload = response.json()
        for item in payload if isinstance(payload, list) else [payload]:  # batches: a list
            assert "data" in item or item.get("errors"), item
            for error in item.get("errors") or []:
                assert "Traceback" not in error.get("message", "")


@pytest.mark.parametrize("document", ADVERSARIAL, ids=lambda d: d[:30])
def test_adversarial_documents_get_a_client_error_fast(
    platform: Platform, http: httpx.Client, document: str
) -> None:
    started = time.monotonic()
    response = http.post(platform.url, json={"query": document})
    assert time.monotonic() - started < BOUND_SECONDS
    assert response.status_code < 500
    payload = response.json()
    if "data" not in payload or payload.get("data") is None:
        assert payload["errors"][0]["extensions"]["code"], payload


def test_the_gateway_still_serves_afterwards(platform: Platform, http: httpx.Client) -> None:
    response = http.post(platform.url, json={"query": "{ me { id } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"id": "usr_0008"}}}
