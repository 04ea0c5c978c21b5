"""Subgraphs share infrastructure, never domain code (style rule 12)."""

from __future__ import annotations

import ast
from pathlib import Path

import subgraphs

ROOT = Path(subgraphs.__file__).parent
DOMAINS = ("users", "courses", "progress")


def imports_of(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_each_subgraph_imports_only_itself_and_shared():
    for domain in DOMAINS:
        ours = {m for m in imports_of(domain) if m.startswith("subgraphs")}
        foreign = {
            m for m in ours if not m.startswith((f"subgraphs.{domain}", "subgraphs._shared"))
        }
        assert foreign == set(), f"subgraphs.{domain} imports {foreign}"
        assert ours, domain


def test_shared_infrastructure_knows_no_domain():
    ours = {m for m in imports_of("_shared") if m.startswith("subgraphs")}
    assert ours and all(m.startswith("subgraphs._shared") for m in ours), ours


def test_no_subgraph_imports_the_gateway():
    for package in (*DOMAINS, "_shared"):
        assert not any(m.startswith("gateway") for m in imports_of(package)), package
