"""Bounded label values: a metric's label set must not grow with what clients send.

The first ``limit`` distinct values are admitted as themselves; every later one is
``other``. A value that was admitted stays admitted (its series already exists), so the
label set is fixed after ``limit`` values and a lookup is one set membership test.
"""

from __future__ import annotations

#: The label value that stands for every value past the limit.
OTHER = "other"
#: Longer values are cut (a header may be kilobytes long).
MAX_VALUE_LENGTH = 64


class BoundedLabels:
    """Admits at most ``limit`` distinct label values (or tuples of values)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._admitted: set[object] = set()

    def __len__(self) -> int:
        return len(self._admitted)

    def get(self, value: str) -> str:
        """``value`` if admitted (admitting it while there is room), else ``other``."""
        if value in self._admitted:
            return value
        if len(self._admitted) < self.limit:
            self._admitted.add(value)
            return value
        return OTHER

    def pair(self, first: str, second: str) -> tuple[str, str]:
        """Like ``get`` for a pair of labels bounded together (client name and version)."""
        key = (first, second)
        if key in self._admitted:
            return key
        if len(self._admitted) < self.limit:
            self._admitted.add(key)
            return key
        return (OTHER, OTHER)


def clip(value: str | None) -> str:
    """A header value made fit for a label or a log field: at most 64 characters."""
    if not value:
        return ""
    return value[:MAX_VALUE_LENGTH]
