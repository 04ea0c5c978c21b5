"""App releases' manifests served together by the real gateway, in ``allowlist`` mode.

learning-ios 3.0.1 shipped an operation using ``Course.legacyCode``; 3.2.0 (and the current
manifest) use ``Course.code``. Both releases are supported, the field is retired for 3.0.1:
each app runs its own operations by id, the old operation is refused to the new app, and
an operation of an unsupported release is not in the list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gateway.persisted import build_manifest, operation_id
from tests.retired.helpers import NEW_APP, OLD_APP, RETIRED, served

OLD = 'query Old { course(id: "c1") { id legacyCode } }'
NEW = 'query New { course(id: "c1") { id code } }'
ANCIENT = "query Ancient { courses { id } }"


def write(path: Path, *operations: tuple[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = build_manifest([(name, "query", body) for name, body in operations])
    path.write_text(json.dumps(manifest), encoding="utf-8")


def by_id(body: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation_id(body)}}}


async def test_each_supported_release_runs_its_operations_by_id(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    write(releases / "learning-ios" / "2.0.0.json", ("Ancient", ANCIENT))
    write(releases / "learning-ios" / "3.0.1.json", ("Old", OLD), ("New", NEW))
    write(releases / "learning-ios" / "3.2.0.json", ("New", NEW))
    write(tmp_path / "manifest.json", ("New", NEW))
    persisted = {
        "mode": "allowlist",
        "manifest": str(tmp_path / "manifest.json"),
        "releases_dir": str(releases),
        "supported_releases": ["learning-ios@3.0.1", "learning-ios@3.2.0"],
    }
    async with served(retired=RETIRED, persisted=persisted) as gateway:
        old = await gateway.post("", OLD_APP, **by_id(OLD))
        assert old.json() == {"data": {"course": {"id": "c1", "legacyCode": "101"}}}
        for headers in (OLD_APP, NEW_APP, {}):
            new = await gateway.post("", headers, **by_id(NEW))
            assert new.json() == {"data": {"course": {"id": "c1", "code": "CS-101"}}}
        # the old app's operation, sent by the new app: the field is not in its schema
        refused = await gateway.post("", NEW_APP, **by_id(OLD))
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        # 2.0.0 is no longer supported: its operation is not in the list
        gone = await gateway.post("", OLD_APP, **by_id(ANCIENT))
        assert gone.status_code == 404
        assert gone.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
