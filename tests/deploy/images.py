"""The Dockerfiles as data (dockerfile-parse), and the commands their final stage runs."""

from __future__ import annotations

import json
import shlex
import socket
from dataclasses import dataclass, field
from pathlib import Path

from dockerfile_parse import DockerfileParser

from tests.deploy.manifests import ROOT

GATEWAY = ROOT / "Dockerfile"
SUBGRAPHS = ROOT / "subgraphs.Dockerfile"


@dataclass
class Stage:
    """One ``FROM`` ... stage: its base image and instructions, in order."""

    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, instruction: str) -> list[str]:
        return [value for name, value in self.instructions if name == instruction]

    def last(self, instruction: str) -> str:
        found = self.values(instruction)
        assert found, f"no {instruction} in the stage FROM {self.base}"
        return found[-1]

    def env(self) -> dict[str, str]:
        """The ENV values, ``$PATH``-style references left as written."""
        variables: dict[str, str] = {}
        for value in self.values("ENV"):
            for pair in shlex.split(value):
                name, _, text = pair.partition("=")
                variables[name] = text
        return variables


def stages(path: Path) -> list[Stage]:
    parser = DockerfileParser(path=str(path))
    args = {
        key: value
        for item in parser.structure
        if item["instruction"] == "ARG" and "=" in item["value"]
        for key, value in [item["value"].split("=", 1)]
    }
    found: list[Stage] = []
    for item in parser.structure:
        if item["instruction"] == "FROM":
            base = item["value"].split()[0]
            for key, value in args.items():
                base = base.replace("${" + key + "}", value)
            found.append(Stage(base))
        elif found:
            found[-1].instructions.append((item["instruction"], item["value"]))
    return found


def exec_form(value: str) -> list[str]:
    """A JSON-array (exec form) CMD, ENTRYPOINT or HEALTHCHECK CMD."""
    command: list[str] = json.loads(value)
    return command


def healthcheck_command(stage: Stage) -> list[str]:
    value = stage.last("HEALTHCHECK")
    return exec_form(value[value.index("CMD") + len("CMD") :].strip())


def free_port() -> int:
    """A loopback port free a moment ago (the processes started here bind it themselves)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
