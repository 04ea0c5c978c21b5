"""One full response from a gateway, compared with the expected one as parsed JSON.

The byte length of a correct response is then what wrk checks on every response of the
run (gateways differ in whitespace, so each gets its own length).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson


@dataclass(frozen=True)
class Check:
    ok: bool
    #: Byte length of the response body (the length wrk expects when ``ok``).
    length: int
    #: Why the response is wrong ("" when ok).
    detail: str = ""


def post(url: str, body: bytes, timeout: float = 30.0, method: str = "POST") -> tuple[int, bytes]:
    """One JSON request on a fresh connection; returns status and body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request(
            method,
            parts.path or "/",
            body=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def check(url: str, body: bytes, expected: Any) -> Check:
    try:
        status, payload = post(url, body)
    except OSError as error:
        return Check(False, 0, f"request failed: {error}")
    if status != 200:
        return Check(False, len(payload), f"HTTP {status}: {payload[:300]!r}")
    try:
        got = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return Check(False, len(payload), f"not JSON: {payload[:300]!r}")
    if got != expected:
        return Check(False, len(payload), f"wrong answer: {first_difference(got, expected)}")
    return Check(True, len(payload))


def first_difference(got: Any, expected: Any, path: str = "$") -> str:
    """Where two JSON values first differ, for the error message."""
    if type(got) is not type(expected):
        return f"{path}: got {_short(got)}, expected {_short(expected)}"
    if isinstance(got, dict):
        for key in expected:
            if key not in got:
                return f"{path}.{key}: missing"
            if got[key] != expected[key]:
                return first_difference(got[key], expected[key], f"{path}.{key}")
        extra = sorted(set(got) - set(expected))
        return f"{path}: unexpected keys {extra}"
    if isinstance(got, list):
        if len(got) != len(expected):
            return f"{path}: {len(got)} items, expected {len(expected)}"
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
    return f"{path}: got {_short(got)}, expected {_short(expected)}"


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 120 else text[:117] + "..."
