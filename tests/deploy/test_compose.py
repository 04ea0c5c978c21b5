"""docker-compose.yml without a container engine: the compose specification's schema
(shipped in check-jsonschema), and what no schema sees - the services the gateway and
Prometheus reach, the databases PostgreSQL creates, the images the services build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from tests.deploy.manifests import DEPLOY, ROOT, compose, gateway_config

SUBGRAPHS = ("users", "courses", "progress")
SCHEMA = ("--builtin-schema", "vendor.compose-spec")


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *SCHEMA, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_compose_file_follows_the_compose_specification() -> None:
    result = _schema_check(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_refuses_a_misspelled_key(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    text = (ROOT / "docker-compose.yml").read_text()
    broken.write_text(text.replace("    depends_on:\n", "    depend_on:\n", 1))
    result = _schema_check(broken)
    assert result.returncode == 1
    assert "depend_on" in result.stdout + result.stderr


def test_two_gateway_replicas_behind_published_ports() -> None:
    gateway = compose()["services"]["gateway"]
    assert gateway["deploy"]["replicas"] == 2
    published = re.fullmatch(r"\$\{GATEWAY_PORTS:-(\d+)-(\d+)\}:4000", gateway["ports"][0])
    assert published is not None
    first, last = map(int, published.groups())
    assert last - first + 1 == gateway["deploy"]["replicas"]
    assert gateway["environment"]["GATEWAY_REDIS_URL"].startswith("redis://redis:")


def test_the_gateway_reaches_each_subgraph_service() -> None:
    services = compose()["services"]
    for name, settings in gateway_config()["subgraphs"].items():
        url = urlsplit(settings["url"])
        environment = services[url.hostname]["environment"]
        assert environment["SUBGRAPH"] == name
        assert environment["PORT"] == str(url.port)
        assert services["gateway"]["depends_on"][name]["condition"] == "service_healthy"


def test_the_gateway_supergraph_folder_is_mounted_where_the_configuration_reads_it() -> None:
    gateway = compose()["services"]["gateway"]
    folder = str(Path(gateway_config()["supergraph"]["path"]).parent)
    assert f"./schema:{folder}:ro" in gateway["volumes"]


def test_the_subgraphs_use_the_databases_postgres_creates() -> None:
    services = compose()["services"]
    created = set(
        re.findall(
            r"CREATE DATABASE (\w+);", (DEPLOY / "compose" / "postgres-init.sql").read_text()
        )
    )
    assert created == set(SUBGRAPHS)
    for name in (*SUBGRAPHS, "seed"):
        environment = services[name]["environment"]
        for subgraph in SUBGRAPHS:
            url = urlsplit(environment[f"{subgraph.upper()}_DATABASE_URL"])
            assert url.scheme == "postgresql+asyncpg"
            assert (url.hostname, url.port, url.path) == ("postgres", 5432, f"/{subgraph}")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        depends = services[name]["depends_on"]
        assert depends == (
            {"postgres": {"condition": "service_healthy"}}
            if name == "seed"
            else {"seed": {"condition": "service_completed_successfully"}}
        )


def test_images_are_built_from_the_dockerfiles_of_this_checkout() -> None:
    services = compose()["services"]
    built = {s["image"]: s["build"] for s in services.values() if "build" in s}
    assert set(built) == {"learning-gateway:latest", "learning-subgraphs:latest"}
    for build in built.values():
        assert (ROOT / build["context"] / build["dockerfile"]).is_file()
    for name in (*SUBGRAPHS, "seed", "gateway"):
        assert services[name]["image"] in built


def test_prometheus_scrapes_every_gateway_replica() -> None:
    prometheus = compose()["services"]["prometheus"]
    mount = next(
        v for v in prometheus["volumes"] if v.endswith(":/etc/prometheus/prometheus.yml:ro")
    )
    config = yaml.safe_load((ROOT / mount.split(":")[0]).read_text())
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "gateway"]
    assert job["metrics_path"] == "/metrics"
    # A DNS name with one A record per replica, not a fixed list that misses the second.
    assert job["dns_sd_configs"] == [{"names": ["gateway"], "type": "A", "port": 4000}]
