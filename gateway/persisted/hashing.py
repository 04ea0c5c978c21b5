"""Operation ids: the SHA-256 of the operation text, as 64 lowercase hex digits."""

from __future__ import annotations

import hashlib
import re

__all__ = ["is_operation_id", "operation_id"]

_ID = re.compile(r"[0-9a-f]{64}")


def operation_id(text: str) -> str:
    """The id Apollo's APQ protocol and persisted-query manifests give ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_operation_id(value: object) -> bool:
    """Whether ``value`` is a well-formed id (a str of 64 lowercase hex digits)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None
