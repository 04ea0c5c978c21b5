"""Input checks shared by the subgraphs; each failure is BAD_USER_INPUT naming the field."""

from __future__ import annotations

import unicodedata

from subgraphs._shared.errors import BadUserInput

MAX_ID_LENGTH = 64


def clean_text(value: str, field: str, *, max_length: int, min_length: int = 1) -> str:
    """``value`` stripped; its length within bounds and free of control characters."""
    text = value.strip()
    if len(text) < min_length:
        raise BadUserInput(f"`{field}` must not be empty.", field=field)
    if len(text) > max_length:
        raise BadUserInput(f"`{field}` must be at most {max_length} characters.", field=field)
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise BadUserInput(f"`{field}` must not contain control characters.", field=field)
    return text


def check_id(value: str, field: str = "id") -> str:
    """A plausible id: non-empty, short, printable ASCII."""
    if not value or len(value) > MAX_ID_LENGTH or not value.isascii() or not value.isprintable():
        raise BadUserInput(f"`{field}` is not a valid id.", field=field)
    return value
