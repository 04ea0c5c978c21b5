"""The deploy/ files as data: the Kubernetes resources the kustomization renders, the
compose file, the gateway configuration. Read with PyYAML; no cluster, no kustomize."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
#: Applied by hand, not by the kustomization (each file says why).
BY_HAND = ("kubernetes/secrets.example.yaml", "kubernetes/seed-job.yaml")

Resource = dict[str, Any]


def load_documents(path: Path) -> list[Resource]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    return data


def generated_config_maps() -> list[Resource]:
    """The ConfigMaps of ``configMapGenerator``, as kustomize writes them (minus the hash
    suffix, which no reference here spells out)."""
    maps = []
    for generator in kustomization().get("configMapGenerator", []):
        data = {Path(name).name: (DEPLOY / name).read_text() for name in generator["files"]}
        maps.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": generator["name"]},
                "data": data,
            }
        )
    return maps


def rendered() -> list[Resource]:
    """Every resource ``kubectl apply -k deploy/`` creates."""
    resources = [
        doc for name in kustomization()["resources"] for doc in load_documents(DEPLOY / name)
    ]
    return resources + generated_config_maps()


def by_hand() -> list[Resource]:
    return [doc for name in BY_HAND for doc in load_documents(DEPLOY / name)]


def find(resources: list[Resource], kind: str, name: str) -> Resource:
    matches = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def pod_specs(resources: list[Resource]) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """(workload, its pod template) for every Deployment and Job."""
    for resource in resources:
        if resource["kind"] in ("Deployment", "Job"):
            yield resource, resource["spec"]["template"]


def containers(resources: list[Resource]) -> Iterator[tuple[Resource, dict[str, Any]]]:
    for workload, template in pod_specs(resources):
        for container in template["spec"]["containers"]:
            yield workload, container


def env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def gateway_config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "config" / "gateway.yaml").read_text())
    return data


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data
