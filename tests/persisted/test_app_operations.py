"""The mobile app's operations: the manifest is fresh, and every operation runs on our
supergraph within the default limits and cost."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, specified_rules, validate

from gateway.commands.persisted import collect_operations, manifest_text
from gateway.limits import CostConfig, LimitsConfig, check_cost, limit_rules
from gateway.persisted import Manifest, ManifestOperation
from gateway.supergraph import Supergraph

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "persisted_queries"
MANIFEST = OPERATIONS / "manifest.json"


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    return Supergraph.parse((ROOT / "schema" / "supergraph.graphql").read_text(encoding="utf-8"))


def manifest_operations() -> list[ManifestOperation]:
    manifest = Manifest.parse(MANIFEST.read_bytes())
    return sorted(manifest.operations.values(), key=lambda op: op.name)


def test_the_manifest_is_not_stale() -> None:
    assert MANIFEST.read_text(encoding="utf-8") == manifest_text(OPERATIONS), (
        "persisted_queries/manifest.json is stale: run `make persisted`"
    )


def test_the_app_has_the_operations_it_needs() -> None:
    kinds = {name: kind for name, kind, _ in collect_operations(OPERATIONS)}
    assert kinds == {
        "Home": "query",
        "CourseCatalogue": "query",
        "CourseDetail": "query",
        "Enroll": "mutation",
        "CompleteLesson": "mutation",
        "SyncProgress": "mutation",
        "Profile": "query",
        "UpdateProfile": "mutation",
        "ProgressUpdated": "subscription",
    }


@pytest.mark.parametrize("operation", manifest_operations(), ids=lambda op: op.name)
def test_every_operation_validates_against_the_supergraph(
    supergraph: Supergraph, operation: ManifestOperation
) -> None:
    document = parse(operation.body)
    rules = [*specified_rules, *limit_rules(LimitsConfig())]
    assert validate(supergraph.api_schema, document, rules) == []
    report = check_cost(
        CostConfig(), supergraph.api_schema, document, None, {}, link_schema=supergraph.schema
    )
    assert 0 < report.estimated <= 10_000
