"""``extensions.persistedQuery``: well-formed ids pass, everything else gets a clear error."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.persisted import (
    PersistedQueryError,
    PersistedQueryInvalidHash,
    PersistedQueryMalformed,
    PersistedQueryVersion,
    is_operation_id,
    operation_id,
)
from gateway.persisted.extension import requested_id

GOOD = operation_id("{ me { id } }")


def test_operation_id_is_the_sha256_hex_of_the_utf8_text() -> None:
    # expected values from coreutils: printf '{ __typename }' | sha256sum
    assert operation_id("{ __typename }") == (
        "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
    )
    assert operation_id("{ title(é: 1) }") == (
        "ff8bc6d07b25696dbfa4265f75967ec69e73fa5c3819f2894f2b38c82b3942da"
    )


def test_no_extension_means_no_id() -> None:
    assert requested_id(None) is None
    assert requested_id({}) is None
    assert requested_id({"other": 1}) is None


def test_a_well_formed_extension() -> None:
    assert requested_id({"persistedQuery": {"version": 1, "sha256Hash": GOOD}}) == GOOD


@pytest.mark.parametrize(
    ("extensions", "error", "code"),
    [
        ([], PersistedQueryMalformed, "PERSISTED_QUERY_MALFORMED"),
        ("persistedQuery", PersistedQueryMalformed, "PERSISTED_QUERY_MALFORMED"),
        ({"persistedQuery": "abc"}, PersistedQueryMalformed, "PERSISTED_QUERY_MALFORMED"),
        ({"persistedQuery": [1]}, PersistedQueryMalformed, "PERSISTED_QUERY_MALFORMED"),
        ({"persistedQuery": {"version": 1}}, PersistedQueryMalformed, "PERSISTED_QUERY_MALFORMED"),
        (
            {"persistedQuery": {"sha256Hash": GOOD}},
            PersistedQueryVersion,
            "PERSISTED_QUERY_UNSUPPORTED_VERSION",
        ),
        (
            {"persistedQuery": {"version": 2, "sha256Hash": GOOD}},
            PersistedQueryVersion,
            "PERSISTED_QUERY_UNSUPPORTED_VERSION",
        ),
        (
            {"persistedQuery": {"version": "1", "sha256Hash": GOOD}},
            PersistedQueryVersion,
            "PERSISTED_QUERY_UNSUPPORTED_VERSION",
        ),
        (
            {"persistedQuery": {"version": True, "sha256Hash": GOOD}},
            PersistedQueryVersion,
            "PERSISTED_QUERY_UNSUPPORTED_VERSION",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": GOOD[:63]}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": GOOD + "0"}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": GOOD.upper()}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": "g" * 64}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": GOOD[:62] + "é"}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": GOOD[:63] + "\n"}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": 12345}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
        (
            {"persistedQuery": {"version": 1, "sha256Hash": "x" * 1_000_000}},
            PersistedQueryInvalidHash,
            "PERSISTED_QUERY_INVALID_HASH",
        ),
    ],
)
def test_malformed_extensions_are_refused_clearly(
    extensions: Any, error: type[PersistedQueryError], code: str
) -> None:
    with pytest.raises(error) as caught:
        requested_id(extensions)
    assert caught.value.code == code
    assert caught.value.status == 400
    assert len(caught.value.message) < 300  # a megabyte of hash is not echoed back


def test_is_operation_id() -> None:
    assert is_operation_id(GOOD)
    assert not is_operation_id(None)
    assert not is_operation_id(GOOD.encode())
    assert not is_operation_id(" " + GOOD[1:])
