"""deploy/ on Kubernetes, as far as a machine without a cluster can check it: every
resource against the API's schemas (strict: unknown fields are errors), and the links
between resources that no schema sees - selectors, probes, ConfigMaps, Secrets, ports."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from gateway.supergraph import Supergraph
from subgraphs.courses.app import DEFAULT_PORT as COURSES_PORT
from subgraphs.progress.app import DEFAULT_PORT as PROGRESS_PORT
from subgraphs.users.app import DEFAULT_PORT as USERS_PORT
from tests.deploy.manifests import (
    BY_HAND,
    DEPLOY,
    ROOT,
    Resource,
    by_hand,
    containers,
    env,
    find,
    gateway_config,
    kustomization,
    pod_specs,
    rendered,
)

#: The oldest Kubernetes the manifests are for: the preStop `sleep` action is 1.30's.
KUBERNETES_VERSION = "1.30.0"
SUBGRAPH_PORTS = {"users": USERS_PORT, "courses": COURSES_PORT, "progress": PROGRESS_PORT}


def _id(resource: Resource) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


@pytest.mark.parametrize("resource", rendered() + by_hand(), ids=_id)
def test_each_resource_is_valid_for_the_kubernetes_api(resource: Resource) -> None:
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_a_misspelled_field() -> None:
    # The check above is only as good as its strictness: a typo must not pass.
    deployment = copy.deepcopy(find(rendered(), "Deployment", "gateway"))
    probe = deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    probe["httpGet"]["paht"] = probe["httpGet"].pop("path")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_applies_every_manifest_but_those_run_by_hand() -> None:
    listed = set(kustomization()["resources"])
    files = {str(path.relative_to(DEPLOY)) for path in (DEPLOY / "kubernetes").glob("*.yaml")}
    assert listed == files - set(BY_HAND)


def test_the_gateway_probes_readiness_and_liveness() -> None:
    container = find(rendered(), "Deployment", "gateway")["spec"]["template"]["spec"]["containers"][
        0
    ]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    # /ready waits up to server.ready_timeout_seconds for the subgraphs: the probe waits longer.
    ready_wait = gateway_config()["server"]["ready_timeout_seconds"]
    assert container["readinessProbe"]["timeoutSeconds"] > ready_wait


def test_every_container_requests_resources_and_runs_unprivileged() -> None:
    for workload, template in pod_specs(rendered() + by_hand()):
        assert template["spec"]["securityContext"]["runAsNonRoot"] is True, _id(workload)
        for container in template["spec"]["containers"]:
            requests = container["resources"]["requests"]
            assert {"cpu", "memory"} <= requests.keys(), _id(workload)
            assert "memory" in container["resources"]["limits"], _id(workload)
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_the_autoscaler_and_disruption_budget_target_the_gateway() -> None:
    resources = rendered()
    deployment = find(resources, "Deployment", "gateway")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    hpa = find(resources, "HorizontalPodAutoscaler", "gateway")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "gateway",
    }
    assert hpa["spec"]["minReplicas"] >= 2
    assert "replicas" not in deployment["spec"]  # the HPA owns it; apply would fight it
    pdb = find(resources, "PodDisruptionBudget", "gateway")
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_each_service_selects_pods_and_a_named_port_they_have() -> None:
    resources = rendered()
    for service in (r for r in resources if r["kind"] == "Service"):
        if service["spec"].get("type") == "ExternalName":
            continue
        selector = service["spec"]["selector"]
        selected = [
            template
            for _, template in pod_specs(resources)
            if selector.items() <= template["metadata"]["labels"].items()
        ]
        assert len(selected) == 1, _id(service)
        port_names = {
            port["name"]
            for container in selected[0]["spec"]["containers"]
            for port in container["ports"]
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, _id(service)


def test_secret_references_name_keys_of_the_example_secrets() -> None:
    secrets = {
        doc["metadata"]["name"]: set(doc["stringData"])
        for doc in by_hand()
        if doc["kind"] == "Secret"
    }
    references = [
        item["valueFrom"]["secretKeyRef"]
        for _, container in containers(rendered() + by_hand())
        for item in container.get("env", [])
        if "secretKeyRef" in item.get("valueFrom", {})
    ]
    assert len(references) >= 5
    for reference in references:
        assert reference["key"] in secrets[reference["name"]], reference


def test_config_maps_are_mounted_where_the_configuration_expects_them() -> None:
    resources = rendered()
    spec = find(resources, "Deployment", "gateway")["spec"]["template"]["spec"]
    container = spec["containers"][0]
    mounts = _config_map_mounts(spec, container)
    maps = {r["metadata"]["name"]: r for r in resources if r["kind"] == "ConfigMap"}
    assert set(mounts.values()) <= set(maps)
    config_file = Path(env(container)["GATEWAY_CONFIG"]["value"])
    assert config_file.name in maps[mounts[str(config_file.parent)]]["data"]
    supergraph = Path(gateway_config()["supergraph"]["path"])
    assert supergraph.name in maps[mounts[str(supergraph.parent)]]["data"]
    # Hot reload: ConfigMap updates reach a volume mounted whole (never through subPath),
    # under a name that does not change with the content.
    assert all("subPath" not in mount for mount in container["volumeMounts"])
    generator = next(
        g for g in kustomization()["configMapGenerator"] if g["name"] == "gateway-supergraph"
    )
    assert generator["options"]["disableNameSuffixHash"] is True
    assert gateway_config()["supergraph"]["watch"] is True


def _config_map_mounts(spec: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
    """mount path -> ConfigMap name."""
    volumes = {v["name"]: v["configMap"]["name"] for v in spec["volumes"] if "configMap" in v}
    return {
        m["mountPath"]: volumes[m["name"]]
        for m in container["volumeMounts"]
        if m["name"] in volumes
    }


def test_the_configmap_supergraph_is_the_committed_one() -> None:
    # `make deploy-supergraph` copies it; a stale copy would deploy an old graph.
    copied = (DEPLOY / "config" / "supergraph.graphql").read_text()
    assert copied == (ROOT / "schema" / "supergraph.graphql").read_text()


def test_the_gateway_reaches_each_subgraph_service_on_its_port() -> None:
    resources = rendered()
    sdl = (DEPLOY / "config" / "supergraph.graphql").read_text()
    names = set(Supergraph.parse(sdl).subgraphs)
    configured = gateway_config()["subgraphs"]
    assert set(configured) == names == set(SUBGRAPH_PORTS)
    for name, settings in configured.items():
        url = settings["url"]
        assert url == f"http://{name}:{SUBGRAPH_PORTS[name]}/graphql"
        service = find(resources, "Service", name)
        assert [p["port"] for p in service["spec"]["ports"]] == [SUBGRAPH_PORTS[name]]
        container = find(resources, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        variables = env(container)
        assert variables["SUBGRAPH"]["value"] == name
        assert variables["PORT"]["value"] == str(SUBGRAPH_PORTS[name])
        # The variable subgraphs/_shared/db.py reads for this subgraph's database.
        assert f"{name.upper()}_DATABASE_URL" in variables
