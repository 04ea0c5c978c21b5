"""``python -m gateway persisted {report,release}``: app releases and schema changes.

``report --supergraph S [--config C] [--manifest M] [--releases D] [--supported R ...]
[--retire Type.field ...] [--json]`` validates, per app release, every operation of its
manifest against S as that release would be served (the retired fields of C hidden from
it unless it is listed), and prints what breaks and why. Exit 1 when an operation of a
*supported* release breaks, 0 otherwise, 2 when an input cannot be read. ``--retire``
asks "what if this field were retired?" (the releases that use it break). Inputs default
to C's ``persisted`` and ``retired`` sections; the current manifest is reported as
``current`` (the next release: served no retired field).

``release --client NAME --version V [--manifest M] [--releases D]`` records what a release
ships: copies the current manifest to ``D/NAME/V.json``, refusing to change an existing one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gateway.commands.release_report import ReleaseReport, report, retired_uses
from gateway.config import ConfigError, GatewayConfig, load_config
from gateway.persisted.manifest import Manifest, ManifestError
from gateway.persisted.releases import CURRENT, Release, find_releases
from gateway.retired import Retirements

__all__ = ["add_commands"]

DEFAULT_MANIFEST = "persisted_queries/manifest.json"
DEFAULT_RELEASES = "persisted_queries/releases"


class _InputError(Exception):
    """An input of the command cannot be used (exit 2)."""


def add_commands(commands: Any) -> None:
    """Add ``report`` and ``release`` to the ``persisted`` command's subparsers."""
    run = commands.add_parser("report", help="per app release: what a supergraph breaks")
    run.add_argument("--supergraph", required=True, help="supergraph SDL file")
    run.add_argument("--config", help="gateway config: persisted and retired sections")
    run.add_argument("--manifest", help="the current manifest (reported as 'current')")
    run.add_argument("--releases", help="directory of <client>/<version>.json manifests")
    run.add_argument(
        "--supported", nargs="+", metavar="CLIENT@VERSION", help="the supported releases"
    )
    run.add_argument("--retire", action="append", default=[], metavar="TYPE.FIELD")
    run.add_argument("--json", action="store_true", help="machine-readable output")
    run.set_defaults(run=_report)
    release = commands.add_parser("release", help="record the manifest a release ships")
    release.add_argument("--client", required=True, help="apollographql-client-name")
    release.add_argument("--version", required=True, help="apollographql-client-version")
    release.add_argument("--manifest", default=DEFAULT_MANIFEST, help="manifest to record")
    release.add_argument("--releases", default=DEFAULT_RELEASES, help="releases directory")
    release.set_defaults(run=_release)


def _report(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config, environ={}) if args.config else GatewayConfig()
        supergraph_sdl = Path(args.supergraph).read_text(encoding="utf-8")
        releases = _inputs(args, config)
    except (OSError, ConfigError, ManifestError, _InputError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    retirements = Retirements(config.retired)
    try:
        reports = report(supergraph_sdl, releases, retirements, args.retire)
    except Exception as error:  # an unusable supergraph: report it, do not trace back
        print(f"error: the supergraph cannot be used: {error}", file=sys.stderr)
        return 2
    supported = [r.release for r in reports if r.supported]
    uses = retired_uses(retirements, supported, retirements.fields)
    failing = [r.release for r in reports if r.supported and not r.ok]
    if args.json:
        document = {
            "ok": not failing,
            "releases": [r.to_json() for r in reports],
            "retired": [use.to_json() for use in uses],
        }
        print(json.dumps(document, indent=2))
    else:
        for line in _text(reports):
            print(line)
        for use in uses:
            served = ", ".join(use.listed) or "nobody"
            verdict = "removable: no supported release" if use.removable else "in use"
            print(f"retired {use.field}: served to {served} ({verdict})")
        if failing:
            print(f"{len(failing)} supported release(s) break: {', '.join(failing)}")
        else:
            print("every supported release keeps working")
    return 1 if failing else 0


def _inputs(args: argparse.Namespace, config: GatewayConfig) -> list[tuple[str, Manifest, bool]]:
    """(release, manifest, supported) for each manifest the options name."""
    persisted = config.persisted
    current = args.manifest or (persisted.manifest if args.config else None)
    directory = args.releases or (persisted.releases_dir if args.config else None)
    if current is None and directory is None:
        raise _InputError("nothing to report: give --manifest, --releases or --config")
    found: list[tuple[str, Manifest, bool]] = []
    if current is not None:
        found.append((CURRENT, Manifest.parse(Path(current).read_bytes()), True))
    if directory is None:
        if args.supported:
            raise _InputError("--supported needs --releases (or a config's releases_dir)")
        return found
    names = args.supported if args.supported else persisted.supported_releases
    supported = {Release.parse(name) for name in names} if names is not None else None
    present = find_releases(Path(directory))
    missing = sorted((supported or set()) - set(present))
    if missing:
        where = ", ".join(str(release.path(Path(directory))) for release in missing)
        raise _InputError(f"supported release manifest(s) not found: {where}")
    for release in present:
        manifest = Manifest.parse(release.path(Path(directory)).read_bytes())
        found.append((release.name, manifest, supported is None or release in supported))
    return found


def _text(reports: list[ReleaseReport]) -> list[str]:
    lines = []
    for result in reports:
        state = "supported" if result.supported else "unsupported"
        if result.ok:
            lines.append(f"{result.release} ({state}): {result.operations} operations valid")
            continue
        count = len(result.broken)
        lines.append(f"{result.release} ({state}): {count} of {result.operations} break")
        for operation in result.broken:
            for error in operation.errors:
                where = "".join(f" at {p['line']}:{p['column']}" for p in error["locations"])
                lines.append(
                    f"  BROKEN {operation.name} ({operation.id[:8]}…): "
                    f"{error['reason']}: {error['message']}{where}"
                )
    return lines


def _release(args: argparse.Namespace) -> int:
    try:
        release = Release(args.client, args.version)
        Release.parse(release.name)  # both parts must be safe path segments
        text = Path(args.manifest).read_text(encoding="utf-8")
        Manifest.parse(text)
    except (OSError, ValueError) as error:  # ManifestError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 2
    target = release.path(Path(args.releases))
    if target.exists():
        if target.read_text(encoding="utf-8") == text:
            print(f"{target} already records {release}")
            return 0
        print(
            f"error: {target} exists and differs: a shipped release never changes", file=sys.stderr
        )
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"recorded {release}: {target} ({len(Manifest.parse(text))} operations)")
    return 0
