"""Every plan the end-to-end gateway makes is checked against the subgraphs' own schemas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.planning.helpers import validated_plans


@pytest.fixture(autouse=True)
def _validated_plans() -> Iterator[None]:
    with validated_plans():
        yield
