"""Type aliases shared across the gateway."""

from __future__ import annotations

from typing import Any, TypeAlias

#: Any JSON value as decoded by orjson/json.
JSON: TypeAlias = Any
#: A JSON object.
JSONObject: TypeAlias = dict[str, Any]
#: A response path: field names (response keys) and list indexes.
Path: TypeAlias = list[str | int]
#: Request headers, lower-cased names.
Headers: TypeAlias = dict[str, str]
