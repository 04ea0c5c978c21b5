"""After a run: the valid operations the planner refused (found by the random test)."""

from __future__ import annotations

import sys
from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    module = sys.modules.get("tests.planning.test_random_operations")
    failures = getattr(module, "PLANNING_FAILURES", None) or {}
    found = [(name, message, text) for name, by in failures.items() for message, text in by.items()]
    if not found:
        return
    terminalreporter.section("valid operations the planner refused (QUERY_PLANNING_FAILED)")
    for name, message, text in found:
        terminalreporter.write_line(f"{name}: {message}\n    {text}")
